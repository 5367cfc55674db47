//! The digests posted: one per channel per period.

use crate::domain::ids::ChannelId;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// Takes the lock on `channel_id`'s digest for `period` until the transaction ends, and says
/// whether it was posted. A second process deciding the same digest waits, then sees what the
/// first one wrote.
pub async fn lock_period(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    period: &str,
) -> sqlx::Result<bool> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('digest:' || $1 || ':' || $2, 0))",
        channel_id.as_str(),
        period
    )
    .execute(&mut *db)
    .await?;
    sqlx::query_scalar!(
        "select exists (select 1 from digests where channel_id = $1 and period = $2)
         as \"exists!\"",
        channel_id.as_str(),
        period
    )
    .fetch_one(&mut *db)
    .await
}

/// Claims a period's digest. Returns false if it was posted already.
pub async fn claim(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    period: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into digests (channel_id, period, posted_at) values ($1, $2, $3)
         on conflict (channel_id, period) do nothing",
        channel_id.as_str(),
        period,
        now
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// When the channel's last digest was posted.
pub async fn last_posted(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select max(posted_at) from digests where channel_id = $1",
        channel_id.as_str()
    )
    .fetch_one(db)
    .await
}
