//! Postgres: the one place for queries. One file per aggregate, plain functions over
//! `impl PgExecutor`; callers own transactions.

pub mod archive;
pub mod calendars;
pub mod challenges;
pub mod digests;
pub mod events;
pub mod history;
mod ids;
pub mod imports;
pub mod installations;
pub mod items;
pub mod jobs;
pub mod meetings;
pub mod memberships;
pub mod outbox;
pub mod proposals;
pub mod recounts;
pub mod reminders;
pub mod requests;
pub mod retention;
pub mod search;
pub mod settings;
pub mod topics;
pub mod users;
pub mod votes;

use sqlx::PgPool;
use sqlx::migrate::Migrator;

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Applies pending migrations. sqlx holds a Postgres advisory lock while it migrates, so two
/// processes starting at once apply each migration once.
pub async fn migrate(db: &PgPool) -> anyhow::Result<()> {
    use anyhow::Context;
    // A migration may rewrite a large table, and a second process waits for the first one's
    // migration lock: neither is bound by the pool's per-statement limits.
    let mut conn = db.acquire().await.context("connecting to migrate")?;
    for setting in ["set statement_timeout = 0", "set lock_timeout = 0"] {
        // Runtime API: the statement is a loop variable, and a `set` has no columns to check.
        sqlx::query(setting)
            .execute(&mut *conn)
            .await
            .context("lifting the time limits for migrations")?;
    }
    let migrated = MIGRATOR
        .run(&mut *conn)
        .await
        .context("applying database migrations");
    // The connection goes back to the pool: give it the pool's limits again.
    conn.close().await.ok();
    migrated
}

/// Whether Postgres answers a trivial query.
pub async fn ping(db: &PgPool) -> sqlx::Result<()> {
    // Runtime API: a liveness probe, with no table or column to check.
    sqlx::query("select 1").execute(db).await.map(|_| ())
}
