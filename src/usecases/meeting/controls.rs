//! The facilitator's controls: `start`, `next`, `extend`, `end`, and the buttons on the
//! meeting's messages.

use anyhow::Context;

use super::advance;
use crate::domain::ids::ChannelId;
use crate::domain::job::{Job, ScheduledJob, box_subject, meeting_subject};
use crate::domain::meeting::MeetingControl;
use crate::domain::meeting::rules::{Phase, Refusal};
use crate::slack::blocks::{self, Reply, meeting as messages};
use crate::slack::inbound::{ButtonPress, SlashCommand};
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::RunTheMeeting, settings_if_allowed};

/// `start`: creates the meeting and schedules its kickoff (recount, agenda, first topic) and
/// its automatic end after the schedule's length.
pub async fn start(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let settings = match settings_if_allowed(state, command, RunTheMeeting).await? {
        Ok(settings) => settings,
        Err(refusal) => return Ok(refusal.reply()),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let Some(meeting_id) = store::meetings::insert_starting(
        &mut *tx,
        &command.team_id,
        &command.channel_id,
        &command.user_id,
        now,
        now.with_timezone(&settings.schedule.tz).date_naive(),
    )
    .await
    .context("creating the meeting")?
    else {
        return Ok(messages::already_running());
    };
    for (job, due_at) in [
        (Job::MeetingKickoff { meeting_id }, now),
        (
            Job::MeetingAutoEnd { meeting_id },
            now + settings.schedule.length.0,
        ),
    ] {
        let scheduled = ScheduledJob {
            key: format!("{}:meeting:{meeting_id}", job.kind()),
            subject: meeting_subject(meeting_id),
            job,
            due_at,
        };
        store::jobs::schedule(&mut *tx, &scheduled, now)
            .await
            .context("scheduling the meeting")?;
    }
    state.commit(tx, "the meeting").await?;
    Ok(blocks::control_done(
        "Starting Arch Hour: recounting votes, then posting the agenda and the first topic",
    ))
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
        match apply_control(state, &command.channel_id, control, None).await? {
            Outcome::Done => blocks::control_done(done(control)),
            Outcome::Refused(reply) => reply,
        },
    )
}

/// What a control did: moved the meeting (its messages say so in the channel), or was refused
/// with a reason for the person.
enum Outcome {
    Done,
    Refused(Reply),
}

/// A meeting button. Refusals go back to the presser as an ephemeral message.
pub async fn button(state: &AppState, press: &ButtonPress) -> anyhow::Result<()> {
    let settings = store::settings::load(&state.db, &press.channel_id)
        .await
        .context("loading settings")?;
    let outcome = if settings.can_facilitate(&press.user_id) {
        apply_control(
            state,
            &press.channel_id,
            press.control,
            Some(press.topic_id),
        )
        .await?
    } else {
        Outcome::Refused(messages::meeting_refusal(&settings.facilitators))
    };
    let Outcome::Refused(reply) = outcome else {
        return Ok(());
    };
    let key = format!("button-reply:{}", press.trigger_id);
    let delivery = Delivery::ephemeral(key, &press.channel_id, &press.user_id, reply);
    state.queue_alone(&delivery, "a button reply").await
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

/// Applies a control to the channel's running meeting. `shown_for` is the topic a button was
/// shown for: a button on an older message does nothing.
async fn apply_control(
    state: &AppState,
    channel_id: &ChannelId,
    control: MeetingControl,
    shown_for: Option<i64>,
) -> anyhow::Result<Outcome> {
    let settings = store::settings::load(&state.db, channel_id)
        .await
        .context("loading settings")?;
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let Some(running) = store::meetings::running_in(&mut *tx, channel_id)
        .await
        .context("loading the meeting")?
    else {
        return Ok(Outcome::Refused(messages::no_meeting()));
    };
    let meeting = store::meetings::lock(&mut *tx, running.id)
        .await
        .context("locking the meeting")?
        .context("the meeting vanished")?;
    let current_topic = match meeting.phase {
        Phase::Discussing { topic_id, .. } | Phase::Voting { topic_id, .. } => Some(topic_id),
        _ => None,
    };
    if shown_for.is_some() && shown_for != current_topic {
        return Ok(Outcome::Refused(messages::stale_button()));
    }
    let Some(input) = control.input() else {
        // Count votes now: bring the vote's close forward; the job does the counting.
        if !matches!(meeting.phase, Phase::Voting { .. }) {
            return Ok(Outcome::Refused(messages::stale_button()));
        }
        store::jobs::bring_forward(
            &mut *tx,
            &box_subject(meeting.id),
            "vote_close",
            state.clock.now(),
        )
        .await
        .context("closing the vote early")?;
        state.commit(tx, "the change").await?;
        return Ok(Outcome::Done);
    };
    let outcome = match advance(&mut tx, state, &meeting, input).await? {
        Ok(_) => Outcome::Done,
        Err(Refusal::LastBox { ends_at }) => {
            Outcome::Refused(messages::last_box(ends_at, settings.schedule.tz))
        }
        Err(Refusal::Starting) => Outcome::Refused(messages::still_starting()),
        Err(Refusal::NothingToExtend) => Outcome::Refused(messages::nothing_to_extend()),
        Err(Refusal::Ended | Refusal::Stale) => Outcome::Refused(messages::no_meeting()),
    };
    state.commit(tx, "the meeting").await?;
    Ok(outcome)
}
