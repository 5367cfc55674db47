//! Proposing a topic inside the caller's transaction: number and store it, queue its card,
//! make sure the channel's meeting notices and digest are scheduled, and find similar earlier
//! topics. `/archtopic [intent] title` and "Discuss at Arch Hour" both come here.

use anyhow::Context;
use sqlx::PgConnection;

use super::{pre_meeting, search, weekly};
use crate::compose;
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::settings::ChannelSettings;
use crate::domain::topics::{Intents, Topic};
use crate::outbox;
use crate::slack::outgoing::Delivery;
use crate::store::{self, topics::NewTopic};
use crate::usecases::AppState;

/// Who proposes, and where.
#[derive(Debug, Clone, Copy)]
pub struct Proposer<'a> {
    pub team_id: &'a TeamId,
    pub channel_id: &'a ChannelId,
    pub user_id: &'a UserId,
}

/// The stored topic, with what its confirmation shows.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub topic: Topic,
    pub settings: ChannelSettings,
    /// Earlier topics like it: "discussed 2021-06-30: Documentation strategy…".
    pub similar: Vec<String>,
}

/// Stores a topic and queues its card. The caller commits, then wakes the outbox and jobs.
pub async fn propose(
    tx: &mut PgConnection,
    state: &AppState,
    by: Proposer<'_>,
    intents: &Intents,
    title: &str,
    challenge_id: Option<i64>,
) -> anyhow::Result<Proposed> {
    let number = store::topics::take_next_number(&mut *tx, by.team_id)
        .await
        .context("numbering a topic")?;
    let topic = store::topics::insert(
        &mut *tx,
        &NewTopic {
            team_id: by.team_id,
            channel_id: by.channel_id,
            author_id: by.user_id,
            intents,
            title,
            created_at: state.clock.now(),
            challenge_id,
        },
        number,
    )
    .await
    .context("storing a topic")?;
    let settings = store::settings::load(&mut *tx, by.channel_id)
        .await
        .context("loading settings")?;
    let card = compose::cards::render(tx, &topic).await?;
    outbox::queue(
        tx,
        &Delivery::topic_card(&topic, card),
        state.clock.as_ref(),
    )
    .await
    .context("queuing a topic card")?;
    // A channel with topics gets its pre-meeting notices and digest.
    let now = state.clock.now();
    pre_meeting::ensure_notices(tx, by.channel_id, &settings, now, now).await?;
    weekly::digest(by.channel_id, &settings)
        .ensure_next(tx, now, now)
        .await?;
    let similar = search::similar_to(tx, state, &topic).await?;
    Ok(Proposed {
        topic,
        settings,
        similar,
    })
}
