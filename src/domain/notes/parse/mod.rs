//! Reading a notes page: date headings start meetings; under "Topics", each top-level bullet
//! is a topic and deeper bullets are its notes, decisions and action items; a line that lost
//! its bullet is a topic when it opens with votes or intents, and pages without bullets mark
//! every topic that way (often a bare vote count); a "Backlog" section holds open topics.
//!
//! This module splits the page into meetings at their date headings; `layout` tells how a
//! meeting marks its sections and topics, and `meeting` reads one meeting's lines.

mod layout;
mod meeting;

use chrono::NaiveDate;

use super::Page;
use super::lines::{Line, lines};
use meeting::read_meeting;

/// Reads a page. Never fails: what it cannot place is listed in `unplaced`.
pub fn parse_page(text: &str) -> Page {
    let mut page = Page::default();
    let mut block: Option<(String, NaiveDate, Vec<Line>)> = None;
    for line in lines(text) {
        if let (false, Some((title, date))) = (line.bullet, heading(&line.text)) {
            if let Some((title, date, lines)) = block.take() {
                read_meeting(&mut page, title, date, &lines);
            }
            block = Some((title, date, Vec::new()));
            continue;
        }
        match &mut block {
            Some((_, _, lines)) => lines.push(line),
            None => page.unplaced.push(line.text),
        }
    }
    if let Some((title, date, lines)) = block {
        read_meeting(&mut page, title, date, &lines);
    }
    page
}

/// A short line with an ISO date (`2020-12-17`, `2015.09.16`) at its start or end.
fn heading(text: &str) -> Option<(String, NaiveDate)> {
    if text.split_whitespace().count() > 8 {
        return None;
    }
    let trimmed = text.trim_matches(|c: char| c == ':' || c.is_whitespace());
    let date_at = |s: &str| {
        let candidate: String = s.chars().take(10).collect();
        NaiveDate::parse_from_str(&candidate.replace('.', "-"), "%Y-%m-%d").ok()
    };
    let tidy = |s: &str| {
        let title =
            s.trim_matches(|c: char| matches!(c, ':' | '-' | '–' | '—') || c.is_whitespace());
        if title.is_empty() {
            "Arch Hour".to_string()
        } else {
            title.to_string()
        }
    };
    if let Some(date) = date_at(trimmed) {
        return Some((tidy(&trimmed[10.min(trimmed.len())..]), date));
    }
    let start = trimmed.char_indices().rev().nth(9).map(|(i, _)| i)?;
    let date = date_at(&trimmed[start..])?;
    Some((tidy(&trimmed[..start]), date))
}
