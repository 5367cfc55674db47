//! Topics: what people propose for the meeting, and the rules about them (DESIGN §2).

mod intent;
mod similarity;
mod title;

pub use intent::{Intent, IntentError, Intents};
pub use similarity::{Similarity, WordCounts, most_similar, similarity};
pub use title::{Title, TitleError};

use chrono::NaiveDate;

use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::people::Person;

/// A topic's place in its life: proposed, being talked about, done, or taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicState {
    Open,
    Discussing,
    Discussed,
    Withdrawn,
}

impl TopicState {
    pub fn as_str(self) -> &'static str {
        match self {
            TopicState::Open => "open",
            TopicState::Discussing => "discussing",
            TopicState::Discussed => "discussed",
            TopicState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<TopicState> {
        [
            TopicState::Open,
            TopicState::Discussing,
            TopicState::Discussed,
            TopicState::Withdrawn,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

impl Topic {
    /// Whether `user` proposed it.
    pub fn proposed_by(&self, user: &UserId) -> bool {
        self.author_id.as_ref() == Some(user)
    }

    /// Who proposed it: the people a notes page named, else the Slack author; empty when an
    /// imported page named no one.
    pub fn proposed_by_whom(&self) -> Vec<Person> {
        if !self.proposers.is_empty() {
            return self.proposers.clone();
        }
        self.author_id
            .iter()
            .map(|id| Person::Slack(id.clone()))
            .collect()
    }
}

/// A stored topic, as the rest of the app sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: i64,
    /// Per-workspace number, shown as `#12`.
    pub number: TopicNumber,
    pub team_id: TeamId,
    pub channel_id: ChannelId,
    /// Who proposed it in Slack; `None` for a topic imported from a notes page.
    pub author_id: Option<UserId>,
    /// Everyone a notes page named as proposing it, when imported (a topic proposed in Slack
    /// has its `author_id` instead).
    pub proposers: Vec<Person>,
    pub intents: Intents,
    pub title: String,
    pub state: TopicState,
    /// The `ts` of the topic card once Slack has accepted it.
    pub card_ts: Option<String>,
    /// Meetings this topic was open for but not reached.
    pub times_deferred: i32,
    /// The meeting that discussed it.
    pub discussed_in: Option<i64>,
    /// Votes a notes page gave it before it came into Slack.
    pub imported_votes: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The challenges-log issue it was proposed from ("Discuss at Arch Hour").
    pub challenge_id: Option<i64>,
}

impl Topic {
    /// The votes a topic shows: those counted on its card, plus those a notes page recorded
    /// for it when it was imported.
    pub fn shown_votes(&self, counted_on_card: i64) -> i64 {
        counted_on_card + i64::from(self.imported_votes)
    }
}

/// A topic found, with what a reader needs to judge it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub topic: Topic,
    /// The day of the meeting that discussed it.
    pub discussed_on: Option<NaiveDate>,
    /// Votes when discussed (or imported), or counted votes so far for open topics is left to
    /// the caller; this is the recorded figure.
    pub votes: i64,
    pub decisions: i64,
    pub needs_follow_up: bool,
}
