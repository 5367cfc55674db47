//! Signed requests already handled, so a replayed command or interaction is refused.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgExecutor;

/// How long a signature is remembered: past Slack's 5-minute window, with a margin for clocks.
const REMEMBERED_FOR: Duration = Duration::minutes(10);

/// Records `signature` as seen at `now`; false if it was seen before (a replay). Forgets
/// signatures too old to be accepted again.
pub async fn first_sighting(
    db: impl PgExecutor<'_>,
    signature: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "with forgotten as (delete from seen_requests where seen_at < $3)
         insert into seen_requests (signature, seen_at) values ($1, $2)
         on conflict (signature) do nothing",
        signature,
        now,
        now - REMEMBERED_FOR
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}
