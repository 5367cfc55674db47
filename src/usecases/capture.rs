//! Thread replies on topic cards: action items, decisions and notes, acknowledged with a
//! reaction; `undo` takes back the last item or decision captured in the thread.

use anyhow::Context;

use crate::domain::actions::{Capture, ItemText, classify_reply};
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
    let (capture, over_limit) = what_to_capture(&reply.text);
    let place = Place {
        reply: &reply,
        topic_id: topic.id,
        meeting_id,
        now,
    };
    let mut deliveries = Vec::new();
    if let Some((what, chars)) = over_limit {
        deliveries.push(Delivery::ephemeral(
            format!("too-long:{}:{}", reply.channel_id, reply.ts),
            &reply.channel_id,
            &reply.user_id,
            crate::slack::blocks::items::kept_as_note(what, chars),
        ));
    }
    deliveries.extend(match capture {
        Capture::Action(item) => store_item(&mut tx, &place, &item).await?,
        Capture::Decision(text) => {
            store::items::insert_decision(&mut *tx, &place.entry(&text))
                .await
                .context("storing a decision")?;
            vec![place.acknowledge(DECISION_EMOJI)]
        }
        Capture::Undo => undo(&mut tx, &place).await?,
        Capture::Note(text) => {
            store::items::insert_note(&mut *tx, &place.entry(&text), 0)
                .await
                .context("storing a note")?;
            Vec::new()
        }
    });
    for delivery in &deliveries {
        outbox::queue(&mut tx, delivery, state.clock.as_ref())
            .await
            .context("queuing an acknowledgement")?;
    }
    state.commit(tx, "a reply").await?;
    Ok(())
}

/// What a reply is, and, when it was an action item or decision over the length limit, which
/// and how long: such a reply is kept as a note (nothing typed is lost) and its author told why.
fn what_to_capture(text: &str) -> (Capture, Option<(&'static str, usize)>) {
    let classified = classify_reply(text);
    match over_limit(&classified) {
        Some(over) => {
            let note = crate::domain::mrkdwn::to_plain_keeping_mentions(text.trim());
            (Capture::Note(note), Some(over))
        }
        None => (classified, None),
    }
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

/// Where a reply was captured: its thread's topic, the meeting it belongs to, and when.
struct Place<'a> {
    reply: &'a ThreadReply,
    topic_id: i64,
    meeting_id: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
}

impl Place<'_> {
    /// A decision or note with `text`, as the reply's author wrote it here.
    fn entry<'t>(&'t self, text: &'t str) -> NewEntry<'t> {
        NewEntry {
            parent: None,
            channel_id: &self.reply.channel_id,
            topic_id: Some(self.topic_id),
            meeting_id: self.meeting_id,
            text,
            by: &self.reply.user_id,
            at: self.now,
            source_ts: Some(&self.reply.ts),
        }
    }

    /// The bot's reaction on the reply, saying what it captured.
    fn acknowledge(&self, emoji: &str) -> Delivery {
        Delivery::react(&self.reply.channel_id, &self.reply.ts, emoji)
    }
}

/// Stores an action item, owned by those it mentions (or its author).
async fn store_item(
    tx: &mut sqlx::PgConnection,
    place: &Place<'_>,
    item: &ItemText,
) -> anyhow::Result<Vec<Delivery>> {
    let reply = place.reply;
    let owners = if item.mentioned.is_empty() {
        vec![reply.user_id.clone()]
    } else {
        item.mentioned.clone()
    };
    let stored = store::items::insert(
        tx,
        &NewItem {
            team_id: &reply.team_id,
            channel_id: &reply.channel_id,
            text: &item.text,
            owners: &owners,
            owner_names: &[],
            due_on: item.due,
            topic_id: Some(place.topic_id),
            meeting_id: place.meeting_id,
            created_by: &reply.user_id,
            created_at: place.now,
            source: Some((&reply.channel_id, &reply.ts)),
        },
    )
    .await
    .context("storing an action item")?;
    super::items::after_recording(tx, &stored, place.now).await?;
    Ok(vec![place.acknowledge(ITEM_EMOJI)])
}

/// Takes back the thread's last capture: a facilitator's undo takes anyone's, anyone else's
/// only their own.
async fn undo(tx: &mut sqlx::PgConnection, place: &Place<'_>) -> anyhow::Result<Vec<Delivery>> {
    let reply = place.reply;
    let settings = store::settings::load(&mut *tx, &reply.channel_id)
        .await
        .context("loading settings")?;
    let facilitates = !settings.facilitators.is_empty() && settings.can_facilitate(&reply.user_id);
    let by = (!facilitates).then_some(&reply.user_id);
    let Some(last) = store::items::last_captured(&mut *tx, &reply.channel_id, place.topic_id, by)
        .await
        .context("finding what to undo")?
    else {
        return Ok(Vec::new());
    };
    store::items::delete_captured(&mut *tx, &last)
        .await
        .context("undoing")?;
    let (ts, emoji) = match &last {
        Captured::Item { source_ts, .. } => (source_ts, ITEM_EMOJI),
        Captured::Decision { source_ts, .. } => (source_ts, DECISION_EMOJI),
    };
    Ok(vec![
        Delivery::unreact(&reply.channel_id, ts, emoji),
        place.acknowledge(UNDO_EMOJI),
    ])
}
