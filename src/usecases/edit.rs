//! `edit N [intent] title`: the author (or a facilitator, or a workspace admin while the channel
//! has no facilitators) fixes an open topic's intents or title; its card is edited in place and
//! keeps its votes. Whether someone is an admin is never asked of Slack while the command waits
//! for its answer (see [`super::rights`]).

use std::time::Duration;

use anyhow::Context;
use sqlx::PgConnection;

use super::rights::{self, Asker, IfUnknown, Unchangeable};
use crate::compose;
use crate::domain::command::Proposal;
use crate::outbox;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// Answers `edit N …`: done, refused, or (someone who may be an admin) decided shortly.
pub async fn edit(
    state: &AppState,
    command: &SlashCommand,
    number: i32,
    proposal: &Proposal,
) -> anyhow::Result<Reply> {
    let if_unknown = IfUnknown::Defer {
        text: &command.text,
        request: &command.trigger_id,
    };
    let asker = Asker::of(command);
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let reply = edit_in(&mut tx, state, &asker, number, proposal, if_unknown).await?;
    state.commit(tx, "an edit").await?;
    Ok(reply)
}

/// Edits topic `number` in `tx` if `asker` may, and says how it went.
pub async fn edit_in(
    tx: &mut PgConnection,
    state: &AppState,
    asker: &Asker<'_>,
    number: i32,
    proposal: &Proposal,
    if_unknown: IfUnknown<'_>,
) -> anyhow::Result<Reply> {
    let (topic, settings) = match rights::changeable(tx, state, asker, number).await? {
        Ok(found) => found,
        Err(Unchangeable::NoSuchTopic) => return Ok(blocks::no_such_topic(number)),
        Err(Unchangeable::NotOpen(topic)) => return Ok(blocks::edit_not_open(&topic)),
        Err(Unchangeable::NotYours(topic, facilitators)) => {
            return Ok(blocks::edit_refused(&topic, &facilitators));
        }
        Err(Unchangeable::AdminUnknown(topic)) => {
            return rights::admin_unknown(tx, state, asker, &topic, if_unknown, "edit it").await;
        }
    };
    if topic.intents == proposal.intents && topic.title == proposal.title.as_str() {
        return Ok(blocks::edit_unchanged(&topic));
    }

    let Some(edited) = store::topics::edit(
        &mut *tx,
        topic.id,
        &proposal.intents,
        proposal.title.as_str(),
    )
    .await
    .context("editing a topic")?
    else {
        // It left the agenda since it was read: say how it stands now.
        let now = store::topics::find(&mut *tx, topic.id)
            .await
            .context("loading a topic")?
            .unwrap_or(topic);
        return Ok(blocks::edit_not_open(&now));
    };
    let votes = compose::votes::shown(tx, &edited, settings.votes_per_person).await?;
    outbox::queue(
        tx,
        &Delivery::refresh_card(edited.id, Duration::ZERO),
        state.clock.as_ref(),
    )
    .await
    .context("queuing a card refresh")?;
    tracing::info!(number = edited.number, channel = %edited.channel_id, "topic edited");
    Ok(blocks::edited(&edited, votes))
}
