//! DM fan-out benchmark: one `remind` to 1,000 owners, with the fake Slack enforcing a rate
//! limit on `chat.postMessage`; compares the time to deliver every DM with the least time the
//! limit allows.
//!
//! ```sh
//! cargo build --profile dist --bin archhour
//! cargo run --profile dist --example fanout -- --owners 1000 --per-second 10
//! ```
//!
//! It starts a fake Slack (limited to `--per-second` posts in each one-second window, answering
//! the rest 429 with `Retry-After`, as Slack does), a fresh embedded Postgres and the
//! archhour built with the same profile (or `--binary`), records one open action item for each of `--owners` people, then sends
//! `/archtopic remind` and waits until every owner's DM has been accepted.

#[allow(dead_code)]
mod bench;
// Test support: the fake's routers answer many Slack methods in one long match each.
#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code, clippy::too_many_lines)]
mod fake_slack;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use bench::{
    command, free_port, own_postgres, peak_rss_kib, scratch_dir, start_archhour, stop_archhour,
    stop_postgres, wait_healthy,
};

struct Options {
    owners: usize,
    per_second: usize,
    binary: String,
}

impl Options {
    fn parse() -> anyhow::Result<Options> {
        let mut options = Options {
            owners: 1_000,
            per_second: 10,
            binary: bench::default_binary(),
        };
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let mut value = || args.next().context("a flag needs a value");
            match flag.as_str() {
                "--owners" => options.owners = value()?.parse()?,
                "--per-second" => options.per_second = value()?.parse()?,
                "--binary" => options.binary = value()?,
                other => bail!("unknown flag {other}"),
            }
        }
        Ok(options)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse()?;
    let slack = fake_slack::FakeSlack::start().await;
    let data_dir = scratch_dir()?;
    let (cluster, url) = own_postgres(&data_dir.path().join("postgres"), "fanout").await?;
    let addr = format!("127.0.0.1:{}", free_port()?);
    let archhour = start_archhour(
        &options.binary,
        &slack.api_url,
        &addr,
        data_dir.path(),
        Some(&url),
    )?;
    let result = run(&options, &slack, &addr, &url, archhour.id()).await;
    stop_archhour(archhour)?;
    stop_postgres(cluster).await?;
    result
}

/// Accepted posts into DM channels so far.
fn dms_delivered(slack: &fake_slack::FakeSlack) -> usize {
    slack
        .calls_to("chat.postMessage")
        .iter()
        .filter(|call| {
            call.succeeded && call.args["channel"].as_str().unwrap_or("").starts_with('D')
        })
        .count()
}

async fn run(
    options: &Options,
    slack: &fake_slack::FakeSlack,
    addr: &str,
    database_url: &str,
    pid: u32,
) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    wait_healthy(&client, addr).await?;
    println!(
        "recording one action item for each of {} owners",
        options.owners
    );
    for n in 0..options.owners {
        command(
            &client,
            addr,
            &format!("action <@UO{n:05}> write up finding {n}"),
        )
        .await?;
    }
    // Let the item bookkeeping drain before the limit and the clock start.
    let db = sqlx::PgPool::connect(database_url).await?;
    loop {
        let pending: i64 =
            sqlx::query_scalar("select count(*) from outbox where state = 'pending'")
                .fetch_one(&db)
                .await?;
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    slack.rate_limit("chat.postMessage", options.per_second);
    let posts_before = slack.calls_to("chat.postMessage").len();

    let started = Instant::now();
    let reply = command(&client, addr, "remind").await?;
    println!("remind answered: {}", reply["text"]);
    while dms_delivered(slack) < options.owners {
        if started.elapsed() > Duration::from_secs(3_600) {
            bail!("only {} DMs after an hour", dms_delivered(slack));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    let minimum = options.owners as f64 / options.per_second as f64;
    let attempts = slack.calls_to("chat.postMessage").len() - posts_before;
    let dead: i64 = sqlx::query_scalar("select count(*) from outbox where state = 'dead'")
        .fetch_one(&db)
        .await?;
    db.close().await;

    println!(
        "DMs delivered  {} (to {} owners)",
        dms_delivered(slack),
        options.owners
    );
    println!("limit          {} posts per second", options.per_second);
    println!("took           {:.1} s", took.as_secs_f64());
    println!("minimum        {minimum:.1} s (owners / limit)");
    println!(
        "ratio          {:.3}× the minimum",
        took.as_secs_f64() / minimum
    );
    println!(
        "post attempts  {attempts} ({} answered 429)",
        attempts - options.owners
    );
    println!("dead rows      {dead}");
    println!(
        "peak RSS       {:.1} MiB",
        peak_rss_kib(pid)? as f64 / 1024.0
    );
    if dms_delivered(slack) != options.owners || dead > 0 {
        bail!("a DM was lost or sent twice");
    }
    Ok(())
}
