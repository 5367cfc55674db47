//! The page's backlog: open topics no meeting discussed, matched against the channel's open
//! imported topics.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::topics::{StoredTopic, insert_topic, repair_topic};
use super::{ImportOutcome, Place};
use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::notes::{Page, rematch};

/// The page's backlog: topics matched against the channel's open imported topics that no
/// meeting discussed, repaired or added.
pub(super) async fn import_backlog(
    tx: &mut PgConnection,
    page: &Page,
    team_id: &TeamId,
    channel_id: &ChannelId,
    now: DateTime<Utc>,
    outcome: &mut ImportOutcome,
) -> sqlx::Result<()> {
    let stored: Vec<StoredTopic> = sqlx::query_as!(
        StoredTopic,
        "select id, title, intents, proposers, author_id, imported_votes from topics
         where channel_id = $1 and imported and state = 'open' and discussed_in is null
         order by id",
        channel_id.as_str()
    )
    .fetch_all(&mut *tx)
    .await?;
    let stored_titles: Vec<&str> = stored.iter().map(|t| t.title.as_str()).collect();
    let page_titles: Vec<&str> = page.backlog.iter().map(|t| t.title.as_str()).collect();
    let pairs = rematch(&stored_titles, &page_titles);
    let place = Place {
        team_id,
        channel_id,
        at: now,
    };
    for (topic, pair) in page.backlog.iter().zip(pairs) {
        if let Some(found) = pair.map(|s| &stored[s]) {
            if repair_topic(tx, found, topic).await? {
                outcome.backlog_repaired += 1;
            } else {
                outcome.backlog_already_there += 1;
            }
            continue;
        }
        let open: bool = sqlx::query_scalar!(
            "select exists (select 1 from topics
                            where channel_id = $1 and title = $2 and state = 'open') as \"exists!\"",
            channel_id.as_str(),
            &topic.title
        )
        .fetch_one(&mut *tx)
        .await?;
        if open {
            outcome.backlog_already_there += 1;
            continue;
        }
        insert_topic(tx, &place, topic, None).await?;
        outcome.backlog_added += 1;
    }
    Ok(())
}
