//! Thread replies on topic cards: action items, decisions and notes, acknowledged with a
//! reaction; `undo` takes back the last item or decision captured in the thread.
//!
//! A reply is read first ([`what_to_capture`]); what capturing it depends on is loaded (an
//! item's id and number and the channel's settings; for `undo`, the thread's newest captures
//! and who facilitates); then [`decide`] says what is stored or taken back and how the bot
//! reacts.

#[cfg(test)]
mod tests;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::items::{StoreItem, Taken, record::reminders_for};
use crate::domain::actions::{self, Capture, ItemText, classify_reply};
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::settings::ChannelSettings;
use crate::slack::blocks::{Reply, items as messages};
use crate::slack::inbound::ThreadReply;
use crate::slack::outgoing::Delivery;
use crate::store::{self, items::Captured, items::NewEntry};
use crate::usecases::AppState;
use crate::usecases::decision::{Change, Decision};
use crate::usecases::rights::Asker;

/// The bot's acknowledgements.
const ITEM_EMOJI: &str = "white_check_mark";
const DECISION_EMOJI: &str = "pushpin";
const UNDO_EMOJI: &str = "leftwards_arrow_with_hook";

/// Handles one reply; returns once what it captured is committed.
pub async fn thread_reply(state: &AppState, reply: ThreadReply) -> anyhow::Result<()> {
    let ours = state
        .workspaces
        .bot_in(&reply.team_id)
        .await
        .is_some_and(|bot| bot.user_id == reply.user_id);
    if ours {
        return Ok(());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    // Only the replying workspace's topic: in a channel shared between workspaces, a reply on
    // another workspace's card is that workspace's to capture.
    let topic = store::topics::find_by_cards(
        &mut *tx,
        &reply.team_id,
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
    let meeting_id = match store::meetings::running_in(&mut *tx, &reply.team_id, &reply.channel_id)
        .await
        .context("loading the meeting")?
    {
        Some(meeting) => Some(meeting.id),
        None => topic.discussed_in,
    };
    let (capture, over_limit) = what_to_capture(&reply.text);
    let reading = load(&mut tx, &reply, topic.id, capture).await?;
    let place = Place {
        reply: &reply,
        topic_id: topic.id,
        meeting_id,
    };
    let decision = decide(&place, reading, over_limit, now);
    state
        .carry_out(tx, Some(&reply.team_id), Ok(decision), "a reply")
        .await?;
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
        Capture::Action(item) => actions::too_long(&item.text).map(|n| ("An action item", n)),
        Capture::Decision(text) => actions::too_long(text).map(|n| ("A decision", n)),
        Capture::Undo | Capture::Note(_) => None,
    }
}

/// A reply read, with what capturing it depends on.
#[derive(Debug, Clone)]
pub enum Reading {
    /// An action item, with the id and number taken for it and the channel's settings (when
    /// its reminders run).
    Item {
        item: ItemText,
        taken: Taken,
        settings: ChannelSettings,
    },
    Decision(String),
    /// `undo`, with the channel's facilitators and the thread's newest capture: anyone's, and
    /// the replier's own.
    Undo {
        facilitators: Vec<UserId>,
        newest: Option<Captured>,
        own: Option<Captured>,
    },
    Note(String),
}

/// Loads what capturing `capture`, replied in the thread of `topic_id`, depends on.
async fn load(
    tx: &mut PgConnection,
    reply: &ThreadReply,
    topic_id: i64,
    capture: Capture,
) -> anyhow::Result<Reading> {
    let channel = &reply.channel_id;
    Ok(match capture {
        Capture::Action(item) => Reading::Item {
            item,
            taken: Taken::load(tx, &reply.team_id).await?,
            settings: store::settings::load(&mut *tx, channel)
                .await
                .context("loading settings")?,
        },
        Capture::Decision(text) => Reading::Decision(text),
        Capture::Undo => {
            let settings = store::settings::load(&mut *tx, channel)
                .await
                .context("loading settings")?;
            let by = Some(&reply.user_id);
            let newest = store::items::last_captured(&mut *tx, channel, topic_id, None)
                .await
                .context("finding what to undo")?;
            let own = store::items::last_captured(&mut *tx, channel, topic_id, by)
                .await
                .context("finding what to undo")?;
            Reading::Undo {
                facilitators: settings.facilitators,
                newest,
                own,
            }
        }
        Capture::Note(text) => Reading::Note(text),
    })
}

/// Where a reply was captured: its thread's topic, and the meeting it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub reply: &'a ThreadReply,
    pub topic_id: i64,
    pub meeting_id: Option<i64>,
}

