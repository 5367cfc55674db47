//! The meeting: its schedule, its time boxes, and the rules that move it from topic to topic
//! (DESIGN §3). Pure: times come in as arguments, decisions go out as data.

mod durations;
pub mod rules;
mod schedule;

pub use durations::Span;
pub use schedule::{Schedule, WeeklyTime, local_to_utc};

use chrono::{DateTime, Utc};

use rules::Input;

use crate::domain::ids::{ChannelId, TeamId, UserId};

/// A meeting as stored: where it is and which version of its phase is current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub team_id: TeamId,
    pub channel_id: ChannelId,
    pub started_by: UserId,
    pub started_at: DateTime<Utc>,
    pub phase: rules::Phase,
    /// Bumped on every phase change; scheduled steps carry the version they belong to.
    pub version: i32,
    /// The "Time's up" message whose reactions decide the vote, once posted.
    pub vote_message_ts: Option<String>,
}

/// How one topic went in a meeting, for the summary, minutes and digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscussedTopic {
    pub topic_id: i64,
    pub position: i32,
    pub votes: i32,
    pub rounds: i32,
    pub planned_seconds: i32,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub needs_follow_up: bool,
}

/// A facilitator's meeting control, from a button or a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingControl {
    Extend,
    Next,
    End,
    /// Count the 👍/👎 now instead of waiting for the vote window.
    CloseVote,
}

impl MeetingControl {
    pub const ALL: [MeetingControl; 4] = [
        MeetingControl::Extend,
        MeetingControl::Next,
        MeetingControl::End,
        MeetingControl::CloseVote,
    ];

    /// The meeting input this control gives, if it moves the meeting directly.
    pub fn input(self) -> Option<Input> {
        match self {
            MeetingControl::Extend => Some(Input::Extend),
            MeetingControl::Next => Some(Input::Next),
            MeetingControl::End => Some(Input::End),
            MeetingControl::CloseVote => None,
        }
    }
}
