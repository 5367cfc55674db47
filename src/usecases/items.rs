//! Action items by command and button: `action`, `done`, `drop`, `mine`, reassigning, and the
//! Done / Snooze buttons on reminder DMs and the App Home tab.
//!
//! Changing an item loads it (with who may change it, and the reminder DMs that list it), then
//! decides purely ([`decide_reassign`], [`decide_close`], [`decide_press`]); a new item loads
//! where it goes and takes its number, then decides purely too ([`record::decide`]). `mine` is
//! a pure read.

pub mod record;
#[cfg(test)]
mod tests;

pub use record::{StoreItem, Taken};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::decision::{Change, Decided, Decision};
use super::refusal::Refusal;
use crate::compose;
use crate::domain::actions::{ActionItem, ItemState};
use crate::domain::command::ActionCommand;
use crate::domain::ids::{ItemNumber, UserId};
use crate::slack::actions::ItemControl;
use crate::slack::blocks::{Reply, items as messages};
use crate::slack::inbound::{ItemPress, SlashCommand};
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// `action …`.
pub async fn action(
    state: &AppState,
    command: &SlashCommand,
    action: ActionCommand,
) -> anyhow::Result<Reply> {
    match action {
        ActionCommand::New { owners, item } => record::record(state, command, &owners, &item).await,
        ActionCommand::Reassign { number, owners } => {
            reassign(state, command, number, &owners).await
        }
    }
}

/// An item someone asks to change, with who besides its owners and creator may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub item: ActionItem,
    /// The channel's facilitators.
    pub facilitators: Vec<UserId>,
    /// The sent reminder DMs (run key, user) that list it: a closed item is redrawn in them.
    pub dms: Vec<(String, UserId)>,
}

/// `action N owner @x`: moves the item; reminders already sent stay as they were.
async fn reassign(
    state: &AppState,
    command: &SlashCommand,
    number: ItemNumber,
    owners: &[UserId],
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let found = store::items::find_by_number(&mut *tx, &command.team_id, number)
        .await
        .context("loading an item")?;
    let decided = match load(&mut tx, found, false).await? {
        Some(subject) => decide_reassign(&subject, &command.user_id, owners),
        None => Err(Refusal::NoSuchItem(number)),
    };
    state
        .carry_out(tx, Some(&command.team_id), decided, "a reassignment")
        .await
}

/// `done N` / `drop N`.
pub async fn close(
    state: &AppState,
    command: &SlashCommand,
    number: ItemNumber,
    closed: ItemState,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let found = store::items::find_by_number(&mut *tx, &command.team_id, number)
        .await
        .context("loading an item")?;
    let decided = match load(&mut tx, found, true).await? {
        Some(subject) => decide_close(&subject, &command.user_id, closed),
        None => Err(Refusal::NoSuchItem(number)),
    };
    state
        .carry_out(tx, Some(&command.team_id), decided, "a closed item")
        .await
}

/// Done or Snooze on a reminder DM or the App Home tab. A refusal is told to the presser in
/// the DM; in the App Home there is nowhere to say it, and the tab only lists their own items.
pub async fn button(state: &AppState, press: &ItemPress) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let found = store::items::find(&mut *tx, &press.team_id, press.item_id)
        .await
        .context("loading an item")?;
    let closing = press.control == ItemControl::Done;
    let Some(subject) = load(&mut tx, found, closing).await? else {
        return Ok(());
    };
    let decision = decide_press(&subject, press, state.clock.now());
    state
        .carry_out(tx, Some(&press.team_id), Ok(decision), "a button press")
        .await?;
    Ok(())
}

/// `item` with its channel's facilitators and, when it may be closed (`closing`), the reminder
/// DMs that list it; `None` when there is no such item.
async fn load(
    tx: &mut PgConnection,
    item: Option<ActionItem>,
    closing: bool,
) -> anyhow::Result<Option<Subject>> {
    let Some(item) = item else {
        return Ok(None);
    };
    let settings = store::settings::load(&mut *tx, &item.channel_id)
        .await
        .context("loading settings")?;
    let dms = if closing && item.state == ItemState::Open {
        store::reminders::dms_listing(&mut *tx, item.id)
            .await
            .context("finding DMs that list the item")?
    } else {
        Vec::new()
    };
    Ok(Some(Subject {
        item,
        facilitators: settings.facilitators,
        dms,
    }))
}

