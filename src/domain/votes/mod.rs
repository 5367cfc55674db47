//! Voting rules: which reactions are votes, and how the agenda is ranked (DESIGN §1, §2).

mod emoji;
mod ranking;

pub use emoji::{is_vote_reaction, normalise_emoji};
pub use ranking::{RANKING_RULE, RankedTopic, rank};

use crate::domain::ids::{TopicNumber, UserId};

/// What a recount changed on one card: the voters it added and removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRepair {
    pub number: TopicNumber,
    pub added: Vec<UserId>,
    pub removed: Vec<UserId>,
}

/// A card Slack did not answer for in a recount (its votes stay as they were), and why if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadCard {
    pub number: TopicNumber,
    pub why: Option<String>,
}
