//! Routing a due scheduled step to what runs it.

use crate::app::AppState;
use crate::jobs::job::Job;
use crate::store::jobs::ClaimedJob;

/// Runs one claimed step; each completes its job in the transaction of its effects.
pub async fn run(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    match claimed.job {
        Job::PreMeeting { .. } => super::pre_meeting::run(state, claimed).await,
        Job::ReminderRun { .. } | Job::DueMorning { .. } => {
            super::reminders::run_job(state, claimed).await
        }
        Job::Digest { .. } => super::digest::run_job(state, claimed).await,
        Job::MeetingKickoff { .. }
        | Job::BoxWarning { .. }
        | Job::BoxEnd { .. }
        | Job::VoteClose { .. }
        | Job::MeetingAutoEnd { .. } => super::meeting::run_step(state, claimed).await,
    }
}