/// Whether `user` may change the item: it must be open, and theirs (owner or creator) or
/// their channel's to run (a facilitator).
pub fn may_change(subject: &Subject, user: &UserId) -> Result<(), Refusal> {
    let item = &subject.item;
    if item.state != ItemState::Open {
        return Err(Refusal::ItemNotOpen(Box::new(item.clone())));
    }
    if !item.may_be_closed_by(user, &subject.facilitators) {
        return Err(Refusal::NotItemOwner(Box::new(item.clone())));
    }
    Ok(())
}

/// Gives the item new `owners`, if `user` may.
pub fn decide_reassign(subject: &Subject, user: &UserId, owners: &[UserId]) -> Decided<ItemChange> {
    may_change(subject, user)?;
    let item = &subject.item;
    Ok(
        Decision::reply(messages::item_reassigned(item, owners)).change(ItemChange::Owners {
            item_id: item.id,
            owners: owners.to_vec(),
        }),
    )
}

/// Closes the item as `closed` (done or dropped), if `user` may, and redraws every sent
/// reminder DM that lists it and its owners' App Home tabs.
pub fn decide_close(subject: &Subject, user: &UserId, closed: ItemState) -> Decided<ItemChange> {
    may_change(subject, user)?;
    let item = &subject.item;
    let mut redraws: Vec<Delivery> = subject
        .dms
        .iter()
        .map(|(run_key, user)| Delivery::reminder_dm_edit(run_key, user))
        .chain(
            item.owners
                .iter()
                .map(|owner| Delivery::app_home(&item.team_id, owner)),
        )
        .collect();
    // In coalesce-key order, so concurrent closes lock the waiting rows in the same order.
    redraws.sort_by(|a, b| a.coalesce_key.cmp(&b.coalesce_key));
    let close = ItemChange::Close {
        item_id: item.id,
        state: closed,
        by: user.clone(),
    };
    Ok(Decision::reply(messages::item_closed(item, closed))
        .change(close)
        .calls(redraws))
}

/// Done closes the item (as `done N` would); Snooze leaves it out of reminders for a week
/// from `now`. What the presser is told (a refusal, or that it is snoozed) goes to the DM the
/// button was on, if any.
pub fn decide_press(
    subject: &Subject,
    press: &ItemPress,
    now: DateTime<Utc>,
) -> Decision<ItemChange> {
    let user = &press.user_id;
    let (decision, told) = match (may_change(subject, user), press.control) {
        (Err(refusal), _) => (Decision::reply(Reply::nothing()), Some(refusal.reply())),
        (Ok(()), ItemControl::Done) => match decide_close(subject, user, ItemState::Done) {
            Ok(closed) => (closed, None),
            Err(refusal) => (Decision::reply(Reply::nothing()), Some(refusal.reply())),
        },
        (Ok(()), ItemControl::Snooze) => {
            let snooze = ItemChange::Snooze {
                item_id: subject.item.id,
                until: now + SNOOZE,
            };
            let told = messages::item_snoozed(&subject.item);
            (Decision::reply(Reply::nothing()).change(snooze), Some(told))
        }
    };
    match (told, &press.message) {
        (Some(reply), Some(message)) => {
            let key = format!("button-reply:{}", press.trigger_id);
            decision.call(Delivery::ephemeral(key, &message.channel_id, user, reply))
        }
        _ => decision,
    }
}

/// How long Snooze leaves an item out of reminders.
const SNOOZE: chrono::Duration = chrono::Duration::days(7);

/// A change to an item someone may change (checked while deciding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemChange {
    /// Done or dropped, by whom.
    Close {
        item_id: i64,
        state: ItemState,
        by: UserId,
    },
    /// New owners.
    Owners { item_id: i64, owners: Vec<UserId> },
    /// Left out of reminders until then.
    Snooze { item_id: i64, until: DateTime<Utc> },
}

impl Change for ItemChange {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        match self {
            ItemChange::Close { item_id, state, by } => {
                store::items::close(&mut *tx, *item_id, *state, by, now)
                    .await
                    .context("closing an item")?;
            }
            ItemChange::Owners { item_id, owners } => {
                store::items::set_owners(tx, *item_id, owners)
                    .await
                    .context("reassigning an item")?;
            }
            ItemChange::Snooze { item_id, until } => {
                store::items::snooze(&mut *tx, *item_id, *until)
                    .await
                    .context("snoozing an item")?;
            }
        }
        Ok(())
    }
}

/// `mine`.
pub async fn mine(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    let bot = state.workspaces.bot_in(&command.team_id).await;
    let (team, user) = (&command.team_id, &command.user_id);
    compose::items::mine(&mut conn, team, user, bot.as_ref(), state.clock.now()).await
}