impl Place<'_> {
    /// A decision or note with `text`, as the reply's author wrote it here at `now`.
    fn entry(&self, text: String, now: DateTime<Utc>) -> Entry {
        Entry {
            channel_id: self.reply.channel_id.clone(),
            topic_id: self.topic_id,
            meeting_id: self.meeting_id,
            text,
            by: self.reply.user_id.clone(),
            at: now,
            source_ts: self.reply.ts.clone(),
        }
    }

    /// The bot's reaction on the reply, saying what it captured.
    fn acknowledge(&self, emoji: &str) -> Delivery {
        Delivery::react(&self.reply.channel_id, &self.reply.ts, emoji)
    }
}

/// Captures the reply read as `reading` at `place`: an item (owned by those it mentions, or
/// its author) with its reminders, a decision or a note; or `undo`, which takes back the
/// thread's last capture (a facilitator's undo anyone's, anyone else's only their own). The
/// bot reacts to what it captured; an item or decision `over_limit` became a note, and its
/// author is told why.
pub fn decide(
    place: &Place<'_>,
    reading: Reading,
    over_limit: Option<(&'static str, usize)>,
    now: DateTime<Utc>,
) -> Decision<CaptureChange> {
    let reply = place.reply;
    let mut decision = Decision::reply(Reply::nothing());
    if let Some((what, chars)) = over_limit {
        decision = decision.call(Delivery::ephemeral(
            format!("too-long:{}:{}", reply.channel_id, reply.ts),
            &reply.channel_id,
            &reply.user_id,
            messages::kept_as_note(what, chars),
        ));
    }
    match reading {
        Reading::Item {
            item,
            taken,
            settings,
        } => {
            let by = Asker {
                team_id: &reply.team_id,
                channel_id: &reply.channel_id,
                user_id: &reply.user_id,
            };
            let owners = match item.mentioned.as_slice() {
                [] => std::slice::from_ref(&reply.user_id),
                mentioned => mentioned,
            };
            let (topic_id, meeting_id) = (Some(place.topic_id), place.meeting_id);
            let new = taken.item(&by, owners, &item, topic_id, meeting_id, now);
            decision.steps.extend(reminders_for(&new, &settings, now));
            decision
                .change(CaptureChange::Item(StoreItem {
                    item: new,
                    source_ts: Some(reply.ts.clone()),
                }))
                .call(place.acknowledge(ITEM_EMOJI))
        }
        Reading::Decision(text) => decision
            .change(CaptureChange::Decision(place.entry(text, now)))
            .call(place.acknowledge(DECISION_EMOJI)),
        Reading::Undo {
            facilitators,
            newest,
            own,
        } => {
            // With no facilitators named, no one's undo reaches another's capture.
            let last = if facilitators.contains(&reply.user_id) {
                newest
            } else {
                own
            };
            match last {
                Some(last) => undo(decision, place, last),
                None => decision,
            }
        }
        Reading::Note(text) => decision.change(CaptureChange::Note(place.entry(text, now))),
    }
}

/// Takes `last` back, and its reaction off the reply it was captured from.
fn undo(
    decision: Decision<CaptureChange>,
    place: &Place<'_>,
    last: Captured,
) -> Decision<CaptureChange> {
    let (ts, emoji) = match &last {
        Captured::Item { source_ts, .. } => (source_ts, ITEM_EMOJI),
        Captured::Decision { source_ts, .. } => (source_ts, DECISION_EMOJI),
    };
    let unreact = Delivery::unreact(&place.reply.channel_id, ts, emoji);
    decision
        .call(unreact)
        .call(place.acknowledge(UNDO_EMOJI))
        .change(CaptureChange::Undo(last))
}

/// A decision or note from a thread reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub channel_id: ChannelId,
    pub topic_id: i64,
    pub meeting_id: Option<i64>,
    pub text: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
    /// The reply's ts.
    pub source_ts: String,
}

impl Entry {
    fn as_new(&self) -> NewEntry<'_> {
        NewEntry {
            parent: None,
            channel_id: &self.channel_id,
            topic_id: Some(self.topic_id),
            meeting_id: self.meeting_id,
            text: &self.text,
            by: &self.by,
            at: self.at,
            source_ts: Some(&self.source_ts),
        }
    }
}

/// What capturing a reply writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureChange {
    Item(StoreItem),
    Decision(Entry),
    /// Stored once per message.
    Note(Entry),
    /// The thread's last item or decision, taken back.
    Undo(Captured),
}

impl Change for CaptureChange {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        match self {
            CaptureChange::Item(item) => item.write(tx, now).await,
            CaptureChange::Decision(entry) => {
                store::items::insert_decision(&mut *tx, &entry.as_new())
                    .await
                    .context("storing a decision")?;
                Ok(())
            }
            CaptureChange::Note(entry) => {
                store::items::insert_note(&mut *tx, &entry.as_new(), 0)
                    .await
                    .context("storing a note")?;
                Ok(())
            }
            CaptureChange::Undo(last) => store::items::delete_captured(&mut *tx, last)
                .await
                .context("undoing"),
        }
    }
}
