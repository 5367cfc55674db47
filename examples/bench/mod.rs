//! What the benchmarks share: a fresh embedded Postgres, an optimised `archhour` started
//! against it and a fake Slack, signed commands, and the process measurements.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use archhour::database::embedded::EmbeddedPostgres;
use archhour::slack::signature::sign;
use sqlx::{ConnectOptions, Connection};

pub const SECRET: &str = "loadgen-signing-secret";
pub const CHANNEL: &str = "CBENCH";

/// A scratch directory under /tmp that the `postgres` user can enter when we run as root.
pub fn scratch_dir() -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("ah-bench")
        .tempdir_in("/tmp")?;
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    Ok(dir)
}

/// The `archhour` built with the same profile as the running benchmark (`target/<profile>/`,
/// the parent of its `examples/`): `cargo run --profile dist --example …` measures the dist
/// build, the one published and packaged.
pub fn default_binary() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|example| Some(example.parent()?.parent()?.join("archhour")))
        .map_or_else(
            || "target/dist/archhour".into(),
            |path| path.display().to_string(),
        )
}

/// What to do when the binary is missing.
const BUILD_IT: &str = "build it with the benchmark's profile first: `cargo build --profile dist --bin archhour`, or pass --binary";

/// Starts a fresh embedded Postgres under `root` and makes database `name` in it; returns the
/// cluster (stop it when done) and the database's URL.
pub async fn own_postgres(root: &Path, name: &str) -> anyhow::Result<(EmbeddedPostgres, String)> {
    let root = root.to_path_buf();
    let cluster = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&root)).await??;
    let mut conn = sqlx::PgConnection::connect_with(&cluster.connect_options("postgres")).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let url = cluster.connect_options(name).to_url_lossy().to_string();
    Ok((cluster, url))
}

/// Stops a cluster from [`own_postgres`].
pub async fn stop_postgres(cluster: EmbeddedPostgres) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || cluster.stop()).await?
}

/// Starts the binary on `addr`, on `database_url` or (without one) its own embedded
/// Postgres under `data_dir/data`.
pub fn start_archhour(
    binary: &str,
    slack_api_url: &str,
    addr: &str,
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<Child> {
    let path = std::fs::canonicalize(binary).with_context(|| format!("{binary} ({BUILD_IT})"))?;
    let mut command = Command::new(path);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ARCHHOUR_ADDR", addr)
        .env("ARCHHOUR_DATA_DIR", data_dir.join("data"))
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-test-token")
        .env("SLACK_API_URL", slack_api_url)
        .env("RUST_LOG", "warn")
        .env(
            "MALLOC_ARENA_MAX",
            std::env::var("MALLOC_ARENA_MAX").unwrap_or_default(),
        )
        .current_dir(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command
        .spawn()
        .with_context(|| format!("starting {binary} ({BUILD_IT})"))
}

/// Stops the binary as SIGTERM would and waits for it.
pub fn stop_archhour(mut archhour: Child) -> anyhow::Result<()> {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(archhour.id())?);
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
    archhour.wait()?;
    Ok(())
}

/// Waits until `/healthz` answers 200, looking every 5 ms (so start-up times are exact to
/// that), for up to 30 s.
pub async fn wait_healthy(client: &reqwest::Client, addr: &str) -> anyhow::Result<()> {
    for _ in 0..6_000 {
        if let Ok(response) = client.get(format!("http://{addr}/healthz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    bail!("archhour did not become healthy")
}

/// Sends `/archtopic text` from `user` in the bench channel, signed now.
pub async fn command_as(
    client: &reqwest::Client,
    addr: &str,
    user: &str,
    text: &str,
) -> anyhow::Result<serde_json::Value> {
    let trigger = format!("1.{}.{}", user, rand::random::<u64>());
    let body = serde_urlencoded::to_string([
        ("team_id", "T1"),
        ("channel_id", CHANNEL),
        ("channel_name", "bench"),
        ("user_id", user),
        ("command", "/archtopic"),
        ("text", text),
        ("response_url", "https://example.invalid/"),
        ("trigger_id", trigger.as_str()),
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

/// `/archtopic text` from the bench's usual user.
pub async fn command(
    client: &reqwest::Client,
    addr: &str,
    text: &str,
) -> anyhow::Result<serde_json::Value> {
    command_as(client, addr, "UBENCH", text).await
}

/// The process's peak resident set (VmHWM), in KiB.
pub fn peak_rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmHWM in /proc status")
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// CPU seconds (user + system) used so far by archhour (`pid`), by every `postgres` process,
/// and by this process.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<[f64; 3]> {
    let ticks = |stat: &str| -> Option<f64> {
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let user: f64 = fields.get(11)?.parse().ok()?;
        let system: f64 = fields.get(12)?.parse().ok()?;
        Some((user + system) / 100.0)
    };
    let read = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok();
    let archhour = read(&pid.to_string())
        .and_then(|s| ticks(&s))
        .unwrap_or(0.0);
    let own = read("self").and_then(|s| ticks(&s)).unwrap_or(0.0);
    let mut postgres = 0.0;
    for entry in std::fs::read_dir("/proc")? {
        let name = entry?.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        else {
            continue;
        };
        if let Some(stat) = read(pid)
            && stat.contains("(postgres)")
        {
            postgres += ticks(&stat).unwrap_or(0.0);
        }
    }
    Ok([archhour, postgres, own])
}
