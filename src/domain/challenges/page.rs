//! The challenges page: the wiki table teams keep today (`Category | Issue | Team anecdotes |
//! Number of occurrences | Status`), read for `archhour import` and written by
//! `archhour challenges`, so what is exported imports back the same.
//!
//! Rows written as Markdown (starting with `|`, as the export writes them) are read by column.
//! Rows pasted from the wiki start without one and leave out the category when it is the same
//! as the row above (a merged cell); they are read by where the occurrence count sits.

use super::anecdote::{self, Anecdote};

/// An issue as a page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageIssue {
    pub category: String,
    pub title: String,
    pub anecdotes: Vec<Anecdote>,
    /// `None` when the cell is blank.
    pub occurrences: Option<i32>,
    pub status: String,
}

/// What a challenges page holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChallengesPage {
    pub issues: Vec<PageIssue>,
    /// Lines of prose before the table (purpose, goals): not part of the log.
    pub lines_before_table: usize,
    /// Rows and lines that fit no issue.
    pub unplaced: Vec<String>,
}

const HEADER: [&str; 5] = [
    "Category",
    "Issue",
    "Team anecdotes (with dates, with team)",
    "Number of occurrences",
    "Status",
];

fn is_header(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.contains('|')
        && lower.contains("category")
        && lower.contains("issue")
        && lower.contains("occurrences")
}

fn is_separator(line: &str) -> bool {
    line.contains('-') && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// Whether `text` is a challenges page rather than meeting notes.
pub fn is_challenges_page(text: &str) -> bool {
    text.lines().any(is_header)
}

/// The cells of a row, split at unescaped `|` and unescaped; `\|` is a literal bar.
fn cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().expect("one cell").push('|');
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut().expect("one cell").push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

fn escape(cell: &str) -> String {
    cell.replace('|', "\\|")
}

fn count(cell: &str) -> Option<i32> {
    (!cell.is_empty() && cell.len() <= 6 && cell.bytes().all(|b| b.is_ascii_digit()))
        .then(|| cell.parse().ok())
        .flatten()
}

/// A ticket link or key, as statuses start: "https://…", "ARCHBOM-1150 …".
fn looks_like_status(cell: &str) -> bool {
    if cell.starts_with("http://") || cell.starts_with("https://") {
        return true;
    }
    let key: String = cell.chars().take_while(|c| !c.is_whitespace()).collect();
    match key.split_once('-') {
        Some((project, number)) => {
            project.len() >= 2
                && project
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && project.starts_with(|c: char| c.is_ascii_uppercase())
                && !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// The columns of a row: (category if given, issue, anecdotes cell, occurrences, status).
type Columns = (Option<String>, String, String, Option<i32>, String);

/// A row written as Markdown: five columns in order. A blank category repeats the one above.
fn by_column(cells: &[String]) -> Option<Columns> {
    let inner = cells.get(1..cells.len().checked_sub(1)?)?;
    let [category, issue, anecdotes, occurrences, status] = inner else {
        return None;
    };
    if issue.is_empty() {
        return None;
    }
    let occurrences = match occurrences.as_str() {
        "" => None,
        written => Some(count(written)?),
    };
    Some((
        Some(category.clone()).filter(|c| !c.is_empty()),
        issue.clone(),
        anecdotes.clone(),
        occurrences,
        status.clone(),
    ))
}

/// A row pasted from the wiki: the cells before the count (or, without one, before the
/// status) are category, issue and anecdotes, with the category left out under a merged cell.
fn by_position(cells: &[String]) -> Option<Columns> {
    let count_at = (1..cells.len().min(4)).find(|&i| count(&cells[i]).is_some());
    let (split, occurrences) = match count_at {
        Some(at) => (at, count(&cells[at])),
        None => (
            (1..cells.len())
                .find(|&i| looks_like_status(&cells[i]))
                .unwrap_or(cells.len()),
            None,
        ),
    };
    let status_from = if count_at.is_some() { split + 1 } else { split };
    let mut before: Vec<&String> = cells[..split].iter().collect();
    while before.last().is_some_and(|c| c.is_empty()) {
        before.pop();
    }
    let status = cells
        .get(status_from..)
        .unwrap_or_default()
        .iter()
        .filter(|c| !c.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let (category, issue, anecdotes) = match before.as_slice() {
        [category, issue, anecdotes] => (Some((*category).clone()), *issue, (*anecdotes).clone()),
        [issue, anecdotes] => (None, *issue, (*anecdotes).clone()),
        [issue] => (None, *issue, String::new()),
        _ => return None,
    };
    if issue.is_empty() || category.as_ref().is_some_and(String::is_empty) {
        return None;
    }
    Some((category, issue.clone(), anecdotes, occurrences, status))
}

/// Reads a challenges page.
pub fn parse_page(text: &str) -> ChallengesPage {
    let mut page = ChallengesPage::default();
    let mut lines = text.lines();
    for line in lines.by_ref() {
        if is_header(line) {
            break;
        }
        if !line.trim().is_empty() {
            page.lines_before_table += 1;
        }
    }
    let mut category: Option<String> = None;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.is_empty() || is_separator(trimmed) {
            continue;
        }
        let cells = cells(trimmed);
        let columns = if trimmed.starts_with('|') {
            by_column(&cells)
        } else if cells.len() > 1 {
            by_position(&cells)
        } else {
            None
        };
        let Some((row_category, title, anecdotes, occurrences, status)) = columns else {
            page.unplaced.push(trimmed.to_string());
            continue;
        };
        if let Some(named) = row_category {
            category = Some(named);
        }
        let Some(category) = category.clone() else {
            page.unplaced.push(trimmed.to_string());
            continue;
        };
        page.issues.push(PageIssue {
            category,
            title,
            anecdotes: anecdote::parse_cell(&anecdotes),
            occurrences,
            status,
        });
    }
    page
}

/// The log as a Markdown table in the page's shape, under a heading.
pub fn render_log(heading: &str, issues: &[PageIssue]) -> String {
    let mut out = format!("{heading}\n\n| {} |\n", HEADER.join(" | "));
    out.push_str("|---|---|---|---|---|\n");
    for issue in issues {
        let row = [
            escape(&issue.category),
            escape(&issue.title),
            escape(&anecdote::render_cell(&issue.anecdotes)),
            issue.occurrences.map(|n| n.to_string()).unwrap_or_default(),
            escape(&issue.status),
        ];
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests;
