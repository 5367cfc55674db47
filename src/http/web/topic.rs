//! `GET /archive/{channel}/topics/{number}`: one topic's history (its state, votes, deferrals,
//! the meeting it was discussed in, notes, decisions, action items) and similar earlier topics.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::channel::heading;
use super::guard::{Visit, bad_request, failed, not_found};
use super::html;
use super::meeting::{item_list, note_list};
use super::pages::{Viewer, page, title_heading};
use crate::domain::actions::ActionItem;
use crate::domain::ids::TopicNumber;
use crate::domain::topics::Found;
use crate::http::HttpState;
use crate::usecases::archive::{OpenChannel, TopicPage, topic_page};

pub async fn show(
    State(http): State<HttpState>,
    visit: Visit,
    Path((_, number)): Path<(String, String)>,
) -> Response {
    let number = match number.trim_start_matches('#').parse::<i32>() {
        Ok(number) if number >= 1 => TopicNumber(number),
        _ => {
            return bad_request(
                visit.viewer(),
                "A topic's address ends with its number, as in /topics/12.",
            );
        }
    };
    let bot = http.app.workspaces.bot_in(&visit.team()).await;
    let shown = topic_page(
        &http.app.db,
        bot.as_ref(),
        &visit.team(),
        &visit.channel.channel_id,
        number,
    )
    .await;
    match shown {
        Ok(Some(shown)) => html(
            StatusCode::OK,
            render(&visit.channel, visit.viewer(), &shown),
        ),
        Ok(None) => not_found(visit.viewer()),
        Err(error) => failed(visit.viewer(), &error),
    }
}

/// The topic's page as `viewer` sees it.
pub fn render(channel: &OpenChannel, viewer: Viewer<'_>, shown: &TopicPage) -> Markup {
    let base = format!("/archive/{}", channel.channel_id);
    let topic = &shown.found.topic;
    let title = format!("#{} {}", topic.number, topic.title);
    let items: Vec<&ActionItem> = shown.items.iter().collect();
    page(
        &title,
        Some(viewer),
        html! {
            nav.crumbs { a href="/archive" { "Channels" } " › "
                a href=(base) { (heading(channel)) } }
            (title_heading(&title))
            p.meta {
                (topic.state.as_str()) " · " (shown.found.votes)
                @if shown.found.votes == 1 { " vote" } @else { " votes" }
                @if !topic.intents.as_slice().is_empty() { " · " (topic.intents.names().join(", ")) }
                " · proposed " (topic.created_at.format("%Y-%m-%d"))
                @let proposers = topic.proposed_by_whom();
                @if !proposers.is_empty() {
                    " by " (proposers.iter().map(|person| shown.names.show(person)).collect::<Vec<_>>().join(", "))
                }
                @if topic.times_deferred > 0 { " · deferred " (topic.times_deferred) " time(s)" }
            }
            p {
                @if let Some(day) = shown.found.discussed_on {
                    "Discussed on " a href={ (base) "/" (day) } { (day) } "."
                } @else { "Not discussed yet." }
                @if let Some(thread) = &shown.thread { " " a href=(thread) { "Thread in Slack" } }
            }
            @if !shown.notes.is_empty() { h2 { "Notes" } (note_list(&shown.names, &shown.notes)) }
            @if !shown.decisions.is_empty() {
                h2 { "Decisions" }
                ul { @for decision in &shown.decisions { li { (shown.names.in_text(decision)) } } }
            }
            (item_list(&shown.names, &items))
            h2 { "Similar earlier topics" }
            (found_list(&base, &shown.similar, "None look like it."))
        },
    )
}

/// Topics found (by a search, or as similar), each linked to its page.
pub fn found_list(base: &str, found: &[Found], none: &str) -> Markup {
    html! {
        @if found.is_empty() { p { (none) } } @else {
            ul { @for hit in found { li {
                a href={ (base) "/topics/" (hit.topic.number.0) } {
                    "#" (hit.topic.number) " " (hit.topic.title) }
                " · " (hit.votes) @if hit.votes == 1 { " vote" } @else { " votes" }
                @if let Some(day) = hit.discussed_on {
                    " · discussed " a href={ (base) "/" (day) } { (day) }
                }
                @if hit.decisions > 0 { " · " (hit.decisions) " decision(s)" }
            } } }
        }
    }
}
