//! The architecture challenges log: the "sources of drag" engineers hit, each an issue in a
//! category with dated anecdotes from teams, an occurrence count and a status. Pure rules and
//! the page format; storage is `store::challenges`.

pub mod anecdote;
pub mod entry;
pub mod form;
pub mod page;
pub mod ranking;

pub use anecdote::{Anecdote, When};
pub use entry::{FieldError, NewAnecdote, OneLineError, Recording, parse_one_line};
pub use page::{ChallengesPage, PageIssue, is_challenges_page, parse_page, render_log};

use chrono::NaiveDate;

use crate::domain::ids::{ChannelId, TopicNumber};

/// One issue of the log as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeIssue {
    pub id: i64,
    /// Shown as `C7`; `challenge 7` finds it.
    pub number: i32,
    pub channel_id: ChannelId,
    pub category: String,
    pub title: String,
    /// `None` when an imported page left the count blank and nothing was recorded since.
    pub occurrences: Option<i32>,
    /// The latest dated anecdote.
    pub last_seen: Option<NaiveDate>,
    /// Free text, often a ticket: "ARCHBOM-1202 Note: not actually completed". Empty for none.
    pub status: String,
    /// The open topic proposed from it with "Discuss at Arch Hour", if any.
    pub topic_number: Option<TopicNumber>,
}

impl ChallengeIssue {
    /// The count used for ordering: a blank count is none.
    pub fn occurrence_count(&self) -> i32 {
        self.occurrences.unwrap_or(0)
    }
}

/// What recording did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub issue: ChallengeIssue,
    /// The issue was started by this anecdote.
    pub new_issue: bool,
    /// False when `source` had been recorded already.
    pub added: bool,
}

/// An anecdote recorded in Slack, with the issue it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentAnecdote {
    pub issue_number: i32,
    pub category: String,
    pub title: String,
    pub anecdote: Anecdote,
}

/// Issue #7 of C1, "Builds: Flaky <CI>", seen three times, for the use cases' tests.
#[cfg(test)]
pub fn flaky_ci_issue() -> ChallengeIssue {
    ChallengeIssue {
        id: 40,
        number: 7,
        channel_id: crate::domain::ids::ChannelId::from("C1"),
        category: "Builds".to_string(),
        title: "Flaky <CI>".to_string(),
        occurrences: Some(3),
        last_seen: None,
        status: String::new(),
        topic_number: None,
    }
}
