//! Voting rules: which reactions are votes, and how the agenda is ranked (DESIGN §1, §2).

mod emoji;
mod ranking;

pub use emoji::{is_vote_reaction, normalise_emoji};
pub use ranking::{RANKING_RULE, RankedTopic, rank};
