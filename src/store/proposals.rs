//! A topic proposed in Slack, stored under an id taken before it is written, so that what is
//! decided about it (its card's delivery names it) is decided before anything is written.

use sqlx::PgExecutor;

use super::topics::NewTopic;
use crate::domain::ids::TopicNumber;

/// Takes an id for a topic about to be stored. Ids were never gapless: one taken by a
/// transaction that rolls back stays unused.
pub async fn take_next_id(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!("select nextval(pg_get_serial_sequence('topics', 'id')) as \"id!\"")
        .fetch_one(db)
        .await
}

/// Stores a new open topic under an id from [`take_next_id`] and its number (from
/// [`super::topics::take_next_number`]).
pub async fn insert(
    db: impl PgExecutor<'_>,
    id: i64,
    number: TopicNumber,
    topic: &NewTopic<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into topics (id, team_id, number, channel_id, author_id, intents, title,
                             created_at, challenge_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        topic.team_id.as_str(),
        number.0,
        topic.channel_id.as_str(),
        topic.author_id.as_str(),
        &topic.intents.names(),
        topic.title,
        topic.created_at,
        topic.challenge_id
    )
    .execute(db)
    .await?;
    Ok(())
}
