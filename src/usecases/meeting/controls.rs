//! The facilitator's controls: `start`, `next`, `extend`, `end`, and the buttons on the
//! meeting's messages. What a control may do is decided here (who may, which meeting, whether
//! a button is stale); how the meeting moves, by the meeting's rules through [`advance`].
//! Every refusal is a [`Refusal`], read in one place.

use anyhow::Context;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::advance;
use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::job::{Job, ScheduledJob, box_subject, meeting_subject};
use crate::domain::meeting::MeetingControl;
use crate::domain::meeting::rules::{self, Input, Phase};
use crate::domain::settings::ChannelSettings;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::{ButtonPress, SlashCommand};
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;
use crate::usecases::decision::{Decided, Decision, NoChange};
use crate::usecases::facilitators::{
    FacilitatorsOnly::RunTheMeeting, allowed, settings_if_allowed,
};
use crate::usecases::refusal::Refusal;

#[cfg(test)]
mod tests;

/// `start`: creates the meeting and schedules its kickoff (recount, agenda, first topic) and
/// its automatic end after the schedule's length.
pub async fn start(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let settings = store::settings::load(&mut *tx, &command.channel_id)
        .await
        .context("loading settings")?;
    let decided = match allowed(settings, &command.user_id, RunTheMeeting) {
        Ok(settings) => {
            // Creating the meeting is what tells whether one runs already (one per channel);
            // a refusal rolls back nothing.
            let started = store::meetings::insert_starting(
                &mut *tx,
                &command.team_id,
                &command.channel_id,
                &command.user_id,
                now,
                now.with_timezone(&settings.schedule.tz).date_naive(),
            )
            .await
            .context("creating the meeting")?;
            decide_start(started, &settings, now)
        }
        Err(refusal) => Err(refusal),
    };
    state
        .carry_out(tx, Some(&command.team_id), decided, "the meeting")
        .await
}

/// The meeting `started` (`None` when one was running already): its kickoff now, and its
/// automatic end after the schedule's length.
pub fn decide_start(
    started: Option<i64>,
    settings: &ChannelSettings,
    now: DateTime<Utc>,
) -> Decided<NoChange> {
    let meeting_id = started.ok_or(Refusal::MeetingRunning)?;
    let step = |job: Job, due_at| ScheduledJob {
        key: format!("{}:meeting:{meeting_id}", job.kind()),
        subject: meeting_subject(meeting_id),
        job,
        due_at,
    };
    Ok(Decision::reply(blocks::control_done(
        "Starting Arch Hour: recounting votes, then posting the agenda and the first topic",
    ))
    .step(step(Job::MeetingKickoff { meeting_id }, now))
    .step(step(
        Job::MeetingAutoEnd { meeting_id },
        now + settings.schedule.length.0,
    )))
}

/// `next`, `extend` or `end` by command.
pub async fn control(
    state: &AppState,
    command: &SlashCommand,
    control: MeetingControl,
) -> anyhow::Result<Reply> {
    if let Err(refusal) = settings_if_allowed(state, command, RunTheMeeting).await? {
        return Ok(refusal.reply());
    }
    Ok(
        match apply_control(state, &command.team_id, &command.channel_id, control, None).await? {
            Ok(()) => blocks::control_done(done(control)),
            Err(refusal) => refusal.reply(),
        },
    )
}

/// A meeting button. Refusals go back to the presser as an ephemeral message.
pub async fn button(state: &AppState, press: &ButtonPress) -> anyhow::Result<()> {
    let settings = store::settings::load(&state.db, &press.channel_id)
        .await
        .context("loading settings")?;
    let outcome = match allowed(settings, &press.user_id, RunTheMeeting) {
        Ok(_) => {
            apply_control(
                state,
                &press.team_id,
                &press.channel_id,
                press.control,
                Some(press.topic_id),
            )
            .await?
        }
        Err(refusal) => Err(refusal),
    };
    let Err(refusal) = outcome else {
        return Ok(());
    };
    let key = format!("button-reply:{}", press.trigger_id);
    let delivery = Delivery::ephemeral(key, &press.channel_id, &press.user_id, refusal.reply());
    state
        .queue_alone(&delivery.for_team(&press.team_id), "a button reply")
        .await
}

/// What a command that worked says.
fn done(control: MeetingControl) -> &'static str {
    match control {
        MeetingControl::Extend => "Extended",
        MeetingControl::Next => "Moved on",
        MeetingControl::End => "Ended the meeting",
        MeetingControl::CloseVote => "Counting the votes now",
    }
}

/// What a control does to a running meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlAction {
    /// Bring the vote's close forward; its step does the counting.
    CloseVoteNow,
    /// Move the meeting through its rules.
    Step(Input),
}

/// What `control` does to a meeting in `phase`, or why it does nothing. `shown_for` is the
/// topic a button was shown for: a button on an older message does nothing.
pub fn decide_control(
    phase: Phase,
    control: MeetingControl,
    shown_for: Option<i64>,
) -> Result<ControlAction, Refusal> {
    let current_topic = phase.topic_id();
    if shown_for.is_some() && shown_for != current_topic {
        return Err(Refusal::StaleButton);
    }
    match control.input() {
        Some(input) => Ok(ControlAction::Step(input)),
        None if matches!(phase, Phase::Voting { .. }) => Ok(ControlAction::CloseVoteNow),
        None => Err(Refusal::StaleButton),
    }
}

/// Why the meeting's rules refused a control, as the facilitator is told (times in `tz`).
pub fn refused_by_rules(refusal: rules::Refusal, tz: Tz) -> Refusal {
    match refusal {
        rules::Refusal::LastBox { ends_at } => Refusal::LastBox { ends_at, tz },
        rules::Refusal::Starting => Refusal::MeetingStarting,
        rules::Refusal::NothingToExtend => Refusal::NothingToExtend,
        rules::Refusal::Ended | rules::Refusal::Stale => Refusal::NoMeeting,
    }
}

/// Applies a control to the channel's running meeting of `team_id`, or says why not (the
/// meeting is the channel's, whatever meeting id a button carries). `shown_for` is the topic a
/// button was shown for.
async fn apply_control(
    state: &AppState,
    team_id: &TeamId,
    channel_id: &ChannelId,
    control: MeetingControl,
    shown_for: Option<i64>,
) -> anyhow::Result<Result<(), Refusal>> {
    let settings = store::settings::load(&state.db, channel_id)
        .await
        .context("loading settings")?;
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let Some(running) = store::meetings::running_in(&mut *tx, team_id, channel_id)
        .await
        .context("loading the meeting")?
    else {
        return Ok(Err(Refusal::NoMeeting));
    };
    let meeting = store::meetings::lock(&mut *tx, running.id)
        .await
        .context("locking the meeting")?
        .context("the meeting vanished")?;
    let outcome = match decide_control(meeting.phase, control, shown_for) {
        Err(refusal) => return Ok(Err(refusal)),
        Ok(ControlAction::CloseVoteNow) => {
            store::jobs::bring_forward(
                &mut *tx,
                &box_subject(meeting.id),
                "vote_close",
                state.clock.now(),
            )
            .await
            .context("closing the vote early")?;
            Ok(())
        }
        Ok(ControlAction::Step(input)) => advance(&mut tx, state, &meeting, input)
            .await?
            .map(drop)
            .map_err(|refusal| refused_by_rules(refusal, settings.schedule.tz)),
    };
    state.commit(tx, "the meeting").await?;
    Ok(outcome)
}
