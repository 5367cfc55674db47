//! The `archhour` binary as a child process: started as an operator would, driven over HTTP,
//! and stopped gracefully or killed outright.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use archhour::slack::signature::sign;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::fake_slack::FakeSlack;
use super::postgres::TestDatabase;
use super::{CHANNEL, FORM, SIGNING_SECRET, command_body, eventually};

pub const BINARY: &str = env!("CARGO_BIN_EXE_archhour");

/// A running `archhour serve` and where it listens.
pub struct Running {
    pub child: Child,
    pub addr: String,
}

/// A test that fails part-way must not leave the process running (it would hold the test's
/// output open and keep working on a dropped database).
impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding");
    listener.local_addr().expect("address").port()
}

/// The binary as an operator would start it: no DATABASE_URL, secrets in the environment.
pub fn archhour(data_dir: &Path, slack: &FakeSlack) -> Command {
    let mut command = Command::new(BINARY);
    command
        .current_dir(data_dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ARCHHOUR_DATA_DIR", data_dir.join("data"))
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-e2e")
        .env("SLACK_API_URL", &slack.api_url)
        .env("RUST_LOG", "warn");
    command
}

/// Starts the binary on a free port and waits until `/healthz` answers.
pub async fn start_with(mut command: Command) -> Running {
    super::timing::note_test_started();
    let addr = format!("127.0.0.1:{}", free_port());
    let child = command
        .env("ARCHHOUR_ADDR", &addr)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting archhour");
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/healthz");
    eventually("archhour to answer /healthz", || async {
        let response = client.get(&url).send().await.ok()?;
        (response.status() == 200).then_some(())
    })
    .await;
    Running { child, addr }
}

/// Sends `/archtopic text` from U_ANN in the test channel, signed now; returns the reply and
/// how long it took.
pub async fn command(running: &Running, text: &str) -> (serde_json::Value, Duration) {
    command_in(running, CHANNEL, text).await
}

/// Sends `/archtopic text` from U_ANN in `channel`.
pub async fn command_in(
    running: &Running,
    channel: &str,
    text: &str,
) -> (serde_json::Value, Duration) {
    let body = command_body(channel, "U_ANN", text);
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = sign(SIGNING_SECRET.as_bytes(), &timestamp, &body);
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("http://{}/slack/commands", running.addr))
        .header("content-type", FORM)
        .header("x-slack-request-timestamp", timestamp)
        .header("x-slack-signature", signature)
        .body(body)
        .send()
        .await
        .expect("command reaches archhour");
    assert_eq!(response.status(), 200);
    let reply = response.json().await.expect("JSON reply");
    (reply, started.elapsed())
}

/// Stops the process as SIGTERM would and checks it exited cleanly. Waits off the test's
/// runtime: the fake Slack runs there, and the process may still be calling it while it stops.
pub async fn stop(mut running: Running) {
    let pid = Pid::from_raw(i32::try_from(running.child.id()).expect("pid fits"));
    kill(pid, Signal::SIGTERM).expect("signalling archhour");
    let status = tokio::task::spawn_blocking(move || running.child.wait())
        .await
        .expect("waiting for archhour")
        .expect("archhour exits");
    assert!(status.success(), "archhour exited with {status}");
}

/// Kills the process outright (`kill -9`): no shutdown, no last writes.
pub fn kill_hard(mut running: Running) {
    running.child.kill().expect("SIGKILL to archhour");
    running.child.wait().expect("archhour is reaped");
}

/// A scratch directory for the binary's own Postgres: short, under /tmp, and enterable by the
/// postgres user when tests run as root.
pub fn scratch_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("ah-e2e")
        .tempdir_in("/tmp")
        .expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

/// `archhour ARGS…` against `database`, as an operator runs the offline commands.
pub fn offline(database: &TestDatabase, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(BINARY)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database.url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("running archhour");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
