//! `minutes [last | YYYY-MM-DD]`: a meeting's minutes, to the person who asked; `minutes post
//! …`: a facilitator posts them in the channel. Only the channel's own meetings.

use anyhow::Context;
use chrono::NaiveDate;

use crate::compose::minutes::{self, Minutes};
use crate::slack::blocks::{Reply, minutes as messages};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::PostMinutes, settings_if_allowed};

pub async fn minutes(
    state: &AppState,
    command: &SlashCommand,
    post: bool,
    date: Option<NaiveDate>,
) -> anyhow::Result<Reply> {
    if post && let Err(refusal) = settings_if_allowed(state, command, PostMinutes).await? {
        return Ok(refusal.reply());
    }
    let mut conn = state.db.acquire().await.context("connecting")?;
    let (meeting_id, notes) = match minutes::find(&mut conn, &command.channel_id, date).await? {
        Minutes::Found { meeting_id, notes } => (meeting_id, notes),
        Minutes::NoMeetings => return Ok(messages::no_meetings()),
        Minutes::NoneOn(date) => return Ok(messages::no_meeting_on(date)),
    };
    if !post {
        return Ok(messages::minutes(&notes));
    }
    // Each `minutes post` is its own message: posting the same minutes again is a choice.
    let delivery = Delivery::post(
        format!(
            "minutes:{}:{meeting_id}:{}",
            command.channel_id,
            state.clock.now().timestamp_micros()
        ),
        &command.channel_id,
        messages::minutes(&notes),
    );
    state.queue_alone(&delivery, "the minutes").await?;
    Ok(messages::posting(&notes))
}
