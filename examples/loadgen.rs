//! Vote ingestion benchmark: signed `reaction_added`/`reaction_removed` events, 10 % of them
//! redelivered, from many connections at once, against the dist build of archhour (the one
//! published) on a durable Postgres; then checks that the tallies equal the ground truth.
//!
//! ```sh
//! cargo build --profile dist --bin archhour && cargo run --profile dist --example loadgen -- --events 30000
//! ```
//!
//! It starts its own fake Slack, a fresh embedded Postgres under a temporary directory (or
//! uses `--database-url`) and its own archhour on it: the one built with the benchmark's own
//! profile (`target/dist/archhour` above), or `--binary`. Three phases:
//! 1. the raw durable insert rate of that Postgres: each event inserted by a single-statement
//!    autocommit `insert` over the same number of concurrent connections (what a handler doing
//!    one insert per request could at best reach);
//! 2. saturation: every delivery sent as fast as the connections allow;
//! 3. half of the rate phase 2 reached, paced, for the ack latency under ordinary load.
//!
//! It prints throughput and its ratio to phase 1, ack latency, peak RSS and the tally check.

#[allow(dead_code)]
mod bench;
// Test support: the fake's routers answer many Slack methods in one long match each.
#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code, clippy::too_many_lines)]
mod fake_slack;

use std::collections::HashMap;
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use archhour::slack::signature::sign;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use tokio::sync::Mutex;

use bench::{
    CHANNEL, SECRET, command, cpu_seconds, free_port, own_postgres, peak_rss_kib, scratch_dir,
    start_archhour, stop_archhour, stop_postgres, wait_healthy,
};

#[derive(Debug, Clone)]
struct Options {
    events: usize,
    topics: usize,
    users: usize,
    connections: usize,
    duplicates: f64,
    binary: String,
    database_url: Option<String>,
    seed: u64,
    /// Events in the paced phase (0 skips it).
    paced_events: usize,
}

impl Options {
    fn parse() -> anyhow::Result<Options> {
        let mut options = Options {
            events: 30_000,
            topics: 50,
            users: 500,
            connections: 64,
            duplicates: 0.10,
            binary: bench::default_binary(),
            database_url: None,
            seed: 7,
            paced_events: 20_000,
        };
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let mut value = || args.next().context("a flag needs a value");
            match flag.as_str() {
                "--events" => options.events = value()?.parse()?,
                "--topics" => options.topics = value()?.parse()?,
                "--users" => options.users = value()?.parse()?,
                "--connections" => options.connections = value()?.parse()?,
                "--duplicates" => options.duplicates = value()?.parse()?,
                "--binary" => options.binary = value()?,
                "--database-url" => options.database_url = Some(value()?),
                "--seed" => options.seed = value()?.parse()?,
                "--paced-events" => options.paced_events = value()?.parse()?,
                other => bail!("unknown flag {other}"),
            }
        }
        Ok(options)
    }
}

/// One delivery: the signed body and whether it is a redelivery.
struct Delivery {
    body: Vec<u8>,
    retry: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut options = Options::parse()?;
    let slack = fake_slack::FakeSlack::start().await;
    let data_dir = scratch_dir()?;
    let cluster = match &options.database_url {
        Some(_) => None,
        None => {
            let (cluster, url) = own_postgres(&data_dir.path().join("postgres"), "loadgen").await?;
            options.database_url = Some(url);
            Some(cluster)
        }
    };
    let addr = format!("127.0.0.1:{}", free_port()?);
    let archhour = start_archhour(
        &options.binary,
        &slack.api_url,
        &addr,
        data_dir.path(),
        options.database_url.as_deref(),
    )?;
    let result = run(&options, &slack, &addr, &archhour).await;
    stop_archhour(archhour)?;
    if let Some(cluster) = cluster {
        stop_postgres(cluster).await?;
    }
    result
}

