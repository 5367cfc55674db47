//! The ranked agenda of a channel.

use anyhow::Context;
use sqlx::PgConnection;

use crate::domain::ids::ChannelId;
use crate::domain::votes::{RankedTopic, rank};
use crate::store;

/// The channel's open topics with their counted votes, in agenda order.
pub async fn ranked(
    db: &mut PgConnection,
    channel_id: &ChannelId,
) -> anyhow::Result<Vec<RankedTopic>> {
    let settings = store::settings::load(&mut *db, channel_id)
        .await
        .context("loading channel settings")?;
    let topics = store::topics::open_in_channel(&mut *db, channel_id)
        .await
        .context("loading open topics")?;
    let counts =
        store::votes::counted_on_open_cards(&mut *db, channel_id, settings.votes_per_person)
            .await
            .context("counting votes")?;
    Ok(rank(topics.into_iter().map(|topic| {
        let counted = topic.card_ts.as_ref().and_then(|ts| counts.get(ts));
        let votes = topic.shown_votes(counted.copied().unwrap_or(0));
        (topic, votes)
    })))
}
