//! A topic line as people write it on a notes page: vote notations, intents and proposers
//! around a title, in any order and spacing, and what each part of the line was read as.
//!
//! The grammar: `[leading decorations] [: or -] title [trailing decorations]`, where a
//! decoration is a vote notation (`(4)`, `***`, `++`, `+1 +1+1`, `+3`; glued to brackets or,
//! at the end, to the title's last character) or a group in `[…]` or `(…)` whose items
//! (separated by `,` `;` `/` `&` or `and`) are intents, proposers or qualifiers to drop. A group
//! with anything else in it is part of the title, as written.
//!
//! This module reads the line; `votes` reads vote notations and `groups` reads bracketed
//! groups.

mod groups;
mod votes;

use groups::{group_at_end, group_at_start};
use votes::{votes_at_end, votes_at_start, votes_part};

use crate::domain::people::Person;
use crate::domain::topics::Intent;

/// A topic line, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLine {
    /// The line as written (after its bullet).
    pub written: String,
    pub title: String,
    /// The largest count the line's vote notations give: `(5) *****` is one count written
    /// twice.
    pub votes: u32,
    /// Distinct, in the order written.
    pub intents: Vec<Intent>,
    /// Distinct, in the order written.
    pub proposers: Vec<Person>,
    /// What each part of the line was read as, in the line's order.
    pub parts: Vec<Part>,
}

/// One part of a topic line and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub reading: Reading,
}

/// What a part of a topic line means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Votes(u32),
    Intent(Intent),
    Proposer(Person),
    /// A word in a group that is neither (`opinion poll`, `vote`, `link`).
    Dropped,
    /// The `:` or `-` between the leading decorations and the title.
    Separator,
    Title,
}

/// How the page lays out its topics, which decides what a leading number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Topics are bullets: `2021 planning` is a title.
    Bulleted,
    /// No bullets: a topic line starts with its vote count, `4 Working group ownership`.
    Bare,
}

impl TopicLine {
    /// Reads a topic line. Never fails: a line that is all decoration is its own title.
    pub fn read(text: &str, layout: Layout) -> TopicLine {
        let written = text.trim();
        let mut leading = Vec::new();
        let rest = take_leading(written, layout, &mut leading);
        let mut trailing = Vec::new();
        let title = take_trailing(rest, &mut trailing);
        if title.is_empty() {
            return TopicLine::undecorated(written);
        }
        trailing.reverse();
        let mut parts = leading;
        parts.push(Part {
            text: title.to_string(),
            reading: Reading::Title,
        });
        parts.extend(trailing);
        let mut line = TopicLine {
            written: written.to_string(),
            title: title.to_string(),
            votes: 0,
            intents: Vec::new(),
            proposers: Vec::new(),
            parts,
        };
        for part in &line.parts {
            match &part.reading {
                Reading::Votes(count) => line.votes = line.votes.max(*count),
                Reading::Intent(intent) if !line.intents.contains(intent) => {
                    line.intents.push(*intent);
                }
                Reading::Proposer(person) if !line.proposers.contains(person) => {
                    line.proposers.push(person.clone());
                }
                _ => {}
            }
        }
        line
    }

    fn undecorated(written: &str) -> TopicLine {
        TopicLine {
            written: written.to_string(),
            title: written.to_string(),
            votes: 0,
            intents: Vec::new(),
            proposers: Vec::new(),
            parts: vec![Part {
                text: written.to_string(),
                reading: Reading::Title,
            }],
        }
    }

    /// Whether the line opens with votes or intents: on a page a topic line that lost its
    /// bullet still does.
    pub fn opens_with_votes_or_intents(&self) -> bool {
        self.parts
            .iter()
            .take_while(|part| part.reading != Reading::Title)
            .any(|part| matches!(part.reading, Reading::Votes(_) | Reading::Intent(_)))
    }
}

/// Takes decorations off the start of `text`, returning the rest. Stops before taking what
/// would leave no title.
fn take_leading<'a>(text: &'a str, layout: Layout, parts: &mut Vec<Part>) -> &'a str {
    let mut rest = text;
    let mut bare_number = layout == Layout::Bare;
    loop {
        let trimmed = rest.trim_start();
        let taken = votes_at_start(trimmed, bare_number)
            .map(|(count, len)| (vec![votes_part(&trimmed[..len], count)], len))
            .or_else(|| group_at_start(trimmed));
        bare_number = false;
        let Some((found, len)) = taken else {
            break;
        };
        if trimmed[len..].trim().is_empty() {
            break;
        }
        parts.extend(found);
        rest = &trimmed[len..];
    }
    if parts.is_empty() {
        return text;
    }
    let trimmed = rest.trim_start();
    let separator = [":", "- ", "– ", "— "]
        .into_iter()
        .find(|s| trimmed.starts_with(s));
    match separator {
        Some(separator) if !trimmed[separator.len()..].trim().is_empty() => {
            parts.push(Part {
                text: separator.trim().to_string(),
                reading: Reading::Separator,
            });
            &trimmed[separator.len()..]
        }
        _ => rest,
    }
}

/// Takes decorations off the end of `text` (pushing their parts last first), and returns the
/// title without a trailing `:` or dash.
fn take_trailing<'a>(text: &'a str, parts: &mut Vec<Part>) -> &'a str {
    let mut rest = text.trim();
    while let Some((found, start)) = votes_at_end(rest).or_else(|| group_at_end(rest)) {
        if rest[..start].trim().is_empty() {
            break;
        }
        parts.extend(found.into_iter().rev());
        rest = rest[..start].trim_end();
    }
    rest.trim_end_matches(|c: char| matches!(c, ':' | '-' | '–' | '—') || c.is_whitespace())
        .trim()
}

#[cfg(test)]
mod tests;
