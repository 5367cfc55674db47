//! Forgetting old delivery bookkeeping a batch at a time, and the vote event floor.
//!
//! Each `prune_…` deletes at most `limit` rows in one statement, which outside a transaction is
//! its own short one: it finds old rows through migration 0017's indexes, locks them (skipping
//! any another transaction holds: the next batch or run gets them) and deletes them by `ctid`.
//! It returns how many it deleted; fewer than `limit` means none were left.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::retention::Floor;

/// Deletes event ids that arrived before `before`.
pub async fn prune_events(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "delete from slack_events where ctid = any(array(
             select ctid from slack_events where received_at < $1
             limit $2 for update skip locked))",
        before,
        limit
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Deletes removed votes' tombstones whose latest event (Slack event time, microseconds) is
/// older than `before`. A vote added again meanwhile is present, so not a tombstone.
pub async fn prune_vote_tombstones(
    db: impl PgExecutor<'_>,
    before: i64,
    limit: i64,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "delete from votes where ctid = any(array(
             select ctid from votes where not present and last_event_ts < $1
             limit $2 for update skip locked))",
        before,
        limit
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// How an outbox row finished, for pruning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishedCall {
    /// Slack accepted it.
    Done,
    /// It was given up on.
    Dead,
}

impl FinishedCall {
    fn state(self) -> &'static str {
        match self {
            FinishedCall::Done => "done",
            FinishedCall::Dead => "dead",
        }
    }
}

/// Deletes outbox rows that finished as `how` before `before`.
pub async fn prune_outbox(
    db: impl PgExecutor<'_>,
    how: FinishedCall,
    before: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    // `state <> 'pending'` spelled out, so even a generic plan may use the partial index.
    sqlx::query!(
        "delete from outbox where ctid = any(array(
             select ctid from outbox
             where state = $3 and state <> 'pending' and finished_at < $1
             limit $2 for update skip locked))",
        before,
        limit,
        how.state()
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Deletes jobs done, cancelled or failed before `before`. Their keys are free again, which
/// matters to no scheduler: each schedules only steps still to come.
pub async fn prune_jobs(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "delete from jobs where ctid = any(array(
             select ctid from jobs where state <> 'pending' and finished_at < $1
             limit $2 for update skip locked))",
        before,
        limit
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// The vote event floor, once a run has published one.
pub async fn vote_event_floor(db: impl PgExecutor<'_>) -> sqlx::Result<Option<Floor>> {
    let row = sqlx::query!("select ignored_before, published_at from vote_event_floor")
        .fetch_optional(db)
        .await?;
    Ok(row.map(|row| Floor {
        ignored_before: row.ignored_before,
        published_at: row.published_at,
    }))
}

/// Publishes `floor`. Never lowers the one published: tombstones below it may be gone.
pub async fn publish_vote_event_floor(db: impl PgExecutor<'_>, floor: &Floor) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into vote_event_floor (ignored_before, published_at) values ($1, $2)
         on conflict (only_row) do update
             set ignored_before = greatest(vote_event_floor.ignored_before,
                                           excluded.ignored_before),
                 published_at = excluded.published_at",
        floor.ignored_before,
        floor.published_at
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// When a retention run (or a round of one) last completed, if one is on record.
pub async fn last_completed_run(db: impl PgExecutor<'_>) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select max(finished_at) from jobs
         where state = 'done' and payload ->> 'kind' = 'retention'"
    )
    .fetch_one(db)
    .await
}
