//! `GET /archive/{channel}/challenges`: the challenges log as a table, sorted on the server by
//! the column whose header link was followed (`?sort=occurrences&dir=desc`), which carries
//! `aria-sort`.

use std::cmp::Ordering;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::channel::heading;
use super::guard::{Visit, bad_request, failed};
use super::html;
use super::pages::{Viewer, page};
use crate::domain::challenges::PageIssue;
use crate::http::HttpState;
use crate::store;
use crate::usecases::archive::OpenChannel;

/// The table's columns, as `?sort=` names them, with their headers.
const COLUMNS: [(&str, &str); 5] = [
    ("category", "Category"),
    ("issue", "Issue"),
    ("anecdotes", "Team anecdotes"),
    ("occurrences", "Occurrences"),
    ("status", "Status"),
];

#[derive(Debug, Deserialize)]
pub struct SortQuery {
    sort: Option<String>,
    dir: Option<String>,
}

/// The column sorted on and whether downwards.
pub type Sorting<'a> = Option<(&'a str, bool)>;

pub async fn show(
    State(http): State<HttpState>,
    visit: Visit,
    Query(query): Query<SortQuery>,
) -> Response {
    let Some(sorting) = sorting(&query) else {
        return bad_request(
            visit.viewer(),
            "The log sorts by category, issue, anecdotes, occurrences or status, with dir=asc or dir=desc.",
        );
    };
    let read = match http.app.db.acquire().await {
        Ok(mut conn) => store::challenges::page_of(&mut conn, &visit.channel.channel_id)
            .await
            .map_err(anyhow::Error::from),
        Err(error) => Err(error.into()),
    };
    let mut issues = match read {
        Ok(issues) => issues,
        Err(error) => return failed(visit.viewer(), &error),
    };
    if let Some((column, descending)) = sorting {
        sort(&mut issues, column, descending);
    }
    html(
        StatusCode::OK,
        render(&visit.channel, visit.viewer(), &issues, sorting),
    )
}

/// The challenges log as sorted, as `viewer` sees it.
pub fn render(
    channel: &OpenChannel,
    viewer: Viewer<'_>,
    issues: &[PageIssue],
    sorting: Sorting<'_>,
) -> Markup {
    let base = format!("/archive/{}", channel.channel_id);
    page(
        "Challenges log",
        Some(viewer),
        html! {
            nav.crumbs { a href="/archive" { "Channels" } " › "
                a href=(base) { (heading(channel)) } }
            h1 { "Challenges log" }
            @if issues.is_empty() { p { "This channel has no challenges log yet." } }
            @else { (table(&base, issues, sorting)) }
        },
    )
}

/// What the query asks for: `Some(None)` for the log's own order, `None` when it cannot be read.
fn sorting(query: &SortQuery) -> Option<Sorting<'static>> {
    let descending = match query.dir.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return None,
    };
    match query.sort.as_deref() {
        None => Some(None),
        Some(asked) => COLUMNS
            .iter()
            .find(|(name, _)| *name == asked)
            .map(|(name, _)| Some((*name, descending))),
    }
}

/// Sorts by `column`; ties keep the log's order.
pub fn sort(issues: &mut [PageIssue], column: &str, descending: bool) {
    let compare = |a: &PageIssue, b: &PageIssue| -> Ordering {
        match column {
            "category" => a.category.to_lowercase().cmp(&b.category.to_lowercase()),
            "issue" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            "anecdotes" => a.anecdotes.len().cmp(&b.anecdotes.len()),
            "occurrences" => a.occurrences.cmp(&b.occurrences),
            _ => a.status.to_lowercase().cmp(&b.status.to_lowercase()),
        }
    };
    issues.sort_by(|a, b| {
        let order = compare(a, b);
        if descending { order.reverse() } else { order }
    });
}

fn table(base: &str, issues: &[PageIssue], sorting: Sorting<'_>) -> Markup {
    html! { div.table { table {
        thead { tr { @for (name, header) in COLUMNS {
            @let sorted = sorting.filter(|(column, _)| *column == name);
            @let next = if matches!(sorted, Some((_, false))) { "desc" } else { "asc" };
            th scope="col" aria-sort=[sorted.map(|(_, down)| if down { "descending" } else { "ascending" })] {
                a href={ (base) "/challenges?sort=" (name) "&dir=" (next) } { (header) }
            }
        } } }
        tbody { @for issue in issues { tr {
            td { (issue.category) }
            td { (issue.title) }
            td { @if !issue.anecdotes.is_empty() { ul { @for anecdote in &issue.anecdotes { li {
                @if let Some(team) = &anecdote.team { (team) ": " }
                (anecdote.text)
                @if let Some(when) = &anecdote.when { " (" (when.written) ")" }
            } } } } }
            td { @if let Some(count) = issue.occurrences { (count) } }
            td { (issue.status) }
        } } }
    } } }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(category: &str, title: &str, occurrences: Option<i32>) -> PageIssue {
        PageIssue {
            category: category.into(),
            title: title.into(),
            anecdotes: Vec::new(),
            occurrences,
            status: String::new(),
        }
    }

    #[test]
    fn sorting_by_a_column_either_way_keeps_ties_in_the_logs_order() {
        let mut issues = vec![
            issue("b", "one", Some(2)),
            issue("A", "two", None),
            issue("a", "three", Some(5)),
        ];
        sort(&mut issues, "category", false);
        let titles: Vec<&str> = issues.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["two", "three", "one"]);
        sort(&mut issues, "occurrences", true);
        let titles: Vec<&str> = issues.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            ["three", "one", "two"],
            "a blank count last going down"
        );
    }

    #[test]
    fn only_known_columns_and_directions_are_read() {
        let query = |sort: Option<&str>, dir: Option<&str>| SortQuery {
            sort: sort.map(String::from),
            dir: dir.map(String::from),
        };
        assert_eq!(sorting(&query(None, None)), Some(None));
        assert_eq!(
            sorting(&query(Some("status"), Some("desc"))),
            Some(Some(("status", true)))
        );
        assert_eq!(sorting(&query(Some("colour"), None)), None);
        assert_eq!(sorting(&query(Some("status"), Some("up"))), None);
    }
}
