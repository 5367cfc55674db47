//! `withdraw N`: the author (or a facilitator, or a workspace admin while the channel has no
//! facilitators) takes a topic off the agenda. Whether someone is an admin is never asked of
//! Slack while the command waits for its answer (see [`super::rights`]).

use std::time::Duration;

use anyhow::Context;
use sqlx::PgConnection;

use super::rights::{self, Asker, IfUnknown, Unchangeable};
use crate::outbox;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// Answers `withdraw N`: done, refused, or (someone who may be an admin) decided shortly.
pub async fn withdraw(
    state: &AppState,
    command: &SlashCommand,
    number: i32,
) -> anyhow::Result<Reply> {
    let if_unknown = IfUnknown::Defer {
        text: &command.text,
        request: &command.trigger_id,
    };
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let reply = withdraw_in(&mut tx, state, &Asker::of(command), number, if_unknown).await?;
    state.commit(tx, "a withdrawal").await?;
    Ok(reply)
}

/// Withdraws topic `number` in `tx` if `asker` may, and says how it went.
pub async fn withdraw_in(
    tx: &mut PgConnection,
    state: &AppState,
    asker: &Asker<'_>,
    number: i32,
    if_unknown: IfUnknown<'_>,
) -> anyhow::Result<Reply> {
    let (topic, settings) = match rights::changeable(tx, state, asker, number).await? {
        Ok(found) => found,
        Err(Unchangeable::NoSuchTopic) => return Ok(blocks::no_such_topic(number)),
        Err(Unchangeable::NotOpen(topic)) => return Ok(blocks::withdraw_not_open(&topic)),
        Err(Unchangeable::NotYours(topic, facilitators)) => {
            return Ok(blocks::withdraw_refused(&topic, &facilitators));
        }
        Err(Unchangeable::AdminUnknown(topic)) => {
            return rights::admin_unknown(tx, state, asker, &topic, if_unknown, "withdraw it")
                .await;
        }
    };
    if !store::topics::withdraw(&mut *tx, topic.id, asker.user_id, state.clock.now())
        .await
        .context("withdrawing a topic")?
    {
        return Ok(blocks::withdraw_not_open(&topic));
    }
    let mut refresh = vec![topic.id];
    // Its votes stop counting toward budgets, so its voters' other votes may start counting.
    if let (Some(ts), true) = (&topic.card_ts, settings.votes_per_person > 0) {
        let voters = store::votes::voters(&mut *tx, &topic.channel_id, ts)
            .await
            .context("loading voters")?;
        let others = store::votes::open_topics_voted_by(&mut *tx, &topic.channel_id, &voters)
            .await
            .context("loading voters' topics")?;
        refresh.extend(others);
    }
    for topic_id in refresh {
        outbox::queue(
            tx,
            &Delivery::refresh_card(topic_id, Duration::ZERO),
            state.clock.as_ref(),
        )
        .await
        .context("queuing a card refresh")?;
    }
    Ok(blocks::withdrawn(&topic))
}
