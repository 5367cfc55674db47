//! Action items by command and button: `action`, `done`, `drop`, `mine`, reassigning, and the
//! Done / Snooze buttons on reminder DMs and the App Home tab.

use anyhow::Context;
use chrono::Duration;
use sqlx::PgConnection;

use super::{reminders, weekly};
use crate::compose;
use crate::domain::actions::{ActionItem, ItemState, ItemText};
use crate::domain::command::ActionCommand;
use crate::domain::ids::{ItemNumber, TeamId, UserId};
use crate::domain::meeting::rules::Phase;
use crate::outbox;
use crate::slack::actions::ItemControl;
use crate::slack::blocks::{Reply, items as messages};
use crate::slack::inbound::{ItemPress, SlashCommand};
use crate::slack::outgoing::Delivery;
use crate::store::{self, items::NewItem};
use crate::usecases::AppState;

/// `action …`.
pub async fn action(
    state: &AppState,
    command: &SlashCommand,
    action: ActionCommand,
) -> anyhow::Result<Reply> {
    match action {
        ActionCommand::New { owners, item } => record(state, command, owners, item).await,
        ActionCommand::Reassign { number, owners } => {
            reassign(state, command, number, &owners).await
        }
    }
}

/// Records an item from the slash command: owned by its leading mentions, attached to the
/// topic `#N` names or else the topic being discussed.
async fn record(
    state: &AppState,
    command: &SlashCommand,
    owners: Vec<UserId>,
    item: ItemText,
) -> anyhow::Result<Reply> {
    if owners.is_empty() {
        return Ok(messages::item_needs_owner());
    }
    if item.text.trim().is_empty() {
        return Ok(messages::item_needs_text());
    }
    if let Some(chars) = crate::domain::actions::too_long(&item.text) {
        return Ok(messages::text_too_long("An action item", chars));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let meeting = store::meetings::running_in(&mut *tx, &command.channel_id)
        .await
        .context("loading the meeting")?;
    let named = match item.topic_number {
        Some(number) => {
            let found = store::topics::find_by_number(
                &mut *tx,
                &command.team_id,
                &command.channel_id,
                number,
            )
            .await
            .context("loading the named topic")?;
            if found.is_none() {
                return Ok(crate::slack::blocks::no_such_topic(number));
            }
            found
        }
        None => None,
    };
    let topic_id = named
        .map(|topic| topic.id)
        .or(match meeting.as_ref().map(|m| m.phase) {
            Some(Phase::Discussing { topic_id, .. } | Phase::Voting { topic_id, .. }) => {
                Some(topic_id)
            }
            _ => None,
        });
    let stored = store::items::insert(
        &mut tx,
        &NewItem {
            team_id: &command.team_id,
            channel_id: &command.channel_id,
            text: &item.text,
            owners: &owners,
            owner_names: &[],
            due_on: item.due,
            topic_id,
            meeting_id: meeting.as_ref().map(|m| m.id),
            created_by: &command.user_id,
            created_at: now,
            source: None,
        },
    )
    .await
    .context("storing an action item")?;
    after_recording(&mut tx, &stored, now).await?;
    let topic = topic_ref(&mut tx, state, &stored).await?;
    state.commit(tx, "an action item").await?;
    Ok(messages::item_recorded(&stored, topic.as_ref()))
}

/// Schedules what a new item needs: its due-date morning, and the channel's weekly run.
pub(super) async fn after_recording(
    tx: &mut PgConnection,
    item: &ActionItem,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let settings = store::settings::load(&mut *tx, &item.channel_id)
        .await
        .context("loading settings")?;
    if let Some(date) = item.due_on {
        reminders::schedule_due_morning(tx, &item.channel_id, &settings, date, now).await?;
    }
    weekly::reminder_run(&item.channel_id, &settings)
        .ensure_next(tx, now, now)
        .await
}

async fn topic_ref(
    tx: &mut PgConnection,
    state: &AppState,
    item: &ActionItem,
) -> anyhow::Result<Option<crate::slack::blocks::items::TopicRef>> {
    let refs = compose::items::topic_refs(tx, std::slice::from_ref(item), state.bot.get()).await?;
    Ok(item.topic_id.and_then(|id| refs.get(&id).cloned()))
}

/// `action N owner @x`: moves the item; reminders already sent stay as they were.
async fn reassign(
    state: &AppState,
    command: &SlashCommand,
    number: ItemNumber,
    owners: &[UserId],
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let item = match changeable(&mut tx, &command.team_id, number, &command.user_id).await? {
        Ok(item) => item,
        Err(refusal) => return Ok(refusal),
    };
    store::items::set_owners(&mut tx, item.id, owners)
        .await
        .context("reassigning an item")?;
    state.commit(tx, "a reassignment").await?;
    Ok(messages::item_reassigned(&item, owners))
}

/// `done N` / `drop N`.
pub async fn close(
    state: &AppState,
    command: &SlashCommand,
    number: ItemNumber,
    closed: ItemState,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let item = match changeable(&mut tx, &command.team_id, number, &command.user_id).await? {
        Ok(item) => item,
        Err(refusal) => return Ok(refusal),
    };
    close_and_redraw(&mut tx, state, &item, closed, &command.user_id).await?;
    state.commit(tx, "a closed item").await?;
    Ok(messages::item_closed(&item, closed))
}

/// Closes an item and edits every sent reminder DM that lists it.
async fn close_and_redraw(
    tx: &mut PgConnection,
    state: &AppState,
    item: &ActionItem,
    closed: ItemState,
    by: &UserId,
) -> anyhow::Result<()> {
    store::items::close(&mut *tx, item.id, closed, by, state.clock.now())
        .await
        .context("closing an item")?;
    let mut edits: Vec<Delivery> = store::reminders::dms_listing(&mut *tx, item.id)
        .await
        .context("finding DMs that list the item")?
        .iter()
        .map(|(run_key, user)| Delivery::reminder_dm_edit(run_key, user))
        .collect();
    edits.extend(item.owners.iter().map(Delivery::app_home));
    outbox::queue_coalesced(tx, &mut edits, state.clock.as_ref())
        .await
        .context("queuing DM edits")?;
    Ok(())
}

/// The open item `number`, if `user` may change it; else the reply explaining why not.
async fn changeable(
    tx: &mut PgConnection,
    team_id: &TeamId,
    number: ItemNumber,
    user: &UserId,
) -> anyhow::Result<Result<ActionItem, Reply>> {
    let Some(item) = store::items::find_by_number(&mut *tx, team_id, number)
        .await
        .context("loading an item")?
    else {
        return Ok(Err(messages::no_such_item(number)));
    };
    may_change(tx, item, user).await
}

async fn may_change(
    tx: &mut PgConnection,
    item: ActionItem,
    user: &UserId,
) -> anyhow::Result<Result<ActionItem, Reply>> {
    if item.state != ItemState::Open {
        return Ok(Err(messages::item_not_open(&item)));
    }
    let settings = store::settings::load(&mut *tx, &item.channel_id)
        .await
        .context("loading settings")?;
    if !item.may_be_closed_by(user, &settings.facilitators) {
        return Ok(Err(messages::item_close_refused(&item)));
    }
    Ok(Ok(item))
}

/// `mine`.
pub async fn mine(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    compose::items::mine(
        &mut conn,
        &command.user_id,
        state.bot.get(),
        state.clock.now(),
    )
    .await
}

/// Done or Snooze on a reminder DM or the App Home tab. A refusal is told to the presser in
/// the DM; in the App Home there is nowhere to say it, and the tab only lists their own items.
pub async fn button(state: &AppState, press: &ItemPress) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let Some(item) = store::items::find(&mut *tx, press.item_id)
        .await
        .context("loading an item")?
    else {
        return Ok(());
    };
    let reply = match may_change(&mut tx, item, &press.user_id).await? {
        Err(refusal) => Some(refusal),
        Ok(item) => match press.control {
            ItemControl::Done => {
                close_and_redraw(&mut tx, state, &item, ItemState::Done, &press.user_id).await?;
                None
            }
            ItemControl::Snooze => {
                store::items::snooze(&mut *tx, item.id, state.clock.now() + Duration::days(7))
                    .await
                    .context("snoozing an item")?;
                Some(messages::item_snoozed(&item))
            }
        },
    };
    if let (Some(reply), Some(message)) = (reply, &press.message) {
        let key = format!("button-reply:{}", press.trigger_id);
        outbox::queue(
            &mut tx,
            &Delivery::ephemeral(key, &message.channel_id, &press.user_id, reply),
            state.clock.as_ref(),
        )
        .await
        .context("queuing a button reply")?;
    }
    state.commit(tx, "a button press").await?;
    Ok(())
}