/// The three phases against a running archhour, then the tally check.
async fn run(
    options: &Options,
    slack: &fake_slack::FakeSlack,
    addr: &str,
    archhour: &Child,
) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.connections)
        .build()?;
    wait_healthy(&client, addr).await?;
    let cards = propose_topics(&client, addr, slack, options.topics).await?;

    // The plan: each event toggles one person's vote on one card, so the final state of each
    // (person, card) is the last event's action. Ground truth follows from the plan alone.
    let mut plan = Plan {
        rng: rand::rngs::StdRng::seed_from_u64(options.seed),
        present: HashMap::new(),
        next: 0,
        base: chrono::Utc::now().timestamp_micros(),
    };
    let saturating = plan.events(options.events, options.users, &cards)?;
    let paced = plan.events(options.paced_events, options.users, &cards)?;

    println!(
        "RSS at rest    {:.1} MiB (archhour, after proposing the topics)",
        peak_rss_kib(archhour.id())? as f64 / 1024.0
    );
    let raw_rate = raw_phase(options, &saturating, archhour).await?;
    let deliveries = plan.with_redeliveries(&saturating, options.duplicates);
    let full = saturation_phase(
        &client,
        addr,
        options,
        deliveries,
        saturating.len(),
        archhour,
    )
    .await?;
    println!(
        "vs raw insert  {:.0} % (events/s {:.0} vs {raw_rate:.0})",
        100.0 * full.events_rate(saturating.len()) / raw_rate,
        full.events_rate(saturating.len())
    );
    let rss_kib = peak_rss_kib(archhour.id())?;
    println!(
        "peak RSS       {:.1} MiB (archhour, VmHWM)",
        rss_kib as f64 / 1024.0
    );
    let mut failures = full.failures;

    if !paced.is_empty() {
        let deliveries = plan.with_redeliveries(&paced, options.duplicates);
        let rate = full.rate() / 2.0;
        println!(
            "phase 3: {} deliveries paced at {rate:.0}/s (half of saturation)",
            deliveries.len()
        );
        let half = send(&client, addr, deliveries, options.connections, Some(rate)).await?;
        half.print();
        failures += half.failures;
    }
    check_tallies(&client, addr, &plan, &cards, failures).await
}

/// Phase 1: the raw durable insert rate of the same events, per second.
async fn raw_phase(
    options: &Options,
    saturating: &[Vec<u8>],
    archhour: &Child,
) -> anyhow::Result<f64> {
    let database_url = options.database_url.as_deref().context("a database")?;
    println!(
        "phase 1: {} single-statement inserts over {} connections",
        saturating.len(),
        options.connections
    );
    let raw_rate =
        raw_insert_rate(database_url, options.connections, saturating, archhour.id()).await?;
    println!("raw inserts/s  {raw_rate:.0}");
    Ok(raw_rate)
}

/// Phase 2: every delivery (`events` of them first deliveries) as fast as the connections
/// allow, with the CPU each event cost.
async fn saturation_phase(
    client: &reqwest::Client,
    addr: &str,
    options: &Options,
    deliveries: Vec<Delivery>,
    events: usize,
    archhour: &Child,
) -> anyhow::Result<Phase> {
    println!(
        "phase 2: {} deliveries ({} events + {} redeliveries) over {} connections, unpaced",
        deliveries.len(),
        events,
        deliveries.len() - events,
        options.connections
    );
    let before = cpu_seconds(archhour.id())?;
    let full = send(client, addr, deliveries, options.connections, None).await?;
    print_cpu(before, cpu_seconds(archhour.id())?, events);
    full.print();
    Ok(full)
}

/// Compares archhour's tallies with the plan's ground truth; errs when one is wrong or a
/// delivery was not acknowledged.
async fn check_tallies(
    client: &reqwest::Client,
    addr: &str,
    plan: &Plan,
    cards: &[(i32, String)],
    failures: usize,
) -> anyhow::Result<()> {
    let expected = plan.expected(cards);
    let tallies = tallies(client, addr).await?;
    let mismatches: Vec<String> = expected
        .iter()
        .filter(|(card, votes)| tallies.get(*card) != Some(votes))
        .map(|(card, votes)| format!("{card}: expected {votes}, got {:?}", tallies.get(card)))
        .collect();
    println!("non-2xx        {failures}");
    println!(
        "tallies        {} cards, {} votes expected, {}",
        expected.len(),
        expected.values().sum::<i64>(),
        if mismatches.is_empty() {
            "all exact".to_string()
        } else {
            format!("{} wrong: {:?}", mismatches.len(), mismatches)
        }
    );
    if !mismatches.is_empty() || failures > 0 {
        bail!("the tallies or acknowledgements were wrong");
    }
    Ok(())
}

/// CPU time per event of archhour, Postgres and this load generator between two readings.
fn print_cpu(before: [f64; 3], after: [f64; 3], events: usize) {
    let per_event = |n: usize| (after[n] - before[n]) * 1e6 / events as f64;
    println!(
        "CPU per event  archhour {:.0} µs · postgres {:.0} µs · load generator {:.0} µs",
        per_event(0),
        per_event(1),
        per_event(2)
    );
}

