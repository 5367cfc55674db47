//! `search words…`, and the earlier topics shown when a similar one is proposed.

use anyhow::Context;
use sqlx::PgConnection;

use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::topics::{Found, Topic, most_similar};
use crate::slack::blocks::{Reply, search as messages};
use crate::slack::inbound::SlashCommand;
use crate::store;
use crate::usecases::AppState;

/// Results shown for a search.
pub const RESULTS: i64 = 10;
/// Similar topics shown with a proposal.
const SIMILAR: usize = 3;

pub async fn search(
    state: &AppState,
    command: &SlashCommand,
    words: &str,
) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    let found = search_channel(&mut conn, &command.team_id, &command.channel_id, words).await?;
    let bot = state.workspaces.bot_in(&command.team_id).await;
    Ok(messages::search_results(words, &found, bot.as_ref()))
}

/// The channel's topics of `team_id` matching `words`, best first: what `search` shows, in
/// Slack and on the web.
pub async fn search_channel(
    db: &mut PgConnection,
    team_id: &TeamId,
    channel_id: &ChannelId,
    words: &str,
) -> anyhow::Result<Vec<Found>> {
    store::search::search(db, team_id, channel_id, words, RESULTS)
        .await
        .context("searching")
}

/// Up to three earlier topics of the channel that look like `topic`, most alike first, as
/// confirmation lines (the rule is in `topics::similarity`).
pub async fn similar_to(
    db: &mut PgConnection,
    state: &AppState,
    topic: &Topic,
) -> anyhow::Result<Vec<String>> {
    let found = similar_found(db, topic).await?;
    let bot = state.workspaces.bot_in(&topic.team_id).await;
    Ok(messages::similar_lines(&found, bot.as_ref()))
}

/// Up to three earlier topics of the channel that look like `topic`, most alike first.
pub async fn similar_found(db: &mut PgConnection, topic: &Topic) -> anyhow::Result<Vec<Found>> {
    let sharing = store::search::sharing_words(db, &topic.channel_id, topic.id)
        .await
        .context("finding similar topics")?;
    let ids = most_similar(&sharing.counts, &sharing.words, &sharing.earlier, SIMILAR);
    store::search::details(db, &ids)
        .await
        .context("loading similar topics")
}
