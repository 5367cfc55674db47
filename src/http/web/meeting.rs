//! `GET /archive/{channel}/{YYYY-MM-DD}`: one meeting, with its topics' votes, intents,
//! proposers, time planned and used, notes, decisions and action items, and a link to each
//! topic's Slack thread; `…/{YYYY-MM-DD}.md`: the same meeting as the Markdown `archhour
//! minutes` prints.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{Markup, html};

use super::channel::heading;
use super::guard::{Visit, bad_request, failed, not_found};
use super::html;
use super::pages::{Viewer, chart, page, title_heading};
use crate::compose::minutes::{self, Minutes};
use crate::domain::actions::ActionItem;
use crate::domain::notes::{Note, render_meeting};
use crate::domain::people::{Names, Person};
use crate::http::HttpState;
use crate::usecases::archive::{MeetingPage, OpenChannel, meeting_page};

pub async fn show(
    State(http): State<HttpState>,
    visit: Visit,
    Path((_, day)): Path<(String, String)>,
) -> Response {
    let (day, markdown) = match day.strip_suffix(".md") {
        Some(day) => (day, true),
        None => (day.as_str(), false),
    };
    let Some(date) = parse_day(day) else {
        return bad_request(
            visit.viewer(),
            "A meeting's address ends with its date as YYYY-MM-DD, as in 2026-11-18.",
        );
    };
    let channel_id = &visit.channel.channel_id;
    if markdown {
        let found = match http.app.db.acquire().await {
            Ok(mut conn) => minutes::find(&mut conn, channel_id, Some(date)).await,
            Err(error) => Err(error.into()),
        };
        return match found {
            Ok(Minutes::Found { notes, .. }) => (
                [
                    (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                render_meeting(&notes),
            )
                .into_response(),
            Ok(_) => not_found(visit.viewer()),
            Err(error) => failed(visit.viewer(), &error),
        };
    }
    let bot = http.app.workspaces.bot_in(&visit.team()).await;
    match meeting_page(&http.app.db, bot.as_ref(), channel_id, date).await {
        Ok(Some(shown)) => html(
            StatusCode::OK,
            render(&visit.channel, visit.viewer(), date, &shown),
        ),
        Ok(None) => not_found(visit.viewer()),
        Err(error) => failed(visit.viewer(), &error),
    }
}

/// `2026-11-18`, and nothing else.
fn parse_day(text: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    (date.format("%Y-%m-%d").to_string() == text).then_some(date)
}

/// The meeting's page as `viewer` sees it.
pub fn render(
    channel: &OpenChannel,
    viewer: Viewer<'_>,
    date: NaiveDate,
    shown: &MeetingPage,
) -> Markup {
    let base = format!("/archive/{}", channel.channel_id);
    let notes = &shown.notes;
    let title = format!("{}, {}", notes.title, notes.date);
    page(
        &title,
        Some(viewer),
        html! {
            nav.crumbs { a href="/archive" { "Channels" } " › "
                a href=(base) { (heading(channel)) } }
            (title_heading(&title))
            p { a href={ (base) "/" (date) ".md" } { "These minutes as Markdown" } }
            @if notes.topics.is_empty() { p { "No topics were discussed." } }
            @else {
                (chart(&shown.votes_chart))
                @if let Some(time_chart) = &shown.time_chart { (chart(time_chart)) }
                @else { p { "No times were recorded for this meeting (imported from notes)." } }
            }
            @for (at, topic) in notes.topics.iter().enumerate() {
                @let extra = shown.topics.get(at);
                section {
                    h2 { @if let Some(extra) = extra {
                            a href={ (base) "/topics/" (extra.number.0) } { "#" (extra.number) } " " }
                         (topic.title) }
                    p.meta {
                        (topic.votes) @if topic.votes == 1 { " vote" } @else { " votes" }
                        @if !topic.intents.is_empty() {
                            " · " (topic.intents.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", "))
                        }
                        @if !topic.proposers.is_empty() { " · proposed by " (people(&shown.names, &topic.proposers)) }
                    }
                    @let timed = shown.time_chart.is_some();
                    @if let Some(extra) = extra.filter(|extra| timed || extra.thread.is_some()) {
                        p.meta {
                            @if timed {
                                "Planned " (minutes(i64::from(extra.planned_seconds)))
                                @if let Some(used) = extra.used_seconds { ", used " (minutes(used)) }
                            }
                            @if let Some(thread) = &extra.thread {
                                @if timed { " · " }
                                a href=(thread) { "Thread in Slack" }
                            }
                        }
                    }
                    @if !topic.notes.is_empty() { h3 { "Notes" } (note_list(&shown.names, &topic.notes)) }
                    @if !topic.decisions.is_empty() {
                        h3 { "Decisions" }
                        ul { @for decision in &topic.decisions { li { (shown.names.in_text(decision)) } } }
                    }
                    @let items: Vec<&ActionItem> = shown.items.iter()
                        .filter(|item| extra.is_some_and(|e| item.topic_id == Some(e.topic_id)))
                        .collect();
                    (item_list(&shown.names, &items))
                }
            }
            @let loose: Vec<&ActionItem> = shown.items.iter().filter(|i| i.topic_id.is_none()).collect();
            @if !loose.is_empty() { h2 { "Other action items" } (item_list(&shown.names, &loose)) }
        },
    )
}

/// Notes as nested lists.
pub fn note_list(names: &Names, notes: &[Note]) -> Markup {
    html! { ul { @for note in notes { li { (names.in_text(&note.text))
    @if !note.children.is_empty() { (note_list(names, &note.children)) } } } } }
}

/// Action items with their owners, due dates and states.
pub fn item_list(names: &Names, items: &[&ActionItem]) -> Markup {
    html! { @if !items.is_empty() {
        h3 { "Action items" }
        ul { @for item in items { li {
            "A" (item.number) " " (names.in_text(&item.text))
            @let owners: Vec<Person> = item.owners.iter().cloned().map(Person::Slack)
                .chain(item.owner_names.iter().cloned().map(Person::Name)).collect();
            @if !owners.is_empty() { " · owners: " (people(names, &owners)) }
            @if let Some(due) = item.due_on { " · due " (due) }
            " · " span class={ "state-" (item.state.as_str()) } { (item.state.as_str()) }
        } } }
    } }
}

/// People by name (Slack users the directory has no name for by id), in order.
fn people(names: &Names, people: &[Person]) -> String {
    people
        .iter()
        .map(|person| names.show(person))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `12 min`, `1 min 30 s`.
fn minutes(seconds: i64) -> String {
    match (seconds / 60, seconds % 60) {
        (whole, 0) => format!("{whole} min"),
        (whole, rest) => format!("{whole} min {rest} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_date_in_its_one_spelling_is_a_day() {
        assert_eq!(
            parse_day("2026-11-18"),
            NaiveDate::from_ymd_opt(2026, 11, 18)
        );
        for not_a_day in [
            "2026-02-30",
            "2026-1-18",
            "18.11.2026",
            "today",
            "2026-11-18x",
        ] {
            assert_eq!(parse_day(not_a_day), None, "{not_a_day}");
        }
        assert_eq!(minutes(720), "12 min");
        assert_eq!(minutes(90), "1 min 30 s");
    }
}
