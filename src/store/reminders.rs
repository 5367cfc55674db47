//! Reminder runs and the one DM per owner each run sends.

use crate::domain::ids::{ChannelId, UserId};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// A run's DM to one owner.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReminderDm {
    pub run_key: String,
    pub user_id: UserId,
    pub item_ids: Vec<i64>,
    pub dm_channel_id: Option<ChannelId>,
    pub message_ts: Option<String>,
}

/// A [`ReminderDm`] as the checked queries read it.
struct DmRow {
    run_key: String,
    user_id: UserId,
    item_ids: Vec<i64>,
    dm_channel_id: Option<String>,
    message_ts: Option<String>,
}

impl From<DmRow> for ReminderDm {
    fn from(row: DmRow) -> Self {
        ReminderDm {
            run_key: row.run_key,
            user_id: row.user_id,
            item_ids: row.item_ids,
            dm_channel_id: row.dm_channel_id.map(ChannelId::from),
            message_ts: row.message_ts,
        }
    }
}

/// Starts a run. Returns false if a run with this key already happened (nothing to do).
pub async fn start_run(
    db: impl PgExecutor<'_>,
    run_key: &str,
    channel_id: &ChannelId,
    by: Option<&UserId>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into reminder_runs (run_key, channel_id, started_at, started_by)
         values ($1, $2, $3, $4) on conflict (run_key) do nothing",
        run_key,
        channel_id.as_str(),
        now,
        by.map(UserId::as_str)
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Takes run `run_key`'s lock until the transaction ends, and says whether the run happened. A
/// second process deciding the same run waits, then sees what the first one wrote.
pub async fn lock_run(db: &mut PgConnection, run_key: &str) -> sqlx::Result<bool> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('reminder_run:' || $1, 0))",
        run_key
    )
    .execute(&mut *db)
    .await?;
    sqlx::query_scalar!(
        "select exists (select 1 from reminder_runs where run_key = $1) as \"exists!\"",
        run_key
    )
    .fetch_one(&mut *db)
    .await
}

/// When a run happened, if it did.
pub async fn run_started_at(
    db: impl PgExecutor<'_>,
    run_key: &str,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select started_at from reminder_runs where run_key = $1",
        run_key
    )
    .fetch_optional(db)
    .await
}

/// Records the DM an owner gets in a run (one per owner per run: the primary key).
pub async fn add_dm(
    db: impl PgExecutor<'_>,
    run_key: &str,
    user_id: &UserId,
    item_ids: &[i64],
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into reminder_dms (run_key, user_id, item_ids) values ($1, $2, $3)
         on conflict (run_key, user_id) do nothing",
        run_key,
        user_id.as_str(),
        item_ids
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn dm(
    db: impl PgExecutor<'_>,
    run_key: &str,
    user_id: &UserId,
) -> sqlx::Result<Option<ReminderDm>> {
    let row = sqlx::query_as!(
        DmRow,
        "select run_key, user_id, item_ids, dm_channel_id, message_ts
         from reminder_dms where run_key = $1 and user_id = $2",
        run_key,
        user_id.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(ReminderDm::from))
}

/// The DM as it is in Slack, found by its message.
pub async fn dm_by_message(
    db: impl PgExecutor<'_>,
    dm_channel_id: &ChannelId,
    message_ts: &str,
) -> sqlx::Result<Option<ReminderDm>> {
    let row = sqlx::query_as!(
        DmRow,
        "select run_key, user_id, item_ids, dm_channel_id, message_ts
         from reminder_dms where dm_channel_id = $1 and message_ts = $2",
        dm_channel_id.as_str(),
        message_ts
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(ReminderDm::from))
}

/// Records where a DM went.
pub async fn record_dm(
    db: impl PgExecutor<'_>,
    run_key: &str,
    user_id: &UserId,
    dm_channel_id: &ChannelId,
    message_ts: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update reminder_dms set dm_channel_id = $3, message_ts = $4
         where run_key = $1 and user_id = $2",
        run_key,
        user_id.as_str(),
        dm_channel_id.as_str(),
        message_ts
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The user's DM channel with the bot, if known.
pub async fn dm_channel(
    db: impl PgExecutor<'_>,
    user_id: &UserId,
) -> sqlx::Result<Option<ChannelId>> {
    sqlx::query_scalar!(
        "select dm_channel_id from slack_users where user_id = $1",
        user_id.as_str()
    )
    .fetch_optional(db)
    .await
    .map(Option::flatten)
    .map(|channel| channel.map(ChannelId::from))
}

/// Remembers a user's DM channel with the bot.
pub async fn save_dm_channel(
    db: impl PgExecutor<'_>,
    user_id: &UserId,
    dm_channel_id: &ChannelId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into slack_users (user_id, dm_channel_id) values ($1, $2)
         on conflict (user_id) do update set dm_channel_id = excluded.dm_channel_id",
        user_id.as_str(),
        dm_channel_id.as_str()
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Sent DMs that list an item, to edit when it closes.
pub async fn dms_listing(
    db: impl PgExecutor<'_>,
    item_id: i64,
) -> sqlx::Result<Vec<(String, UserId)>> {
    sqlx::query!(
        "select run_key, user_id from reminder_dms
         where $1 = any(item_ids) and message_ts is not null",
        item_id
    )
    .fetch_all(db)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|row| (row.run_key, UserId::from(row.user_id)))
            .collect()
    })
}
