//! Recounts: who asked for one, the cards it reads, what each read found, and when its votes
//! were repaired.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::ids::{ChannelId, TopicNumber, UserId};
use crate::slack::api::Reactions;

/// A recount as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recount {
    pub id: i64,
    pub channel_id: ChannelId,
    /// Who typed `recount` (and hears what changed); `None` for a meeting's recount.
    pub requested_by: Option<UserId>,
    /// The meeting whose agenda waits for it; `None` for a person's recount.
    pub meeting_id: Option<i64>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One card a recount reads, and how the read went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRead {
    pub topic_id: i64,
    /// The topic's number (`#12`), for the report.
    pub number: TopicNumber,
    pub channel_id: ChannelId,
    pub message_ts: String,
    /// What Slack answered and when it was asked; `None` if it has not answered (or never will).
    pub read: Option<(Reactions, DateTime<Utc>)>,
    /// Why the outbox gave up on the read.
    pub failure: Option<String>,
}

struct CardRow {
    topic_id: i64,
    number: i32,
    channel_id: ChannelId,
    message_ts: String,
    reactions: Option<Json<Reactions>>,
    read_at: Option<DateTime<Utc>>,
    failure: Option<String>,
}

/// Records a recount of `channel_id` for a person or for a meeting. Returns its id, or `None`
/// when the meeting has asked for one already.
pub async fn insert(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    requested_by: Option<&UserId>,
    meeting_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into recounts (channel_id, requested_by, meeting_id, created_at)
         values ($1, $2, $3, $4)
         on conflict (meeting_id) do nothing
         returning id",
        channel_id.as_str(),
        requested_by.map(UserId::as_str),
        meeting_id,
        now
    )
    .fetch_optional(db)
    .await
}

/// Adds a card for the recount to read.
pub async fn add_card(
    db: impl PgExecutor<'_>,
    recount_id: i64,
    topic_id: i64,
    channel_id: &ChannelId,
    message_ts: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into recount_cards (recount_id, topic_id, channel_id, message_ts)
         values ($1, $2, $3, $4)
         on conflict do nothing",
        recount_id,
        topic_id,
        channel_id.as_str(),
        message_ts
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Locks a recount until the transaction ends: the reads that finish it and the step that
/// repairs from them take turns, so the last read always sees every other one.
pub async fn lock(db: impl PgExecutor<'_>, recount_id: i64) -> sqlx::Result<Option<Recount>> {
    let row = sqlx::query!(
        "select id, channel_id, requested_by, meeting_id, finished_at
         from recounts where id = $1 for update",
        recount_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Recount {
        id: row.id,
        channel_id: ChannelId::from(row.channel_id),
        requested_by: row.requested_by.map(UserId::from),
        meeting_id: row.meeting_id,
        finished_at: row.finished_at,
    }))
}

/// Stores what Slack answered for one card, asked at `read_at`. A card read (or given up on)
/// before keeps its first outcome. Returns whether this one was stored.
pub async fn record_read(
    db: impl PgExecutor<'_>,
    recount_id: i64,
    topic_id: i64,
    reactions: &Reactions,
    read_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    sqlx::query!(
        "update recount_cards set reactions = $3, read_at = $4
         where recount_id = $1 and topic_id = $2 and reactions is null and failure is null",
        recount_id,
        topic_id,
        Json(reactions) as _,
        read_at
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected() == 1)
}

/// Records that one card could not be read, and why.
pub async fn record_failure(
    db: impl PgExecutor<'_>,
    recount_id: i64,
    topic_id: i64,
    failure: &str,
) -> sqlx::Result<bool> {
    sqlx::query!(
        "update recount_cards set failure = $3
         where recount_id = $1 and topic_id = $2 and reactions is null and failure is null",
        recount_id,
        topic_id,
        failure
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected() == 1)
}

/// How many of a recount's cards still wait for Slack's answer.
pub async fn waiting(db: impl PgExecutor<'_>, recount_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "select count(*) as \"count!\" from recount_cards
         where recount_id = $1 and reactions is null and failure is null",
        recount_id
    )
    .fetch_one(db)
    .await
}

/// A recount's cards in the order their topics were proposed, with how each read went.
pub async fn cards(db: impl PgExecutor<'_>, recount_id: i64) -> sqlx::Result<Vec<CardRead>> {
    let rows: Vec<CardRow> = sqlx::query_as!(
        CardRow,
        "select c.topic_id, t.number, c.channel_id, c.message_ts,
                c.reactions as \"reactions: Json<Reactions>\", c.read_at,
                c.failure
         from recount_cards c join topics t on t.id = c.topic_id
         where c.recount_id = $1
         order by t.created_at, t.number",
        recount_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| CardRead {
            topic_id: row.topic_id,
            number: TopicNumber(row.number),
            channel_id: row.channel_id,
            message_ts: row.message_ts,
            read: row
                .reactions
                .zip(row.read_at)
                .map(|(json, at)| (json.0, at)),
            failure: row.failure,
        })
        .collect())
}

/// Marks a recount's votes repaired.
pub async fn mark_finished(
    db: impl PgExecutor<'_>,
    recount_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update recounts set finished_at = $2 where id = $1 and finished_at is null",
        recount_id,
        now
    )
    .execute(db)
    .await
    .map(|_| ())
}
