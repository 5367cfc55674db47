//! The scheduled steps: what each job does, with its arguments, as the jobs table stores it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ids::{ChannelId, TeamId, UserId};

/// One scheduled step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Recount votes, post the agenda, start the top topic.
    MeetingKickoff { meeting_id: i64 },
    /// Post "N minutes left" for the box that phase `version` started.
    BoxWarning { meeting_id: i64, version: i32 },
    /// Time's up for the box that phase `version` started.
    BoxEnd { meeting_id: i64, version: i32 },
    /// Count the 👍/👎 on the "Time's up" message of phase `version`.
    VoteClose { meeting_id: i64, version: i32 },
    /// The schedule's length has passed: end the meeting.
    MeetingAutoEnd { meeting_id: i64 },
    /// The channel nudge a day before a meeting, or the reminder 10 minutes before.
    PreMeeting {
        channel_id: ChannelId,
        occurrence: DateTime<Utc>,
        notice: PreMeetingNotice,
    },
    /// The weekly reminder DMs of a channel (the `reminders` setting).
    ReminderRun {
        channel_id: ChannelId,
        occurrence: DateTime<Utc>,
    },
    /// The morning items fall due: DMs to their owners.
    DueMorning {
        channel_id: ChannelId,
        date: NaiveDate,
    },
    /// The weekly digest (the `digest` setting).
    Digest {
        channel_id: ChannelId,
        occurrence: DateTime<Utc>,
    },
    /// Repair the votes from what a recount read, then report it (or post the agenda of the
    /// meeting that waits for it). Due when its patience runs out; the last read brings it
    /// forward.
    RecountFinish { recount_id: i64 },
    /// `withdraw N` or `edit N` (the command's `text`) by someone who is neither the topic's
    /// author nor, the channel having none, a facilitator: decided once Slack has said whether
    /// they are a workspace admin, and answered in an ephemeral. Due when the wait for Slack
    /// runs out; the answer (`users.info` through the outbox) brings it forward.
    ChangeByAdmin {
        team_id: TeamId,
        channel_id: ChannelId,
        user_id: UserId,
        text: String,
        /// Names the command (its trigger id), so the answer is sent once.
        request: String,
    },
    /// The daily retention run of `day` (src/domain/retention.rs): forgets old delivery
    /// bookkeeping in short batches. `round` counts the jobs the day's run took so far, each
    /// going on where the last one ran out of time.
    Retention { day: NaiveDate, round: u32 },
}

/// Which pre-meeting message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreMeetingNotice {
    /// 24 hours before: add topics and vote.
    DayBefore,
    /// 10 minutes before.
    Soon,
}

/// A job ready to schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledJob {
    /// Unique per step: scheduling the same key again is a no-op.
    pub key: String,
    /// What the step is about, so a change can cancel its pending steps.
    pub subject: String,
    pub job: Job,
    pub due_at: DateTime<Utc>,
}

impl Job {
    /// [`Job::RecountFinish`]'s kind, as stored (what the last read brings forward).
    pub const RECOUNT_FINISH: &'static str = "recount_finish";
    /// [`Job::ChangeByAdmin`]'s kind, as stored (what `users.info`'s answer brings forward).
    pub const CHANGE_BY_ADMIN: &'static str = "change_by_admin";
    /// [`Job::Retention`]'s kind, as stored (what the last run's time is read from).
    pub const RETENTION: &'static str = "retention";

    /// The step's name, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::MeetingKickoff { .. } => "meeting_kickoff",
            Job::BoxWarning { .. } => "box_warning",
            Job::BoxEnd { .. } => "box_end",
            Job::VoteClose { .. } => "vote_close",
            Job::MeetingAutoEnd { .. } => "meeting_auto_end",
            Job::PreMeeting { .. } => "pre_meeting",
            Job::ReminderRun { .. } => "reminder_run",
            Job::DueMorning { .. } => "due_morning",
            Job::Digest { .. } => "digest",
            Job::RecountFinish { .. } => Job::RECOUNT_FINISH,
            Job::ChangeByAdmin { .. } => Job::CHANGE_BY_ADMIN,
            Job::Retention { .. } => Job::RETENTION,
        }
    }
}

/// Steps about a meeting's current time box or vote: cancelled whenever the phase changes.
pub fn box_subject(meeting_id: i64) -> String {
    format!("meeting:{meeting_id}:box")
}

/// Steps about a meeting as a whole (kickoff, automatic end).
pub fn meeting_subject(meeting_id: i64) -> String {
    format!("meeting:{meeting_id}")
}

/// Steps that follow a channel's schedule (pre-meeting messages).
pub fn schedule_subject(channel_id: &ChannelId) -> String {
    format!("schedule:{channel_id}")
}

/// A channel's weekly reminder runs (they follow the `reminders` setting).
pub fn reminders_subject(channel_id: &ChannelId) -> String {
    format!("reminders:{channel_id}")
}

/// A channel's weekly digest.
pub fn digest_subject(channel_id: &ChannelId) -> String {
    format!("digest:{channel_id}")
}

/// A recount's finishing step.
pub fn recount_subject(recount_id: i64) -> String {
    format!("recount:{recount_id}")
}

/// Steps that wait for Slack to say who a user is (`users.info`).
pub fn user_subject(user_id: &UserId) -> String {
    format!("user:{user_id}")
}

/// The daily retention runs (one subject for the whole database).
pub fn retention_subject() -> String {
    "retention".to_string()
}

/// A channel's due-date mornings.
pub fn due_subject(channel_id: &ChannelId) -> String {
    format!("due:{channel_id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_job_is_stored_as_its_kind_and_arguments() {
        let job = Job::BoxEnd {
            meeting_id: 4,
            version: 7,
        };
        let stored = serde_json::to_value(&job).expect("serialises");
        assert_eq!(
            stored,
            json!({"kind": "box_end", "meeting_id": 4, "version": 7})
        );
        assert_eq!(stored["kind"], job.kind());
        let back: Job = serde_json::from_value(stored).expect("deserialises");
        assert_eq!(back, job);
    }

    #[test]
    fn the_kinds_steps_are_brought_forward_by_are_the_stored_tags() {
        let finish = Job::RecountFinish { recount_id: 3 };
        let change = Job::ChangeByAdmin {
            team_id: "T1".into(),
            channel_id: "C1".into(),
            user_id: "U1".into(),
            text: "withdraw 4".into(),
            request: "1.2.3".into(),
        };
        for job in [finish, change] {
            let stored = serde_json::to_value(&job).expect("serialises");
            assert_eq!(stored["kind"], job.kind());
        }
    }
}
