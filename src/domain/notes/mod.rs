//! Notes pages: the wiki pages teams keep for this meeting today. Parsed into meetings, topics,
//! notes, decisions and action items for `archhour import`, and rendered back from the same
//! model by `archhour minutes`, so minutes re-import losslessly.

mod lines;
mod parse;
mod people;
mod rematch;
mod render;
mod report;
mod topic_line;
mod words;

pub use parse::parse_page;
pub use rematch::rematch;
pub use render::render_meeting;
pub use report::{explained, topic_rows};
pub use topic_line::{Layout, Part, Reading, TopicLine};

use chrono::NaiveDate;

pub use crate::domain::people::Person;
use crate::domain::topics::Intent;

/// A notes page: its meetings, its backlog of undiscussed topics, and the lines that fit
/// nowhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub meetings: Vec<MeetingNotes>,
    pub backlog: Vec<TopicNotes>,
    pub unplaced: Vec<String>,
    /// Every topic line, in page order, with what each part of it was read as.
    pub topic_lines: Vec<ReadTopic>,
}

/// A topic line and where on the page it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadTopic {
    /// The meeting it belongs to; `None` in a backlog section.
    pub meeting: Option<NaiveDate>,
    pub line: TopicLine,
}

/// One meeting: a date heading and what was discussed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingNotes {
    /// The heading without its date: "Arch Hour", "Arch Lunch", "review of Programs".
    pub title: String,
    pub date: NaiveDate,
    pub topics: Vec<TopicNotes>,
    /// Action items not tied to a topic.
    pub actions: Vec<ActionNotes>,
}

/// A topic and everything recorded under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicNotes {
    pub title: String,
    pub intents: Vec<Intent>,
    /// Everyone the line named as proposing it, in the order written.
    pub proposers: Vec<Person>,
    pub votes: u32,
    pub notes: Vec<Note>,
    pub decisions: Vec<String>,
    pub actions: Vec<ActionNotes>,
}

/// A note, with the notes nested under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub children: Vec<Note>,
}

/// An action item as a page records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionNotes {
    pub text: String,
    pub owners: Vec<Person>,
    pub due: Option<NaiveDate>,
}

impl TopicNotes {
    /// A topic with just a title.
    pub fn titled(title: &str) -> TopicNotes {
        TopicNotes {
            title: title.to_string(),
            intents: Vec::new(),
            proposers: Vec::new(),
            votes: 0,
            notes: Vec::new(),
            decisions: Vec::new(),
            actions: Vec::new(),
        }
    }
}

impl Page {
    /// Totals for the import report.
    pub fn counts(&self) -> PageCounts {
        let topics: Vec<&TopicNotes> = self
            .meetings
            .iter()
            .flat_map(|m| &m.topics)
            .chain(&self.backlog)
            .collect();
        PageCounts {
            meetings: self.meetings.len(),
            topics: topics.len(),
            votes: topics.iter().map(|t| t.votes).sum(),
            actions: topics.iter().map(|t| t.actions.len()).sum::<usize>()
                + self.meetings.iter().map(|m| m.actions.len()).sum::<usize>(),
            decisions: topics.iter().map(|t| t.decisions.len()).sum(),
            notes: topics.iter().map(|t| count_notes(&t.notes)).sum(),
            backlog: self.backlog.len(),
            unplaced: self.unplaced.len(),
        }
    }
}

fn count_notes(notes: &[Note]) -> usize {
    notes.iter().map(|n| 1 + count_notes(&n.children)).sum()
}

/// What a page holds, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub meetings: usize,
    pub topics: usize,
    pub votes: u32,
    pub actions: usize,
    pub decisions: usize,
    pub notes: usize,
    pub backlog: usize,
    pub unplaced: usize,
}

#[cfg(test)]
mod tests;
