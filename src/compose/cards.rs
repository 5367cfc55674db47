//! A topic card as it should look now.

use anyhow::Context;
use sqlx::PgConnection;

use crate::domain::topics::Topic;
use crate::slack::blocks::{self, CardView, Reply};
use crate::slack::call::SlackCall;
use crate::store;

/// The card for `topic`, with its counted votes and the channel's vote emoji.
pub async fn render(db: &mut PgConnection, topic: &Topic) -> anyhow::Result<Reply> {
    let settings = store::settings::load(&mut *db, &topic.channel_id)
        .await
        .context("loading channel settings")?;
    let votes = super::votes::shown(db, topic, settings.votes_per_person).await?;
    let challenge = match topic.challenge_id {
        Some(id) => store::challenges::find(&mut *db, id)
            .await
            .context("loading the challenge it came from")?
            .map(|issue| issue.number),
        None => None,
    };
    Ok(blocks::topic_card(&CardView {
        topic,
        votes,
        vote_emoji: &settings.vote_emoji,
        challenge,
    }))
}

/// The `chat.update` that brings a topic's card up to date; `None` while the card has not been
/// posted (or the topic is gone).
pub async fn update(db: &mut PgConnection, topic_id: i64) -> anyhow::Result<Option<SlackCall>> {
    let Some(topic) = store::topics::find(&mut *db, topic_id)
        .await
        .context("loading a topic")?
    else {
        return Ok(None);
    };
    let Some(ts) = topic.card_ts.clone() else {
        return Ok(None);
    };
    let card = render(db, &topic).await?;
    Ok(Some(SlackCall::update_message(
        &topic.channel_id,
        &ts,
        card,
    )))
}
