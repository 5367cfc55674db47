//! `GET /archive/{channel}/search?q=`: the search `/archtopic search` runs, on the web.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::channel::heading;
use super::guard::{Visit, bad_request, failed};
use super::html;
use super::pages::{Viewer, page};
use super::topic::found_list;
use crate::domain::topics::Found;
use crate::http::HttpState;
use crate::usecases::archive::OpenChannel;
use crate::usecases::search::search_channel;

/// The longest query searched, in characters.
pub const LONGEST_QUERY: usize = 200;

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

pub async fn show(
    State(http): State<HttpState>,
    visit: Visit,
    Query(query): Query<SearchQuery>,
) -> Response {
    let words = query.q.unwrap_or_default().trim().to_string();
    if words.chars().count() > LONGEST_QUERY {
        return bad_request(
            visit.viewer(),
            "That search is too long: search for at most 200 characters.",
        );
    }
    let found = if words.is_empty() {
        Vec::new()
    } else {
        let searched = match http.app.db.acquire().await {
            Ok(mut conn) => {
                search_channel(&mut conn, &visit.team(), &visit.channel.channel_id, &words).await
            }
            Err(error) => Err(error.into()),
        };
        match searched {
            Ok(found) => found,
            Err(error) => return failed(visit.viewer(), &error),
        }
    };
    html(
        StatusCode::OK,
        render(&visit.channel, visit.viewer(), &words, &found),
    )
}

/// The search page for `words` (none yet when empty) with what they `found`.
pub fn render(channel: &OpenChannel, viewer: Viewer<'_>, words: &str, found: &[Found]) -> Markup {
    let base = format!("/archive/{}", channel.channel_id);
    let title = if words.is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {words}")
    };
    page(
        &title,
        Some(viewer),
        html! {
            nav.crumbs { a href="/archive" { "Channels" } " › "
                a href=(base) { (heading(channel)) } }
            h1 { (title) }
            form method="get" action={ (base) "/search" } role="search" {
                label for="q" { "Search topics, notes and decisions " }
                input id="q" name="q" type="search" maxlength="200" value=(words);
                " "
                button type="submit" { "Search" }
            }
            @if !words.is_empty() {
                (found_list(&base, found, "No topic matches."))
            }
        },
    )
}
