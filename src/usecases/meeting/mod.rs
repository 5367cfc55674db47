//! Running the meeting: the facilitator's commands and buttons, the scheduled steps, and the
//! one transactional function that moves a meeting through the rules.

mod controls;
mod effects;
mod steps;

pub use controls::{button, control, start};
pub use steps::{post_agenda, run as run_step};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::compose;
use crate::domain::job::{Job, ScheduledJob, box_subject};
use crate::domain::meeting::Meeting;
use crate::domain::meeting::rules::{self, Due, Input, Refusal, Timing, Transition};
use crate::domain::settings::ChannelSettings;
use crate::store;
use crate::usecases::AppState;

/// Moves a meeting (which the caller has locked in `tx`) through the rules, and stores,
/// schedules and posts everything that follows. Nothing is visible until the caller commits.
pub(crate) async fn advance(
    tx: &mut PgConnection,
    state: &AppState,
    meeting: &Meeting,
    input: Input,
) -> anyhow::Result<Result<Transition, Refusal>> {
    let now = state.clock.now();
    let settings = store::settings::load(&mut *tx, &meeting.channel_id)
        .await
        .context("loading settings")?;
    let next_topic = compose::agenda::ranked(tx, &meeting.channel_id)
        .await?
        .first()
        .map(|entry| entry.topic.id);
    let timing = timing(&settings);
    let transition = match rules::step(meeting.phase, input, next_topic, &timing, now) {
        Ok(transition) => transition,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let version = meeting.version + 1;
    store::meetings::set_phase(&mut *tx, meeting.id, transition.phase, version, now)
        .await
        .context("storing the meeting's phase")?;
    store::jobs::cancel_subject(&mut *tx, &box_subject(meeting.id), now)
        .await
        .context("cancelling the previous phase's steps")?;
    for due in rules::steps_due(transition.phase, &timing, now) {
        let scheduled = step_for(meeting.id, version, due);
        store::jobs::schedule(&mut *tx, &scheduled, Some(&meeting.team_id), now)
            .await
            .context("scheduling a meeting step")?;
    }
    effects::apply(tx, state, meeting, version, &settings, &transition.effects).await?;
    Ok(Ok(transition))
}

/// The timing settings as the rules take them.
fn timing(settings: &ChannelSettings) -> Timing<'_> {
    Timing {
        boxes: &settings.timebox,
        warning: settings.warning,
        vote_window: settings.vote_window,
    }
}

/// The job for a step the new phase calls for; its key names the phase version.
fn step_for(meeting_id: i64, version: i32, due: Due) -> ScheduledJob {
    let (job, due_at): (Job, DateTime<Utc>) = match due {
        Due::Warning(at) => (
            Job::BoxWarning {
                meeting_id,
                version,
            },
            at,
        ),
        Due::BoxEnd(at) => (
            Job::BoxEnd {
                meeting_id,
                version,
            },
            at,
        ),
        Due::VoteClose(at) => (
            Job::VoteClose {
                meeting_id,
                version,
            },
            at,
        ),
    };
    ScheduledJob {
        key: format!("{}:meeting:{meeting_id}:v{version}", job.kind()),
        subject: box_subject(meeting_id),
        job,
        due_at,
    }
}
