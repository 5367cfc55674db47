//! `GET /archive/{channel}`: the agenda ranked with votes, intents and deferrals; the past
//! meetings newest first, 50 a page (`?page=2`); a search box; and the channel's charts.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::guard::{Visit, bad_request, failed, not_found};
use super::html;
use super::pages::{Viewer, chart, page};
use crate::http::HttpState;
use crate::usecases::archive::{ChannelPage, MEETINGS_PER_PAGE, OpenChannel, channel_page};

#[derive(Debug, Deserialize)]
pub struct ChannelQuery {
    page: Option<String>,
}

pub async fn show(
    State(http): State<HttpState>,
    visit: Visit,
    Query(query): Query<ChannelQuery>,
) -> Response {
    let number = match query.page.as_deref().map(str::parse::<i64>) {
        None => 1,
        Some(Ok(number)) if number >= 1 => number,
        Some(_) => {
            return bad_request(
                visit.viewer(),
                "The page number should be a whole number from 1 up, as in ?page=2.",
            );
        }
    };
    match channel_page(&http.app.db, &visit.channel.channel_id, number).await {
        Ok(Some(shown)) => html(
            StatusCode::OK,
            render(&visit.channel, visit.viewer(), &shown),
        ),
        Ok(None) => not_found(visit.viewer()),
        Err(error) => failed(visit.viewer(), &error),
    }
}

/// The channel's heading as every page of it shows it: `#name`, and `(private)`.
pub fn heading(channel: &OpenChannel) -> String {
    format!(
        "#{}{}",
        channel.name,
        if channel.private { " (private)" } else { "" }
    )
}

/// The channel's page as `viewer` sees it.
pub fn render(channel: &OpenChannel, viewer: Viewer<'_>, shown: &ChannelPage) -> Markup {
    let base = format!("/archive/{}", channel.channel_id);
    page(
        &heading(channel),
        Some(viewer),
        html! {
            nav.crumbs { a href="/archive" { "Channels" } }
            h1 { (heading(channel)) }
            form method="get" action={ (base) "/search" } role="search" {
                label for="q" { "Search topics, notes and decisions " }
                input id="q" name="q" type="search" maxlength="200";
                " "
                button type="submit" { "Search" }
            }
            p { a href={ (base) "/challenges" } { "Challenges log" } }
            (agenda(&base, shown))
            (meetings(&base, shown))
            h2 { "Charts" }
            (chart(&shown.intents_chart))
            (chart(&shown.items_chart))
        },
    )
}

fn agenda(base: &str, shown: &ChannelPage) -> Markup {
    html! {
        h2 { "Agenda" }
        @if shown.agenda.is_empty() {
            p { "No open topics. Propose one with " code { "/archtopic" } " in the channel." }
        } @else {
            (chart(&shown.votes_chart))
            div.table { table {
                thead { tr { th scope="col" { "Rank" } th scope="col" { "Topic" }
                    th scope="col" { "Intents" } th scope="col" { "Votes" }
                    th scope="col" { "Deferred" } } }
                tbody { @for ranked in &shown.agenda { tr {
                    td { (ranked.rank) }
                    td { a href={ (base) "/topics/" (ranked.topic.number.0) } {
                        "#" (ranked.topic.number) " " (ranked.topic.title) } }
                    td { (ranked.topic.intents.names().join(", ")) }
                    td { (ranked.votes) }
                    td { (ranked.topic.times_deferred) }
                } } }
            } }
            @if shown.agenda_total > shown.agenda.len() {
                p { "The top " (shown.agenda.len()) " of " (shown.agenda_total) " open topics." }
            }
        }
    }
}

fn meetings(base: &str, shown: &ChannelPage) -> Markup {
    let pages = (shown.meetings_total + MEETINGS_PER_PAGE - 1) / MEETINGS_PER_PAGE;
    html! {
        h2 { "Past meetings" }
        @if shown.meetings.is_empty() {
            p { "No meetings yet." }
        } @else {
            ul { @for meeting in &shown.meetings { li {
                a href={ (base) "/" (meeting.held_on) } { (meeting.title) ", " (meeting.held_on) }
                " · " (meeting.topics) @if meeting.topics == 1 { " topic" } @else { " topics" }
            } } }
            @if pages > 1 {
                nav aria-label="Past meetings pages" {
                    "Page " (shown.page) " of " (pages) " "
                    @if shown.page > 1 { a href={ (base) "?page=" (shown.page - 1) } { "Newer" } " " }
                    @if shown.page < pages { a href={ (base) "?page=" (shown.page + 1) } { "Older" } }
                }
            }
        }
    }
}
