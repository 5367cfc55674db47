//! What the `archhour` binary writes to stderr while it serves: one JSON object per line with
//! `ARCHHOUR_LOG_FORMAT=json`, and text without colour codes when stderr is not a terminal.

use std::process::Stdio;

use chrono::DateTime;
use serde_json::Value;

use crate::support::eventually;
use crate::support::fake_slack::FakeSlack;
use crate::support::postgres::TestDatabase;
use crate::support::process::{archhour, free_port};

/// Runs `archhour serve` with `format` (unset: the default) and stderr piped, and makes it log
/// an error at start (the token lacks a scope), a warning while answering a request (an
/// unsigned one, refused), and its start and stop; returns all it wrote to stderr.
async fn serve_and_capture_stderr(format: Option<&str>) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let slack = FakeSlack::start().await;
    let granted: Vec<&str> = archhour::slack::sign_in::needed_scopes()
        .into_iter()
        .filter(|scope| *scope != "channels:join")
        .collect();
    slack.grant_scopes(&granted);
    let database = TestDatabase::create().await;
    let addr = format!("127.0.0.1:{}", free_port());
    let mut command = archhour(dir.path(), &slack);
    command
        .env("DATABASE_URL", database.url())
        .env("ARCHHOUR_ADDR", &addr)
        .env("RUST_LOG", "archhour=info,warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(format) = format {
        command.env("ARCHHOUR_LOG_FORMAT", format);
    }
    let child = command.spawn().expect("starting archhour");
    let client = reqwest::Client::new();
    // Signed in (`/healthz` answers 200): the scopes have been checked.
    eventually("archhour to sign in", || async {
        let response = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .ok()?;
        (response.status() == 200).then_some(())
    })
    .await;
    let unsigned = client
        .post(format!("http://{addr}/slack/commands"))
        .header("content-type", crate::support::FORM)
        .body("text=help")
        .send()
        .await
        .expect("the request reaches archhour");
    assert_eq!(unsigned.status(), 401);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid")),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("signalling archhour");
    // Off the test's runtime: the fake Slack runs there.
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("waiting")
        .expect("archhour's output");
    assert!(output.status.success(), "archhour stopped when told");
    String::from_utf8(output.stderr).expect("stderr is UTF-8")
}

/// The one line whose message starts with `start`.
fn line_starting<'a>(lines: &'a [Value], start: &str) -> &'a Value {
    let found: Vec<&Value> = lines
        .iter()
        .filter(|line| {
            line["fields"]["message"]
                .as_str()
                .is_some_and(|message| message.starts_with(start))
        })
        .collect();
    assert_eq!(found.len(), 1, "lines starting `{start}` in {lines:#?}");
    found[0]
}

#[tokio::test]
async fn json_logs_are_one_object_per_line_with_level_target_fields_and_spans() {
    let stderr = serve_and_capture_stderr(Some("json")).await;
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    for line in &lines {
        let timestamp = line["timestamp"].as_str().expect("a timestamp");
        DateTime::parse_from_rfc3339(timestamp)
            .unwrap_or_else(|e| panic!("timestamp `{timestamp}` is not RFC 3339: {e}"));
        assert!(
            ["ERROR", "WARN", "INFO"].contains(&line["level"].as_str().expect("a level")),
            "{line}"
        );
        assert!(line["target"].as_str().is_some(), "a target: {line}");
        assert!(line["fields"]["message"].as_str().is_some(), "{line}");
    }

    let started = line_starting(&lines, "archhour is listening");
    assert_eq!(started["level"], "INFO");
    assert_eq!(started["target"], "archhour::app");
    assert_eq!(started["fields"]["slack"], "HTTP");
    assert_eq!(started["fields"]["version"], env!("CARGO_PKG_VERSION"));

    let lacking = line_starting(&lines, "the bot token lacks scopes");
    assert_eq!(lacking["level"], "ERROR");
    assert_eq!(lacking["target"], "archhour::app");
    assert_eq!(lacking["fields"]["missing"], "channels:join");

    // Logged while answering the request: its span names it.
    let refused = line_starting(&lines, "refused a request that failed Slack signature");
    assert_eq!(refused["level"], "WARN");
    assert_eq!(refused["target"], "archhour::http::slack");
    assert_eq!(refused["span"]["name"], "request");
    assert_eq!(refused["span"]["method"], "POST");
    assert_eq!(refused["span"]["route"], "/slack/commands");
    assert_eq!(refused["spans"][0]["route"], "/slack/commands");

    let stopping = line_starting(&lines, "shutting down");
    assert_eq!(stopping["level"], "INFO");
}

#[tokio::test]
async fn text_logs_written_to_a_pipe_have_no_colour_codes() {
    let stderr = serve_and_capture_stderr(None).await;
    assert!(!stderr.contains("\x1b["), "colour codes in:\n{stderr}");
    for expected in [
        " INFO archhour::app: archhour is listening",
        " ERROR archhour::app: the bot token lacks scopes",
        " WARN request{method=POST route=/slack/commands}: archhour::http::slack: refused a request that failed Slack signature verification",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
}
