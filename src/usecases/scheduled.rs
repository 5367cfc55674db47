//! Routing a due scheduled step to what runs it.

use anyhow::Context;

use crate::domain::job::Job;
use crate::store;
use crate::store::jobs::ClaimedJob;
use crate::usecases::AppState;

/// Runs one claimed step; each completes its job in the transaction of its effects. A channel's
/// weekly posts stop where the bot was removed (or the channel archived): the step completes
/// without posting and schedules no next one, until the bot is invited back.
pub async fn run(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    if let Job::PreMeeting { channel_id, .. } | Job::Digest { channel_id, .. } = &claimed.job
        && !super::membership::posts_weekly(state, channel_id).await?
    {
        tracing::info!(key = %claimed.key, channel = %channel_id, "not in the channel: weekly post skipped");
        let completed = store::jobs::complete(&state.db, claimed, state.clock.now())
            .await
            .context("completing a skipped step")?;
        if !completed {
            tracing::warn!(key = %claimed.key, "the skipped step's claim was lost");
        }
        return Ok(());
    }
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
        Job::RecountFinish { recount_id } => recount_finished(state, claimed, recount_id).await,
        Job::ChangeByAdmin { .. } => super::admin_check::run_job(state, claimed).await,
        Job::Retention { .. } => super::retention::run_job(state, claimed).await,
    }
}

/// Repairs the votes a recount read and reports them; a meeting's kickoff goes on with its
/// agenda. All in the job's transaction, so it happens once.
async fn recount_finished(
    state: &AppState,
    claimed: &ClaimedJob,
    recount_id: i64,
) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let team = claimed.team.as_ref();
    if let Some(finished) = super::recount::finish(&mut tx, state, team, recount_id).await?
        && let Some(meeting_id) = finished.meeting_id
    {
        super::meeting::post_agenda(&mut tx, state, meeting_id, finished.all_read).await?;
    }
    state.complete_job(tx, claimed).await
}
