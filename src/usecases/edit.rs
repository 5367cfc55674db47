//! `edit N [intent] title`: the author (or a facilitator, or a workspace admin while the channel
//! has no facilitators) fixes an open topic's intents or title; its card is edited in place and
//! keeps its votes.

use std::time::Duration;

use anyhow::Context;

use super::withdraw::{Unchangeable, changeable};
use crate::compose;
use crate::domain::command::Proposal;
use crate::outbox;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

pub async fn edit(
    state: &AppState,
    command: &SlashCommand,
    number: i32,
    proposal: &Proposal,
) -> anyhow::Result<Reply> {
    let (topic, settings) = match changeable(state, command, number).await? {
        Ok(found) => found,
        Err(Unchangeable::NoSuchTopic) => return Ok(blocks::no_such_topic(number)),
        Err(Unchangeable::NotOpen(topic)) => return Ok(blocks::edit_not_open(&topic)),
        Err(Unchangeable::NotYours(topic, facilitators)) => {
            return Ok(blocks::edit_refused(&topic, &facilitators));
        }
    };
    if topic.intents == proposal.intents && topic.title == proposal.title.as_str() {
        return Ok(blocks::edit_unchanged(&topic));
    }

    let mut tx = state.db.begin().await.context("starting a transaction")?;
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
    let votes = compose::votes::shown(&mut tx, &edited, settings.votes_per_person).await?;
    outbox::queue(
        &mut tx,
        &Delivery::refresh_card(edited.id, Duration::ZERO),
        state.clock.as_ref(),
    )
    .await
    .context("queuing a card refresh")?;
    state.commit(tx, "an edit").await?;
    tracing::info!(number = edited.number, channel = %edited.channel_id, "topic edited");
    Ok(blocks::edited(&edited, votes))
}
