//! Bracketed groups on a topic line: `[…]` or `(…)` holding a vote count, or intents,
//! proposers and qualifiers to drop; any other group is part of the title.

use super::votes::votes_part;
use super::{Part, Reading};
use crate::domain::notes::words::{Item, item};

/// A `[…]` or `(…)` group at the start that is a vote count or a decoration: its parts and
/// its length.
pub(super) fn group_at_start(text: &str) -> Option<(Vec<Part>, usize)> {
    let open = text.chars().next()?;
    let close = closing(open)?;
    let inner_end = matching_close(text, open, close)?;
    let len = inner_end + close.len_utf8();
    let parts = group_parts(&text[..len], open == '(')?;
    Some((parts, len))
}

/// A `[…]` or `(…)` group at the end that is a vote count or a decoration: its parts and
/// where it starts.
pub(super) fn group_at_end(text: &str) -> Option<(Vec<Part>, usize)> {
    let close = text.chars().next_back()?;
    let open = opening(close)?;
    let start = matching_open(text, open, close)?;
    group_parts(&text[start..], open == '(').map(|parts| (parts, start))
}

fn closing(open: char) -> Option<char> {
    match open {
        '[' => Some(']'),
        '(' => Some(')'),
        _ => None,
    }
}

fn opening(close: char) -> Option<char> {
    match close {
        ']' => Some('['),
        ')' => Some('('),
        _ => None,
    }
}

/// Where the bracket opened at the start of `text` closes (nested pairs skipped).
fn matching_close(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(at);
            }
        }
    }
    None
}

/// Where the bracket closed at the end of `text` opens (nested pairs skipped).
fn matching_open(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices().rev() {
        if c == close {
            depth += 1;
        } else if c == open {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(at);
            }
        }
    }
    None
}

/// What a group (brackets included) holds: a vote count (`(4)`), or intents, proposers and
/// dropped qualifiers. `None` when it is part of the title: something in it is none of these,
/// or it names no intent and no one.
fn group_parts(group: &str, parenthesised: bool) -> Option<Vec<Part>> {
    let trimmed = group[1..group.len() - 1].trim();
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
        return Some(vec![votes_part(group, trimmed.parse().ok()?)]);
    }
    let mut parts = Vec::new();
    for piece in split_items(trimmed) {
        let reading = match item(piece, parenthesised)? {
            Item::Intent(intent) => Reading::Intent(intent),
            Item::Person(person) => Reading::Proposer(person),
            Item::Qualifier => Reading::Dropped,
        };
        parts.push(Part {
            text: piece.to_string(),
            reading,
        });
    }
    let names_something = parts
        .iter()
        .any(|p| matches!(p.reading, Reading::Intent(_) | Reading::Proposer(_)));
    names_something.then_some(parts)
}

/// A group's items: split on `,` `;` `/` `&` and the word `and`; empty items skipped. A
/// Slack mention is never split.
fn split_items(inner: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut in_mention = false;
    let mut chars = inner.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '<' => in_mention = true,
            '>' => in_mention = false,
            _ if in_mention => {}
            ',' | ';' | '/' | '&' => {
                items.push(&inner[start..at]);
                start = at + c.len_utf8();
            }
            ' ' if inner
                .get(at..at + 5)
                .is_some_and(|word| word.eq_ignore_ascii_case(" and ")) =>
            {
                items.push(&inner[start..at]);
                start = at + 5;
                chars.nth(3);
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}
