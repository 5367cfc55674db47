//! A new action item: `action @owner … [#N] [due …]` from the slash command, owned by its
//! leading mentions and on the topic `#N` names or else the one the meeting is on; a thread
//! reply's item is stored the same way (see [`super::super::capture`]). Loading takes the
//! item's id and number (the workspace's counter is held until the transaction ends, and a
//! refusal's rollback gives the number back), so [`decide`] says what was recorded, and
//! schedules its reminders, before anything is written.

#[cfg(test)]
pub(crate) mod tests;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::compose;
use crate::domain::actions::{self, ActionItem, ItemState, ItemText};
use crate::domain::ids::{ItemNumber, TeamId, UserId};
use crate::domain::job::ScheduledJob;
use crate::domain::settings::ChannelSettings;
use crate::domain::topics::Topic;
use crate::slack::blocks::{Reply, items as messages};
use crate::slack::identity::BotIdentity;
use crate::slack::inbound::SlashCommand;
use crate::store::{self, items::NewItem};
use crate::usecases::AppState;
use crate::usecases::decision::{Change, Decided, Decision};
use crate::usecases::refusal::Refusal;
use crate::usecases::rights::Asker;
use crate::usecases::{reminders, weekly};

/// What a new item from the command depends on, loaded (and locked) in its transaction.
#[derive(Debug, Clone)]
pub struct Place {
    pub taken: Taken,
    /// The channel's running meeting, which the item is recorded in.
    pub meeting_id: Option<i64>,
    /// The topic the item goes on: the one `#N` names (locked; `None` when the channel has no
    /// topic so numbered), or else the one the meeting is discussing or voting on.
    pub topic: Option<Topic>,
    /// The channel's settings: when its reminders run.
    pub settings: ChannelSettings,
}

/// Records an item from the slash command, or says why not.
pub async fn record(
    state: &AppState,
    command: &SlashCommand,
    owners: &[UserId],
    item: &ItemText,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let place = load(&mut tx, command, item).await?;
    let by = Asker::of(command);
    let now = state.clock.now();
    let bot = state.workspaces.bot_in(&command.team_id).await;
    let decided = decide(&by, owners, item, &place, bot.as_ref(), now);
    state
        .carry_out(tx, Some(&command.team_id), decided, "an action item")
        .await
}

/// Loads the channel's meeting, the topic the item goes on (locking one `#N` names), the
/// channel's settings, and takes the item's id and number.
async fn load(
    tx: &mut PgConnection,
    command: &SlashCommand,
    item: &ItemText,
) -> anyhow::Result<Place> {
    let channel = &command.channel_id;
    let meeting = store::meetings::running_in(&mut *tx, &command.team_id, channel)
        .await
        .context("loading the meeting")?;
    let topic = match (
        item.topic_number,
        meeting.as_ref().and_then(|m| m.phase.topic_id()),
    ) {
        (Some(number), _) => {
            store::topics::lock_by_number(&mut *tx, &command.team_id, channel, number)
                .await
                .context("loading the named topic")?
        }
        (None, Some(discussed)) => store::topics::find(&mut *tx, discussed)
            .await
            .context("loading the topic being discussed")?,
        (None, None) => None,
    };
    let taken = Taken::load(tx, &command.team_id).await?;
    let settings = store::settings::load(&mut *tx, channel)
        .await
        .context("loading settings")?;
    Ok(Place {
        taken,
        meeting_id: meeting.map(|m| m.id),
        topic,
        settings,
    })
}

/// Records `item`, owned by `owners`, as `by` asked, in `place`; refuses an item without an
/// owner or text, one over the length limit, and one naming a topic the channel does not have.
/// The reply names the topic (linked through `bot`, when known).
pub fn decide(
    by: &Asker<'_>,
    owners: &[UserId],
    item: &ItemText,
    place: &Place,
    bot: Option<&BotIdentity>,
    now: DateTime<Utc>,
) -> Decided<StoreItem> {
    check_new(owners, item)?;
    if let (Some(number), None) = (item.topic_number, &place.topic) {
        return Err(Refusal::NoSuchTopic(number));
    }
    let topic_id = place.topic.as_ref().map(|topic| topic.id);
    let new = place
        .taken
        .item(by, owners, item, topic_id, place.meeting_id, now);
    let topic = place
        .topic
        .as_ref()
        .map(|t| compose::items::topic_ref(t, bot));
    let mut decision = Decision::reply(messages::item_recorded(&new, topic.as_ref()));
    decision
        .steps
        .extend(reminders_for(&new, &place.settings, now));
    Ok(decision.change(StoreItem {
        item: new,
        source_ts: None,
    }))
}

