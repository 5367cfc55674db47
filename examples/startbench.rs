//! Start-up benchmark: how long the dist binary takes from `exec` to answering `/healthz`
//! with its own embedded Postgres, the first time (initdb included: cold) and then again on the
//! same data directory (warm).
//!
//! ```sh
//! cargo build --profile dist --bin archhour && cargo run --profile dist --example startbench -- --runs 5
//! ```
//!
//! Each run uses a fresh data directory for the cold start, then stops archhour (which stops
//! its Postgres) and starts it again on the same directory for the warm start.

#[allow(dead_code)]
mod bench;
// Test support: the fake's routers answer many Slack methods in one long match each.
#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code, clippy::too_many_lines)]
mod fake_slack;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use bench::{free_port, scratch_dir, start_archhour, stop_archhour, wait_healthy};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut runs = 5;
    let mut binary = bench::default_binary();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().context("a flag needs a value");
        match flag.as_str() {
            "--runs" => runs = value()?.parse()?,
            "--binary" => binary = value()?,
            other => bail!("unknown flag {other}"),
        }
    }
    let slack = fake_slack::FakeSlack::start().await;
    let client = reqwest::Client::new();
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let dir = scratch_dir()?;
        let start = || async {
            let addr = format!("127.0.0.1:{}", free_port()?);
            let started = Instant::now();
            let child = start_archhour(&binary, &slack.api_url, &addr, dir.path(), None)?;
            wait_healthy(&client, &addr).await?;
            let took = started.elapsed();
            stop_archhour(child)?;
            Ok::<Duration, anyhow::Error>(took)
        };
        let first = start().await?;
        let second = start().await?;
        println!(
            "run {run}: cold {:.0} ms, warm {:.0} ms",
            ms(first),
            ms(second)
        );
        cold.push(first);
        warm.push(second);
    }
    cold.sort();
    warm.sort();
    println!(
        "cold start     median {:.0} ms, worst {:.0} ms",
        ms(cold[cold.len() / 2]),
        ms(cold[cold.len() - 1])
    );
    println!(
        "warm start     median {:.0} ms, worst {:.0} ms",
        ms(warm[warm.len() / 2]),
        ms(warm[warm.len() - 1])
    );
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
