//! The digests posted: one per channel per period, each with the chart it showed.

use crate::domain::digest_chart::{ChartToken, MonthEnd};
use crate::domain::ids::ChannelId;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
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
    claim_with_chart(db, channel_id, period, now, None).await
}

/// Claims a period's digest, keeping the chart it shows (its token and the months it draws),
/// if any. Returns false if it was posted already.
pub async fn claim_with_chart(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    period: &str,
    now: DateTime<Utc>,
    chart: Option<(&ChartToken, &[MonthEnd])>,
) -> sqlx::Result<bool> {
    let (token, months) = chart.unzip();
    let inserted = sqlx::query!(
        "insert into digests (channel_id, period, posted_at, chart_token, chart_months)
         values ($1, $2, $3, $4, $5)
         on conflict (channel_id, period) do nothing",
        channel_id.as_str(),
        period,
        now,
        token.map(ChartToken::as_str),
        months.map(Json) as _
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// The months the digest chart named by `token` draws; `None` when no digest has that token.
pub async fn chart_months(
    db: impl PgExecutor<'_>,
    token: &ChartToken,
) -> sqlx::Result<Option<Vec<MonthEnd>>> {
    let months = sqlx::query_scalar!(
        "select chart_months as \"months!: Json<Vec<MonthEnd>>\"
         from digests where chart_token = $1 and chart_months is not null",
        token.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(months.map(|Json(months)| months))
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
