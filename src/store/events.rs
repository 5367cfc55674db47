//! Events API deliveries already applied.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

/// Records event ids; returns those not seen before (each once, even if repeated in `ids`).
pub async fn record_new(
    db: impl PgExecutor<'_>,
    ids: &[String],
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "insert into slack_events (event_id, received_at)
         select distinct id, $2::timestamptz from unnest($1::text[]) as t(id)
         on conflict (event_id) do nothing
         returning event_id",
        ids,
        now
    )
    .fetch_all(db)
    .await
}