/// What a new item must have: an owner, something to do, and no more than the length limit.
pub fn check_new(owners: &[UserId], item: &ItemText) -> Result<(), Refusal> {
    if owners.is_empty() {
        return Err(Refusal::ItemNeedsOwner);
    }
    if item.text.trim().is_empty() {
        return Err(Refusal::ItemNeedsText);
    }
    if let Some(chars) = actions::too_long(&item.text) {
        let what = "An action item";
        return Err(Refusal::TooLong { what, chars });
    }
    Ok(())
}

/// What a new item needs scheduled: the run on the morning it falls due (unless that is past)
/// and the channel's next weekly run (unless reminders are off). A step scheduled already
/// stays.
pub fn reminders_for(
    item: &ActionItem,
    settings: &ChannelSettings,
    now: DateTime<Utc>,
) -> Vec<ScheduledJob> {
    let channel = &item.channel_id;
    item.due_on
        .and_then(|date| reminders::due_morning(channel, settings, date, now))
        .into_iter()
        .chain(weekly::reminder_run(channel, settings).next(now))
        .collect()
}

/// An item's id and workspace number, taken before it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub id: i64,
    pub number: ItemNumber,
}

impl Taken {
    /// Takes the workspace's next item number (held until the transaction ends) and an id.
    pub async fn load(tx: &mut PgConnection, team_id: &TeamId) -> anyhow::Result<Taken> {
        let number = store::items::take_next_number(&mut *tx, team_id)
            .await
            .context("numbering an action item")?;
        let id = store::items::take_next_id(&mut *tx)
            .await
            .context("taking an action item id")?;
        Ok(Taken { id, number })
    }

    /// The open item `by` records under what was taken, as it reads once stored: `item`'s text
    /// and due date, its `owners` in the order they read back (sorted, each once: the store
    /// orders them by id, and Slack's ids are capital letters and digits, which sort alike in
    /// any collation), on `topic_id` in `meeting_id`.
    pub fn item(
        self,
        by: &Asker<'_>,
        owners: &[UserId],
        item: &ItemText,
        topic_id: Option<i64>,
        meeting_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> ActionItem {
        let mut owners = owners.to_vec();
        owners.sort();
        owners.dedup();
        ActionItem {
            id: self.id,
            number: self.number,
            team_id: by.team_id.clone(),
            channel_id: by.channel_id.clone(),
            text: item.text.clone(),
            owners,
            owner_names: Vec::new(),
            due_on: item.due,
            topic_id,
            meeting_id,
            created_by: by.user_id.clone(),
            created_at: now,
            state: ItemState::Open,
            snoozed_until: None,
        }
    }
}

/// A new item, stored under the id and number taken for it; `source_ts` is the thread reply
/// (in the item's channel) it was captured from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreItem {
    pub item: ActionItem,
    pub source_ts: Option<String>,
}

impl Change for StoreItem {
    async fn write(&self, tx: &mut PgConnection, _: DateTime<Utc>) -> anyhow::Result<()> {
        let item = &self.item;
        let new = NewItem {
            team_id: &item.team_id,
            channel_id: &item.channel_id,
            text: &item.text,
            owners: &item.owners,
            owner_names: &item.owner_names,
            due_on: item.due_on,
            topic_id: item.topic_id,
            meeting_id: item.meeting_id,
            created_by: &item.created_by,
            created_at: item.created_at,
            source: self.source_ts.as_deref().map(|ts| (&item.channel_id, ts)),
        };
        store::items::insert_taken(tx, item.id, item.number, &new)
            .await
            .context("storing an action item")
    }
}
