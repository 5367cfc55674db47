//! Thread replies on topic cards: action items, decisions and notes, acknowledged with a
//! reaction; `undo` takes back the last item or decision captured in the thread.

use anyhow::Context;

use crate::domain::actions::{Capture, classify_reply};
use crate::outbox;
use crate::slack::inbound::ThreadReply;
use crate::slack::outgoing::Delivery;
use crate::store::{self, items::Captured, items::NewEntry, items::NewItem};
use crate::usecases::AppState;

/// The bot's acknowledgements.
const ITEM_EMOJI: &str = "white_check_mark";
const DECISION_EMOJI: &str = "pushpin";
const UNDO_EMOJI: &str = "leftwards_arrow_with_hook";

/// Handles one reply; returns once what it captured is committed.
pub async fn thread_reply(state: &AppState, reply: ThreadReply) -> anyhow::Result<()> {
    let ours = state
        .bot
        .get()
        .is_some_and(|bot| bot.user_id == reply.user_id);
    if ours {
        return Ok(());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let topic = store::topics::find_by_cards(
        &mut *tx,
        std::slice::from_ref(&reply.channel_id),
        std::slice::from_ref(&reply.thread_ts),
    )
    .await
    .context("finding the topic")?
    .into_iter()
    .next();
    let Some(topic) = topic else {
        // A thread that is not a topic card's: nothing to remember, not even the event.
        return Ok(());
    };
    let fresh = store::events::record_new(&mut *tx, std::slice::from_ref(&reply.event_id), now)
        .await
        .context("recording the event")?;
    if fresh.is_empty() {
        // A redelivery.
        return Ok(());
    }
    let meeting_id = match store::meetings::running_in(&mut *tx, &reply.channel_id)
        .await
        .context("loading the meeting")?
    {
        Some(meeting) => Some(meeting.id),
        None => topic.discussed_in,
    };
    let channel = reply.channel_id.as_str();
    let mut deliveries = Vec::new();
    // An action item or decision over the length limit is kept as a note (nothing typed is
    // lost) and its author told why.
    let classified = classify_reply(&reply.text);
    let over_limit = over_limit(&classified);
    let capture = match over_limit {
        Some(_) => Capture::Note(crate::domain::mrkdwn::to_plain_keeping_mentions(
            reply.text.trim(),
        )),
        None => classified,
    };
    match capture {
        Capture::Action(item) => {
            let owners = if item.mentioned.is_empty() {
                vec![reply.user_id.clone()]
            } else {
                item.mentioned.clone()
            };
            let stored = store::items::insert(
                &mut tx,
                &NewItem {
                    team_id: &reply.team_id,
                    channel_id: channel,
                    text: &item.text,
                    owners: &owners,
                    owner_names: &[],
                    due_on: item.due,
                    topic_id: Some(topic.id),
                    meeting_id,
                    created_by: &reply.user_id,
                    created_at: now,
                    source: Some((channel, &reply.ts)),
                },
            )
            .await
            .context("storing an action item")?;
            super::items::after_recording(&mut tx, &stored, now).await?;
            deliveries.push(Delivery::react(channel, &reply.ts, ITEM_EMOJI));
        }
        Capture::Decision(text) => {
            store::items::insert_decision(
                &mut *tx,
                &NewEntry {
                    parent: None,
                    channel_id: channel,
                    topic_id: Some(topic.id),
                    meeting_id,
                    text: &text,
                    by: &reply.user_id,
                    at: now,
                    source_ts: Some(&reply.ts),
                },
            )
            .await
            .context("storing a decision")?;
            deliveries.push(Delivery::react(channel, &reply.ts, DECISION_EMOJI));
        }
        Capture::Undo => {
            // A facilitator takes back the thread's last capture; anyone else only their own.
            let settings = store::settings::load(&mut *tx, channel)
                .await
                .context("loading settings")?;
            let facilitates =
                !settings.facilitators.is_empty() && settings.can_facilitate(&reply.user_id);
            let by = (!facilitates).then_some(reply.user_id.as_str());
            if let Some(last) = store::items::last_captured(&mut *tx, channel, topic.id, by)
                .await
                .context("finding what to undo")?
            {
                store::items::delete_captured(&mut *tx, &last)
                    .await
                    .context("undoing")?;
                let (ts, emoji) = match &last {
                    Captured::Item { source_ts, .. } => (source_ts, ITEM_EMOJI),
                    Captured::Decision { source_ts, .. } => (source_ts, DECISION_EMOJI),
                };
                deliveries.push(Delivery::unreact(channel, ts, emoji));
                deliveries.push(Delivery::react(channel, &reply.ts, UNDO_EMOJI));
            }
        }
        Capture::Note(text) => {
            if let Some((what, chars)) = over_limit {
                deliveries.push(Delivery::ephemeral(
                    format!("too-long:{}:{}", channel, reply.ts),
                    channel,
                    &reply.user_id,
                    crate::slack::blocks::items::kept_as_note(what, chars),
                ));
            }
            store::items::insert_note(
                &mut *tx,
                &NewEntry {
                    parent: None,
                    channel_id: channel,
                    topic_id: Some(topic.id),
                    meeting_id,
                    text: &text,
                    by: &reply.user_id,
                    at: now,
                    source_ts: Some(&reply.ts),
                },
                0,
            )
            .await
            .context("storing a note")?;
        }
    }
    for delivery in &deliveries {
        outbox::queue(&mut tx, delivery, state.clock.as_ref())
            .await
            .context("queuing an acknowledgement")?;
    }
    tx.commit().await.context("committing a reply")?;
    state.wake_outbox();
    state.wake_jobs();
    Ok(())
}

/// Which capture is over the length limit, and its length in characters.
fn over_limit(capture: &Capture) -> Option<(&'static str, usize)> {
    match capture {
        Capture::Action(item) => {
            crate::domain::actions::too_long(&item.text).map(|n| ("An action item", n))
        }
        Capture::Decision(text) => {
            crate::domain::actions::too_long(text).map(|n| ("A decision", n))
        }
        Capture::Undo | Capture::Note(_) => None,
    }
}