/// The events to send and the votes they leave.
struct Plan {
    rng: rand::rngs::StdRng,
    /// Whether each (person, card) has the vote after the events so far.
    present: HashMap<(usize, usize), bool>,
    next: usize,
    base: i64,
}

impl Plan {
    /// `count` more events, each toggling one person's vote on one card.
    fn events(
        &mut self,
        count: usize,
        users: usize,
        cards: &[(i32, String)],
    ) -> anyhow::Result<Vec<Vec<u8>>> {
        let mut bodies = Vec::with_capacity(count);
        for _ in 0..count {
            let n = self.next;
            self.next += 1;
            let user = self.rng.random_range(0..users);
            let card = self.rng.random_range(0..cards.len());
            let now_present = self.present.entry((user, card)).or_insert(false);
            *now_present = !*now_present;
            let micros = self.base + n as i64;
            let body = serde_json::json!({
                "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                "event_id": format!("EvB{n:08}"), "event_time": micros / 1_000_000,
                "event": {
                    "type": if *now_present { "reaction_added" } else { "reaction_removed" },
                    "user": format!("U{user:05}"), "reaction": "+1", "item_user": "U0",
                    "item": {"type": "message", "channel": CHANNEL, "ts": cards[card].1},
                    "event_ts": format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
                }
            });
            bodies.push(serde_json::to_vec(&body)?);
        }
        Ok(bodies)
    }

    /// The events, with a share of them sent again (as Slack's retries) at random points.
    fn with_redeliveries(&mut self, bodies: &[Vec<u8>], share: f64) -> Vec<Delivery> {
        let mut deliveries: Vec<Delivery> = bodies
            .iter()
            .map(|body| Delivery {
                body: body.clone(),
                retry: false,
            })
            .collect();
        let redeliveries = (bodies.len() as f64 * share).round() as usize;
        for _ in 0..redeliveries {
            if let Some(body) = bodies.choose(&mut self.rng) {
                let at = self.rng.random_range(0..=deliveries.len());
                deliveries.insert(
                    at,
                    Delivery {
                        body: body.clone(),
                        retry: true,
                    },
                );
            }
        }
        deliveries
    }

    /// Votes per card (`#N`) after every event planned.
    fn expected(&self, cards: &[(i32, String)]) -> HashMap<String, i64> {
        cards
            .iter()
            .enumerate()
            .map(|(index, (number, _))| {
                let votes = self
                    .present
                    .iter()
                    .filter(|((_, card), on)| *card == index && **on)
                    .count() as i64;
                (format!("#{number}"), votes)
            })
            .collect()
    }
}

/// What one phase of sending measured.
struct Phase {
    deliveries: usize,
    elapsed: Duration,
    /// Sorted.
    latencies: Vec<Duration>,
    failures: usize,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.deliveries as f64 / self.elapsed.as_secs_f64()
    }

    fn events_rate(&self, events: usize) -> f64 {
        events as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let last = self.latencies.len() - 1;
        self.latencies[((self.latencies.len() as f64 * p) as usize).min(last)]
    }

    fn print(&self) {
        println!("deliveries/s   {:.0}", self.rate());
        println!("wall time      {:.2} s", self.elapsed.as_secs_f64());
        println!(
            "ack latency    p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
            ms(self.percentile(0.50)),
            ms(self.percentile(0.99)),
            ms(self.latencies[self.latencies.len() - 1])
        );
    }
}

