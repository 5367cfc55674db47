//! How a meeting's lines are laid out: the section headers that divide them, and how its
//! topic lines are marked.

use crate::domain::notes::lines::Line;

/// How a meeting's lines mark its topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marking {
    /// Topics are bullets; a line that lost its bullet still opens with votes or intents.
    Bullets,
    /// No bullets, and topic lines open with a bare vote count (`4 Ownership`): lines opening
    /// with `(5)` are then options voted on under a topic.
    BareCounts,
    /// No bullets and no bare counts: topic lines open with votes or intents.
    Notation,
}

impl Marking {
    pub(super) fn of(lines: &[Line]) -> Marking {
        if lines.iter().any(|l| l.bullet) {
            Marking::Bullets
        } else if lines.iter().any(|l| starts_with_number(&l.text)) {
            Marking::BareCounts
        } else {
            Marking::Notation
        }
    }
}

pub(super) fn starts_with_number(text: &str) -> bool {
    text.split_whitespace()
        .next()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
}

/// Where in a meeting a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Topics,
    ActionItems,
    Attendees,
    Backlog,
}

/// A section header line: "Topics", "Action Items", "Attendees:", "Backlog of …".
pub(super) fn section_of(line: &Line) -> Option<Section> {
    if line.bullet || line.indent > 0 || line.text.split_whitespace().count() > 6 {
        return None;
    }
    let name = line.text.trim_end_matches(':').trim().to_lowercase();
    match name.as_str() {
        "topics" | "topic" | "agenda" | "discussion" | "notes" => Some(Section::Topics),
        n if n.contains("action items") || n == "actions" => Some(Section::ActionItems),
        n if n.starts_with("attendees") => Some(Section::Attendees),
        n if n.starts_with("backlog") => Some(Section::Backlog),
        _ => None,
    }
}
