//! Vote ingestion benchmark: signed `reaction_added`/`reaction_removed` events, 10 % of them
//! redelivered, from many connections at once, against a release build of archhour on a
//! durable Postgres; then checks that the tallies equal the ground truth.
//!
//! ```sh
//! cargo build --release && cargo run --release --example loadgen -- --events 30000
//! ```
//!
//! It starts its own fake Slack and its own archhour (`target/release/archhour`) with a fresh
//! embedded Postgres under a temporary directory (or `--database-url`), proposes the topics,
//! fires the events, and prints throughput, ack latency, peak RSS and the tally check.

#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code)]
mod fake_slack;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use archhour::slack::signature::sign;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use tokio::sync::Mutex;

const SECRET: &str = "loadgen-signing-secret";
const CHANNEL: &str = "CBENCH";

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
}

impl Options {
    fn parse() -> anyhow::Result<Options> {
        let mut options = Options {
            events: 30_000,
            topics: 50,
            users: 500,
            connections: 64,
            duplicates: 0.10,
            binary: "target/release/archhour".into(),
            database_url: None,
            seed: 7,
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
    let options = Options::parse()?;
    let slack = fake_slack::FakeSlack::start().await;
    let data_dir = tempfile::Builder::new()
        .prefix("ah-bench")
        .tempdir_in("/tmp")?;
    std::fs::set_permissions(
        data_dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let addr = format!("127.0.0.1:{}", free_port()?);
    let mut archhour = start_archhour(&options, &slack, &addr, data_dir.path())?;
    let result = run(&options, &slack, &addr, &archhour).await;
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(archhour.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    archhour.wait()?;
    result
}

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
    let mut rng = rand::rngs::StdRng::seed_from_u64(options.seed);
    let base = chrono::Utc::now().timestamp_micros();
    let mut present: HashMap<(usize, usize), bool> = HashMap::new();
    let mut bodies: Vec<Vec<u8>> = Vec::with_capacity(options.events);
    for n in 0..options.events {
        let user = rng.random_range(0..options.users);
        let card = rng.random_range(0..cards.len());
        let now_present = present.entry((user, card)).or_insert(false);
        *now_present = !*now_present;
        let micros = base + n as i64;
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
    let mut deliveries: Vec<Delivery> = bodies
        .iter()
        .map(|body| Delivery {
            body: body.clone(),
            retry: false,
        })
        .collect();
    let redeliveries = (options.events as f64 * options.duplicates).round() as usize;
    for _ in 0..redeliveries {
        let body = bodies.choose(&mut rng).context("no events")?.clone();
        let at = rng.random_range(0..=deliveries.len());
        deliveries.insert(at, Delivery { body, retry: true });
    }
    let expected: HashMap<String, i64> = cards
        .iter()
        .enumerate()
        .map(|(index, (number, _))| {
            let votes = present
                .iter()
                .filter(|((_, card), on)| *card == index && **on)
                .count() as i64;
            (format!("#{number}"), votes)
        })
        .collect();

    println!(
        "sending {} deliveries ({} events + {} redeliveries) over {} connections",
        deliveries.len(),
        options.events,
        redeliveries,
        options.connections
    );
    let total = deliveries.len();
    let queue = Arc::new(Mutex::new(deliveries.into_iter()));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let started = Instant::now();
    let workers: Vec<_> = (0..options.connections)
        .map(|_| {
            let (queue, latencies, client) = (queue.clone(), latencies.clone(), client.clone());
            let url = format!("http://{addr}/slack/events");
            tokio::spawn(async move {
                let mut failures = 0usize;
                loop {
                    let Some(delivery) = queue.lock().await.next() else {
                        break;
                    };
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
    let percentile =
        |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let rss_kib = peak_rss_kib(archhour.id())?;

    let tallies = tallies(&client, addr).await?;
    let mismatches: Vec<String> = expected
        .iter()
        .filter(|(card, votes)| tallies.get(*card) != Some(votes))
        .map(|(card, votes)| format!("{card}: expected {votes}, got {:?}", tallies.get(card)))
        .collect();

    println!("deliveries/s   {:.0}", total as f64 / elapsed.as_secs_f64());
    println!("wall time      {:.2} s", elapsed.as_secs_f64());
    println!(
        "ack latency    p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
        ms(percentile(0.50)),
        ms(percentile(0.99)),
        ms(latencies[latencies.len() - 1])
    );
    println!(
        "peak RSS       {:.1} MiB (archhour, VmHWM)",
        rss_kib as f64 / 1024.0
    );
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

fn start_archhour(
    options: &Options,
    slack: &fake_slack::FakeSlack,
    addr: &str,
    data_dir: &std::path::Path,
) -> anyhow::Result<Child> {
    let binary = std::fs::canonicalize(&options.binary)
        .with_context(|| format!("{} (run `cargo build --release` first)", options.binary))?;
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ARCHHOUR_ADDR", addr)
        .env("ARCHHOUR_DATA_DIR", data_dir.join("data"))
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-loadgen")
        .env("SLACK_API_URL", &slack.api_url)
        .env("RUST_LOG", "warn")
        .current_dir(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = &options.database_url {
        command.env("DATABASE_URL", url);
    }
    command.spawn().with_context(|| {
        format!(
            "starting {} (run `cargo build --release` first)",
            options.binary
        )
    })
}

async fn wait_healthy(client: &reqwest::Client, addr: &str) -> anyhow::Result<()> {
    for _ in 0..200 {
        if let Ok(response) = client.get(format!("http://{addr}/healthz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("archhour did not become healthy")
}

async fn command(
    client: &reqwest::Client,
    addr: &str,
    text: &str,
) -> anyhow::Result<serde_json::Value> {
    let body = serde_urlencoded::to_string([
        ("team_id", "T1"),
        ("channel_id", CHANNEL),
        ("channel_name", "bench"),
        ("user_id", "UBENCH"),
        ("command", "/archtopic"),
        ("text", text),
        ("response_url", "https://example.invalid/"),
        ("trigger_id", "1.1.1"),
    ])?;
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = sign(SECRET.as_bytes(), &timestamp, body.as_bytes());
    Ok(client
        .post(format!("http://{addr}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp)
        .header("x-slack-signature", signature)
        .body(body)
        .send()
        .await?
        .json()
        .await?)
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

fn peak_rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmHWM in /proc status")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
