//! How many votes a topic shows now, for every message that shows one.

use anyhow::Context;
use sqlx::PgConnection;

use crate::domain::topics::{Topic, TopicState};
use crate::store;

/// The votes `topic` shows: while it is open, those its card counts under the channel's budget
/// of `budget` votes a person (0: no budget); once it is being discussed, everyone's on its
/// card; plus any a notes page recorded. A topic without a card has only the latter.
pub async fn shown(db: &mut PgConnection, topic: &Topic, budget: u32) -> anyhow::Result<i64> {
    let counted = match (&topic.card_ts, topic.state) {
        (Some(ts), TopicState::Open) => {
            store::votes::counted_on_card(&mut *db, &topic.channel_id, ts, budget)
                .await
                .context("counting votes")?
        }
        (Some(ts), TopicState::Discussing) => {
            let voters = store::votes::voters(&mut *db, &topic.channel_id, ts)
                .await
                .context("counting votes")?;
            i64::try_from(voters.len()).unwrap_or(i64::MAX)
        }
        _ => 0,
    };
    Ok(topic.shown_votes(counted))
}