/// Sends every delivery over `connections` concurrent connections, as fast as they go or, with
/// `rate`, each no earlier than its turn at that many per second.
async fn send(
    client: &reqwest::Client,
    addr: &str,
    deliveries: Vec<Delivery>,
    connections: usize,
    rate: Option<f64>,
) -> anyhow::Result<Phase> {
    let total = deliveries.len();
    let queue = Arc::new(Mutex::new(deliveries.into_iter().enumerate()));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let started = tokio::time::Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (queue, latencies, client) = (queue.clone(), latencies.clone(), client.clone());
            let url = format!("http://{addr}/slack/events");
            tokio::spawn(async move {
                let mut failures = 0usize;
                loop {
                    let Some((index, delivery)) = queue.lock().await.next() else {
                        break;
                    };
                    if let Some(rate) = rate {
                        let turn = Duration::from_secs_f64(index as f64 / rate);
                        tokio::time::sleep_until(started + turn).await;
                    }
                    let timestamp = chrono::Utc::now().timestamp().to_string();
                    let signature = sign(SECRET.as_bytes(), &timestamp, &delivery.body);
                    let mut request = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .header("x-slack-request-timestamp", timestamp)
                        .header("x-slack-signature", signature)
                        .body(delivery.body);
                    if delivery.retry {
                        request = request.header("x-slack-retry-num", "1");
                    }
                    let sent = Instant::now();
                    let ok = request
                        .send()
                        .await
                        .map(|response| response.status().is_success())
                        .unwrap_or(false);
                    latencies.lock().await.push(sent.elapsed());
                    if !ok {
                        failures += 1;
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = 0;
    for worker in workers {
        failures += worker.await?;
    }
    let elapsed = started.elapsed();
    let mut latencies = latencies.lock().await.clone();
    latencies.sort();
    Ok(Phase {
        deliveries: total,
        elapsed,
        latencies,
        failures,
    })
}

/// The rate at which this Postgres durably stores the events with one single-statement
/// autocommit insert each, over `connections` connections at once.
async fn raw_insert_rate(
    url: &str,
    connections: usize,
    bodies: &[Vec<u8>],
    archhour: u32,
) -> anyhow::Result<f64> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(connections as u32)
        .min_connections(connections as u32)
        .connect(url)
        .await?;
    sqlx::query(
        "create table if not exists loadgen_raw_events (
             event_id text primary key, payload jsonb not null, received_at timestamptz not null)",
    )
    .execute(&pool)
    .await?;
    sqlx::query("truncate loadgen_raw_events")
        .execute(&pool)
        .await?;
    let rows: Vec<(String, String)> = bodies
        .iter()
        .enumerate()
        .map(|(n, body)| {
            (
                format!("EvR{n:08}"),
                String::from_utf8_lossy(body).into_owned(),
            )
        })
        .collect();
    let queue = Arc::new(Mutex::new(rows.into_iter()));
    // Read while the pool's backends are alive: a process that has exited has no CPU to read.
    let cpu_before = cpu_seconds(archhour)?;
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (queue, pool) = (queue.clone(), pool.clone());
            tokio::spawn(async move {
                loop {
                    let Some((id, payload)) = queue.lock().await.next() else {
                        return Ok::<(), sqlx::Error>(());
                    };
                    sqlx::query("insert into loadgen_raw_events values ($1, $2::jsonb, now())")
                        .bind(id)
                        .bind(payload)
                        .execute(&pool)
                        .await?;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    let rate = bodies.len() as f64 / started.elapsed().as_secs_f64();
    print_cpu(cpu_before, cpu_seconds(archhour)?, bodies.len());
    sqlx::query("drop table loadgen_raw_events")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(rate)
}

/// Proposes the topics and learns each card's ts from the fake Slack, in posting order.
async fn propose_topics(
    client: &reqwest::Client,
    addr: &str,
    slack: &fake_slack::FakeSlack,
    count: usize,
) -> anyhow::Result<Vec<(i32, String)>> {
    for n in 0..count {
        command(client, addr, &format!("[discuss] Benchmark topic {n}")).await?;
    }
    for _ in 0..600 {
        let posts = slack.calls_to("chat.postMessage");
        if posts.len() >= count {
            return posts
                .iter()
                .enumerate()
                .map(|(index, call)| {
                    let text = call.args["text"].as_str().context("card text")?;
                    let number = text
                        .trim_start_matches('#')
                        .split(' ')
                        .next()
                        .context("card number")?
                        .parse()?;
                    Ok((number, format!("1700000000.{:06}", index + 1)))
                })
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the cards were not posted")
}

/// Counted votes per topic, read from the agenda `list` shows.
async fn tallies(client: &reqwest::Client, addr: &str) -> anyhow::Result<HashMap<String, i64>> {
    let reply = command(client, addr, "list").await?;
    let mut tallies = HashMap::new();
    for block in reply["blocks"].as_array().context("agenda blocks")? {
        for line in block["text"]["text"].as_str().unwrap_or("").lines() {
            let Some((_, rest)) = line.split_once("*#") else {
                continue;
            };
            let number = rest.split('*').next().unwrap_or("");
            let votes = line
                .split(" · ")
                .find(|part| part.ends_with(" votes") || part.ends_with(" vote"))
                .and_then(|part| part.split(' ').next())
                .and_then(|n| n.parse::<i64>().ok());
            if let Some(votes) = votes {
                tallies.insert(format!("#{number}"), votes);
            }
        }
    }
    Ok(tallies)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
