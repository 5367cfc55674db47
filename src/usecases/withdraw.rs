//! `withdraw N`: the author (or a facilitator, or a workspace admin while the channel has no
//! facilitators) takes a topic off the agenda.

use std::time::Duration;

use anyhow::Context;

use crate::domain::settings::ChannelSettings;
use crate::domain::topics::{Topic, TopicState};
use crate::outbox::{self, user_directory};
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

pub async fn withdraw(
    state: &AppState,
    command: &SlashCommand,
    number: i32,
) -> anyhow::Result<Reply> {
    let (topic, settings) = match changeable(state, command, number).await? {
        Ok(found) => found,
        Err(Unchangeable::NoSuchTopic) => return Ok(blocks::no_such_topic(number)),
        Err(Unchangeable::NotOpen(topic)) => return Ok(blocks::withdraw_not_open(&topic)),
        Err(Unchangeable::NotYours(topic, facilitators)) => {
            return Ok(blocks::withdraw_refused(&topic, &facilitators));
        }
    };

    let mut tx = state.db.begin().await.context("starting a transaction")?;
    if !store::topics::withdraw(&mut *tx, topic.id, &command.user_id, state.clock.now())
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
            &mut tx,
            &Delivery::refresh_card(topic_id, Duration::ZERO),
            state.clock.as_ref(),
        )
        .await
        .context("queuing a card refresh")?;
    }
    state.commit(tx, "a withdrawal").await?;
    Ok(blocks::withdrawn(&topic))
}

/// Why topic N cannot be withdrawn or edited by the one asking.
pub(super) enum Unchangeable {
    NoSuchTopic,
    NotOpen(Topic),
    /// Neither theirs nor theirs to change: the channel's facilitators, if any.
    NotYours(Topic, Vec<String>),
}

/// The channel's open topic `number` and its channel's settings, if the one asking may
/// withdraw or edit it.
pub(super) async fn changeable(
    state: &AppState,
    command: &SlashCommand,
    number: i32,
) -> anyhow::Result<Result<(Topic, ChannelSettings), Unchangeable>> {
    let Some(topic) =
        store::topics::find_by_number(&state.db, &command.team_id, &command.channel_id, number)
            .await
            .context("loading a topic")?
    else {
        return Ok(Err(Unchangeable::NoSuchTopic));
    };
    if topic.state != TopicState::Open {
        return Ok(Err(Unchangeable::NotOpen(topic)));
    }
    let settings = store::settings::load(&state.db, &topic.channel_id)
        .await
        .context("loading settings")?;
    if !may_change(state, &topic, &settings.facilitators, &command.user_id).await? {
        return Ok(Err(Unchangeable::NotYours(topic, settings.facilitators)));
    }
    Ok(Ok((topic, settings)))
}

/// Who may withdraw or edit a topic: the author always; then facilitators, or workspace admins
/// while there are none.
async fn may_change(
    state: &AppState,
    topic: &Topic,
    facilitators: &[String],
    user: &str,
) -> anyhow::Result<bool> {
    if topic.proposed_by(user) {
        return Ok(true);
    }
    if !facilitators.is_empty() {
        return Ok(facilitators.iter().any(|f| f == user));
    }
    let kind = user_directory::kind_of(&state.db, &state.slack, &state.clock, user).await?;
    Ok(kind.is_admin)
}
