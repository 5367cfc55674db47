//! Retention benchmark: 1,000,000 old `slack_events` rows pruned by the retention job's own
//! loop (`usecases::retention::prune`), while one connection watches the pruner from Postgres's
//! side and another keeps writing new event ids, as the bot would.
//!
//! ```sh
//! cargo run --release --example retention_bench
//! cargo run --release --example retention_bench -- --rows 1000000 --batch-rows 5000
//! ```
//!
//! It prints each batch's longest time (measured by the loop), the longest transaction the
//! pruner had open and the lock waits Postgres showed (sampled from `pg_stat_activity` and
//! `pg_locks` every millisecond or so), and the slowest insert of the concurrent writer. A
//! lock is never held longer than the transaction that took it.
//!
//! Uses the Postgres at `--database-url` (it creates and drops a database
//! `archhour_retentionbench` there) or, without one, an embedded cluster under
//! /tmp/archhour-retentionbench.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use archhour::config::RetentionSettings;
use archhour::database::embedded::EmbeddedPostgres;
use archhour::metrics::Metrics;
use archhour::{store, usecases};
use chrono::{TimeZone, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

const PRUNER: &str = "retention-bench-pruner";

struct Options {
    rows: i64,
    batch_rows: i64,
    database_url: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        rows: 1_000_000,
        batch_rows: RetentionSettings::default().batch_rows,
        database_url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().context("a flag needs a value");
        match flag.as_str() {
            "--rows" => options.rows = value()?.parse()?,
            "--batch-rows" => options.batch_rows = value()?.parse()?,
            "--database-url" => options.database_url = Some(value()?),
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(options)
}

/// What the watcher saw of the pruner.
#[derive(Debug, Default)]
struct Watched {
    samples: u64,
    /// The longest the pruner's open transaction had run when sampled.
    longest_transaction: Duration,
    /// Samples in which some backend waited for a lock.
    lock_waits: u64,
}

/// What the concurrent writer saw.
#[derive(Debug, Default)]
struct Written {
    inserts: u64,
    slowest: Duration,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let mut cluster = None;
    let admin: PgConnectOptions = match &options.database_url {
        Some(url) => url.parse()?,
        None => {
            let started =
                EmbeddedPostgres::start(std::path::Path::new("/tmp/archhour-retentionbench"))?;
            let admin = started.connect_options("postgres");
            cluster = Some(started);
            admin
        }
    };
    let mut conn = PgConnection::connect_with(&admin).await?;
    sqlx::query("drop database if exists archhour_retentionbench with (force)")
        .execute(&mut conn)
        .await?;
    sqlx::query("create database archhour_retentionbench")
        .execute(&mut conn)
        .await?;
    let options_db = admin.clone().database("archhour_retentionbench");
    let db = PgPool::connect_with(options_db.clone()).await?;
    store::migrate(&db).await?;

    let now = Utc
        .with_ymd_and_hms(2026, 11, 18, 9, 0, 0)
        .single()
        .context("time")?;
    let started = Instant::now();
    seed(&db, options.rows, now).await?;
    println!(
        "seeded {} old event ids (and 10,000 recent ones) in {:.1} s",
        options.rows,
        started.elapsed().as_secs_f64()
    );

    let measured = measure(options_db, options.batch_rows, now).await?;
    let left: i64 = sqlx::query_scalar("select count(*) from slack_events")
        .fetch_one(&db)
        .await?;
    report(&measured, options.batch_rows, left);

    db.close().await;
    sqlx::query("drop database if exists archhour_retentionbench with (force)")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    if let Some(cluster) = cluster {
        cluster.stop()?;
    }
    Ok(())
}

/// What one pruning run did and what was seen meanwhile.
struct Measured {
    pruned: usecases::retention::Pruned,
    took: Duration,
    watched: Watched,
    written: Written,
}

/// Prunes event ids older than two days before `now` with the job's loop, on a connection of
/// its own, while [`watch`] and [`write`] run beside it.
async fn measure(
    options_db: PgConnectOptions,
    batch_rows: i64,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<Measured> {
    let pruner = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options_db.clone().application_name(PRUNER))
        .await?;
    let done = Arc::new(AtomicBool::new(false));
    let watcher = tokio::spawn(watch(options_db.clone(), done.clone()));
    let writer = tokio::spawn(write(options_db, done.clone()));
    let settings = RetentionSettings {
        outbox_done: None,
        outbox_dead: None,
        jobs: None,
        batch_rows,
        run_budget: Duration::from_secs(3600),
        ..RetentionSettings::default()
    };
    let metrics = Metrics::default();
    let started = Instant::now();
    let pruned = usecases::retention::prune(&pruner, &settings, now, &metrics.retention).await;
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let watched = watcher.await??;
    let written = writer.await??;
    pruner.close().await;
    Ok(Measured {
        pruned: pruned?,
        took,
        watched,
        written,
    })
}

fn report(measured: &Measured, batch_rows: i64, left: i64) {
    let Measured {
        pruned,
        took,
        watched,
        written,
    } = measured;
    println!(
        "pruned {} rows in {} batches of up to {batch_rows} in {:.1} s ({:.0} rows/s); {left} rows left",
        pruned.slack_events,
        pruned.batches,
        took.as_secs_f64(),
        pruned.slack_events as f64 / took.as_secs_f64()
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| longest batch (its transaction, timed by the loop) | {:.1} ms |",
        ms(pruned.longest_batch)
    );
    println!(
        "| longest pruner transaction seen in pg_stat_activity ({} samples) | {:.1} ms |",
        watched.samples,
        ms(watched.longest_transaction)
    );
    println!(
        "| samples with a backend waiting for a lock | {} |",
        watched.lock_waits
    );
    println!(
        "| concurrent writer: inserts, slowest | {}, {:.1} ms |",
        written.inserts,
        ms(written.slowest)
    );
}

/// `rows` event ids received over the year before the horizon (3 days to a year and 3 days
/// before `now`), then 10,000 within the last day, as a year of a busy workspace would leave
/// them; vacuumed and analysed as autovacuum would have.
async fn seed(db: &PgPool, rows: i64, now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query(
        "insert into slack_events (event_id, received_at)
         select 'EvOld' || lpad(i::text, 9, '0'),
                $2 - interval '3 days' - make_interval(secs => (i * 31536000.0 / $1))
         from generate_series(1, $1) i",
    )
    .bind(rows)
    .bind(now)
    .execute(db)
    .await?;
    sqlx::query(
        "insert into slack_events (event_id, received_at)
         select 'EvNew' || i, $1 - make_interval(secs => i) from generate_series(1, 10000) i",
    )
    .bind(now)
    .execute(db)
    .await?;
    sqlx::query("vacuum analyze slack_events")
        .execute(db)
        .await?;
    if let Err(error) = sqlx::query("checkpoint").execute(db).await {
        eprintln!("skipping the checkpoint: {error}");
    }
    Ok(())
}

/// Samples the pruner's open transaction and any lock wait until `done`.
async fn watch(options: PgConnectOptions, done: Arc<AtomicBool>) -> anyhow::Result<Watched> {
    let mut conn = PgConnection::connect_with(&options).await?;
    let mut watched = Watched::default();
    while !done.load(Ordering::Relaxed) {
        let (open_micros, waiting): (Option<i64>, i64) = sqlx::query_as(
            "select (select max((extract(epoch from clock_timestamp() - xact_start)
                                 * 1000000)::bigint)
                     from pg_stat_activity
                     where application_name = $1 and xact_start is not null),
                    (select count(*) from pg_locks where not granted)",
        )
        .bind(PRUNER)
        .fetch_one(&mut conn)
        .await?;
        watched.samples += 1;
        if let Some(micros) = open_micros {
            let open = Duration::from_micros(u64::try_from(micros).unwrap_or(0));
            watched.longest_transaction = watched.longest_transaction.max(open);
        }
        if waiting > 0 {
            watched.lock_waits += 1;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(watched)
}

/// Records new event ids one at a time, as the bot does for each event, until `done`.
async fn write(options: PgConnectOptions, done: Arc<AtomicBool>) -> anyhow::Result<Written> {
    let mut conn = PgConnection::connect_with(&options).await?;
    let mut written = Written::default();
    let now = Utc::now();
    while !done.load(Ordering::Relaxed) {
        let id = format!("EvLive{}", written.inserts);
        let started = Instant::now();
        store::events::record_new(&mut conn, std::slice::from_ref(&id), now).await?;
        written.slowest = written.slowest.max(started.elapsed());
        written.inserts += 1;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(written)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
