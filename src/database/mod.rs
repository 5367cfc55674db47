//! Opening the database: the one at `DATABASE_URL`, or archhour's own embedded cluster.

pub mod backup;
pub mod binaries;
pub mod embedded;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::{DatabaseConfig, expose_url};
use embedded::EmbeddedPostgres;

/// An open pool, and the embedded cluster behind it when there is one.
#[derive(Debug)]
pub struct Database {
    pub pool: PgPool,
    embedded: Option<EmbeddedPostgres>,
}

/// Pool settings shared by every way of connecting. Requests must be answered within Slack's
/// 3 seconds, so waiting for a connection gives up well before that. Every connection also
/// gives up on a statement or a lock after a minute and ends a transaction left idle for two,
/// so nothing stuck (a forgotten `lock table`, a hung client) holds a connection forever; the
/// vote batch waits far less for its locks (`apply_votes`, migrations/0016).
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(2))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for setting in [
                    "set statement_timeout = '60s'",
                    "set lock_timeout = '60s'",
                    "set idle_in_transaction_session_timeout = '120s'",
                ] {
                    // Runtime API: the statement is a loop variable, and a `set` has no columns.
                    sqlx::query(setting).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
}

/// A pool of `connections` beside `main`, to the same database with the same settings, for the
/// vote batches: no ping before each use, which would be a round trip on top of the batch's one
/// statement. A connection that broke (the server restarted) fails the batch's statement and is
/// dropped when returned (sqlx pings on release); the batcher retries on another.
pub fn vote_batch_pool(main: &PgPool, connections: u32) -> PgPool {
    pool_options()
        .max_connections(connections)
        .test_before_acquire(false)
        .connect_lazy_with((*main.connect_options()).clone())
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts the embedded cluster and connects to it.
    pub async fn open(config: &DatabaseConfig) -> anyhow::Result<Database> {
        match &config.url {
            Some(url) => {
                let options = PgConnectOptions::from_str(expose_url(url))
                    .context("DATABASE_URL is not a valid Postgres URL")?;
                let pool = pool_options()
                    .connect_with(options)
                    .await
                    .context("connecting to the database at DATABASE_URL")?;
                Ok(Database {
                    pool,
                    embedded: None,
                })
            }
            None => {
                let data_dir = config.data_dir.clone();
                let cluster =
                    tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&data_dir))
                        .await
                        .context("the embedded Postgres start task failed")??;
                tracing::info!(
                    data_dir = %config.data_dir.display(),
                    "DATABASE_URL is not set: using archhour's own Postgres"
                );
                create_database_if_missing(&cluster, embedded::DATABASE).await?;
                let pool = pool_options()
                    .connect_with(cluster.connect_options(embedded::DATABASE))
                    .await
                    .context("connecting to the embedded Postgres")?;
                Ok(Database {
                    pool,
                    embedded: Some(cluster),
                })
            }
        }
    }

    /// Closes the pool and stops the embedded cluster if this process started it.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            tokio::task::spawn_blocking(move || cluster.stop())
                .await
                .context("the embedded Postgres stop task failed")??;
        }
        Ok(())
    }
}

/// Creates `name` in the cluster unless it exists; a concurrent creator winning is fine.
pub async fn create_database_if_missing(
    cluster: &EmbeddedPostgres,
    name: &str,
) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect_with(&cluster.connect_options("postgres"))
        .await
        .context("connecting to the embedded Postgres")?;
    let exists: bool = sqlx::query_scalar!(
        "select exists (select 1 from pg_database where datname = $1) as \"exists!\"",
        name
    )
    .fetch_one(&mut admin)
    .await?;
    if !exists {
        let create = format!("create database \"{}\"", name.replace('"', "\"\""));
        // Runtime API: the statement names the database, so it is built at run time.
        match sqlx::query(sqlx::AssertSqlSafe(create))
            .execute(&mut admin)
            .await
        {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e).context("creating the archhour database"),
        }
    }
    admin.close().await.ok();
    Ok(())
}
