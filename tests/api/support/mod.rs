//! The test harness: the real app on a random port, a fresh database, a recording fake Slack,
//! and a clock the test moves.

pub mod fake_slack;
pub mod postgres;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use archhour::clock::ManualClock;
use archhour::config::{Config, DatabaseConfig, OutboxSettings};
use archhour::slack::signature;
use chrono::{DateTime, TimeZone, Utc};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::oneshot;

use fake_slack::FakeSlack;
use postgres::TestDatabase;

pub const SIGNING_SECRET: &str = "test-signing-secret";
pub const TEAM: &str = "T1";
pub const CHANNEL: &str = "C_ARCH";

/// Outbox timings short enough for tests. Backoff waits on the test's clock, not real time.
pub fn test_outbox_settings() -> OutboxSettings {
    OutboxSettings {
        poll_interval: Duration::from_millis(25),
        lease: Duration::from_secs(30),
        call_timeout: Duration::from_millis(300),
        max_attempts: 3,
        base_backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(60),
        concurrency: 8,
    }
}

/// A running app and everything around it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: PgPool,
    pub slack: FakeSlack,
    pub clock: Arc<ManualClock>,
    http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    database: Arc<TestDatabase>,
}

/// Starts the app against a fresh database and a new fake Slack, with the clock at
/// Wednesday 2026-11-18 09:00 UTC.
pub async fn spawn_app() -> TestApp {
    let database = Arc::new(TestDatabase::create().await);
    let slack = FakeSlack::start().await;
    let start = Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    launch(database, slack, clock).await
}

impl TestApp {
    /// A second app process on the same database, fake Slack and clock.
    pub async fn spawn_peer(&self) -> TestApp {
        launch(
            self.database.clone(),
            self.slack.clone(),
            self.clock.clone(),
        )
        .await
    }

    pub fn now(&self) -> DateTime<Utc> {
        use archhour::clock::Clock;
        self.clock.now()
    }

    /// Moves the clock; the outbox notices within its poll interval.
    pub fn advance(&self, by: Duration) {
        self.clock
            .advance(chrono::Duration::from_std(by).expect("duration fits"));
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends `/archtopic text` from `user` in `channel`, signed, and returns the JSON reply.
    pub async fn command_in(&self, channel: &str, user: &str, text: &str) -> Value {
        let response = self
            .post_signed("/slack/commands", FORM, command_body(channel, user, text))
            .await;
        assert_eq!(response.status(), 200, "slash command status");
        response.json().await.expect("a JSON reply")
    }

    pub async fn command(&self, text: &str) -> Value {
        self.command_in(CHANNEL, "U_ANN", text).await
    }

    /// Sends an Events API body, signed, as Slack would.
    pub async fn event(&self, body: &Value) -> reqwest::Response {
        self.post_signed(
            "/slack/events",
            "application/json",
            body.to_string().into_bytes(),
        )
        .await
    }

    /// Posts `body` signed with the app's secret at the app's current time.
    pub async fn post_signed(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let timestamp = self.now().timestamp().to_string();
        let signature = signature::sign(SIGNING_SECRET.as_bytes(), &timestamp, &body);
        self.post_with(path, content_type, body, Some(&timestamp), Some(&signature))
            .await
    }

    /// Posts with exactly the given signature headers (or none).
    pub async fn post_with(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        timestamp: Option<&str>,
        signature: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(timestamp) = timestamp {
            request = request.header("x-slack-request-timestamp", timestamp);
        }
        if let Some(signature) = signature {
            request = request.header("x-slack-signature", signature);
        }
        request.send().await.expect("request reaches the app")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the app")
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
            .fetch_one(&self.db)
            .await
            .expect("counting rows")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub const FORM: &str = "application/x-www-form-urlencoded";

/// The form Slack posts for a slash command.
pub fn command_body(channel: &str, user: &str, text: &str) -> Vec<u8> {
    let channel_name = if channel.starts_with('D') {
        "directmessage"
    } else {
        "arch-hour"
    };
    serde_urlencoded::to_string([
        ("token", "legacy-verification-token"),
        ("team_id", TEAM),
        ("team_domain", "acme"),
        ("channel_id", channel),
        ("channel_name", channel_name),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/archtopic"),
        ("text", text),
        ("response_url", "https://hooks.slack.com/commands/T1/1/abc"),
        ("trigger_id", "1.2.abc"),
    ])
    .expect("form encodes")
    .into_bytes()
}

/// Polls `check` until it returns `Some`, for effects of background work. Fails after 10 s.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Lets background work run for a moment, to show that something does *not* happen.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(300)).await;
}

async fn launch(database: Arc<TestDatabase>, slack: FakeSlack, clock: Arc<ManualClock>) -> TestApp {
    let db = archhour::database::pool_options()
        .connect_with(database.options.clone())
        .await
        .expect("connecting to the test database");
    let config = Config {
        addr: "127.0.0.1:0".parse().expect("address"),
        database: DatabaseConfig {
            url: None,
            data_dir: "unused".into(),
        },
        signing_secret: SecretString::from(SIGNING_SECRET),
        bot_token: SecretString::from("xoxb-test-token"),
        slack_api_url: slack.api_url.parse().expect("fake Slack URL"),
        outbox: test_outbox_settings(),
    };
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .expect("binding a random port");
    let addr = listener.local_addr().expect("local address");
    let (shutdown, stopped) = oneshot::channel::<()>();
    let services = archhour::Services {
        db: db.clone(),
        clock: clock.clone(),
    };
    tokio::spawn(archhour::run(config, services, listener, async move {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        db,
        slack,
        clock,
        http: reqwest::Client::new(),
        shutdown: Some(shutdown),
        database,
    }
}
