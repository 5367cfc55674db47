//! `search words…`, and the earlier topics shown when a similar one is proposed.

use anyhow::Context;
use sqlx::PgConnection;

use crate::domain::topics::{Topic, most_similar};
use crate::slack::blocks::{Reply, search as messages};
use crate::slack::inbound::SlashCommand;
use crate::store;
use crate::usecases::AppState;

/// Results shown for a search.
const RESULTS: i64 = 10;
/// Similar topics shown with a proposal.
const SIMILAR: usize = 3;

pub async fn search(
    state: &AppState,
    command: &SlashCommand,
    words: &str,
) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    let found = store::search::search(&mut conn, &command.channel_id, words, RESULTS)
        .await
        .context("searching")?;
    Ok(messages::search_results(words, &found, state.bot.get()))
}

/// Up to three earlier topics of the channel that look like `topic`, most alike first, as
/// confirmation lines (the rule is in `topics::similarity`).
pub async fn similar_to(
    db: &mut PgConnection,
    state: &AppState,
    topic: &Topic,
) -> anyhow::Result<Vec<String>> {
    let sharing = store::search::sharing_words(db, &topic.channel_id, topic.id)
        .await
        .context("finding similar topics")?;
    let ids = most_similar(&sharing.counts, &sharing.words, &sharing.earlier, SIMILAR);
    let found = store::search::details(db, &ids)
        .await
        .context("loading similar topics")?;
    Ok(messages::similar_lines(&found, state.bot.get()))
}
