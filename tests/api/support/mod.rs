//! The test harness: the real app on a random port, a fresh database, a recording fake Slack,
//! and a clock the test moves.

pub mod browser;
pub mod fake_slack;
pub mod fake_socket;
pub mod meetings;
pub mod postgres;
pub mod process;
pub mod timing;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use archhour::clock::ManualClock;
use archhour::config::{
    Config, DatabaseConfig, OutboxSettings, RetentionSettings, SlackTransport, SocketModeSettings,
    WebConfig,
};
use archhour::slack::signature;
use chrono::{DateTime, TimeZone, Utc};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use archhour::domain::ids::ChannelId;
use fake_slack::FakeSlack;
use fake_socket::FakeSocket;
use postgres::AppDatabase;

pub const SIGNING_SECRET: &str = "test-signing-secret";
pub const TEAM: &str = "T1";
pub const CHANNEL: &str = "C_ARCH";

/// Outbox timings for tests. Backoff and leases run on the test's clock, not real time; the
/// call timeout is real time, so it is long enough that no answer of the fake Slack on a
/// loaded machine runs it out (tests of hung calls shorten it with
/// [`spawn_app_with_call_timeout`]).
pub fn test_outbox_settings() -> OutboxSettings {
    OutboxSettings {
        poll_interval: Duration::from_millis(25),
        lease: Duration::from_secs(150),
        call_timeout: Duration::from_secs(60),
        max_attempts: 3,
        base_backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(60),
        concurrency: 8,
    }
}

/// A running app and everything around it.
pub struct TestApp {
    pub addr: SocketAddr,
    /// Where `/metrics` and `/healthz` are served apart, when the test asked for it.
    pub metrics_addr: Option<SocketAddr>,
    pub db: PgPool,
    pub slack: FakeSlack,
    pub clock: Arc<ManualClock>,
    http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    database: AppDatabase,
    outbox: OutboxSettings,
    retention: RetentionSettings,
    /// Whether the web archive is on (its peers and restarts keep it so).
    web: bool,
    /// `ARCHHOUR_SECRET_KEY` and `ARCHHOUR_SECRET_KEY_PREVIOUS`, hex, when the web is on.
    keys: SecretKeys,
    next_event: Arc<AtomicU64>,
}

/// A topic whose card is posted: what reactions are aimed at.
#[derive(Debug, Clone)]
pub struct Card {
    pub number: i32,
    pub channel: String,
    pub ts: String,
}

/// Logs to the test's output when RUST_LOG is set (e.g. `RUST_LOG=archhour=debug`).
fn init_logs() {
    timing::note_test_started();
    static LOGS: std::sync::Once = std::sync::Once::new();
    LOGS.call_once(|| {
        if let Ok(filter) = std::env::var("RUST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_test_writer()
                .with_env_filter(filter)
                .try_init();
        }
    });
}

/// Starts the app against a fresh database and a new fake Slack, with the clock at
/// Wednesday 2026-11-18 09:00 UTC.
pub async fn spawn_app() -> TestApp {
    init_logs();
    spawn_app_on(AppDatabase::fresh().await).await
}

/// Starts the app with a separate metrics listener (as `ARCHHOUR_METRICS_ADDR` does), on a fresh
/// database with a new fake Slack and the usual test clock.
pub async fn spawn_app_with_metrics_listener() -> TestApp {
    spawn_app_with_extras(Extras {
        metrics_listener: MetricsListener::Separate,
        ..Extras::default()
    })
    .await
}

/// Starts the app with the web archive on: Sign in with Slack through the fake's authorize
/// page and token methods, its public URL the app's own address (plain http, so cookies are not
/// `Secure`).
pub async fn spawn_archive_app() -> TestApp {
    spawn_app_with_extras(Extras {
        web: true,
        ..Extras::default()
    })
    .await
}

/// Starts the app as [`spawn_archive_app`] does but without `SLACK_BOT_TOKEN`: it serves only
/// the workspaces installed through "Add to Slack".
pub async fn spawn_installs_only_app() -> TestApp {
    spawn_app_with_extras(Extras {
        web: true,
        bot_token: false,
        ..Extras::default()
    })
    .await
}

/// Starts the app with `ARCHHOUR_PUBLIC_URL` set to its own address (and the web archive off),
/// so `/archtopic calendar` gives feed addresses.
pub async fn spawn_calendar_app() -> TestApp {
    init_logs();
    launch_with(
        AppDatabase::fresh().await,
        FakeSlack::start().await,
        Arc::new(ManualClock::new(test_start())),
        http_transport(),
        test_outbox_settings(),
        Extras {
            public_url: true,
            ..Extras::default()
        },
    )
    .await
}

/// The key tests sign the archive's cookies with (hex, as `ARCHHOUR_SECRET_KEY` is written).
pub const SECRET_KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// Starts the app whose calls to Slack give up after `call_timeout` of real time, for tests
/// of calls Slack never answers. Nothing else in such a test may depend on a call's speed.
pub async fn spawn_app_with_call_timeout(call_timeout: Duration) -> TestApp {
    init_logs();
    let outbox = OutboxSettings {
        call_timeout,
        lease: 2 * call_timeout + Duration::from_secs(1),
        ..test_outbox_settings()
    };
    let clock = Arc::new(ManualClock::new(test_start()));
    launch_configured(
        AppDatabase::fresh().await,
        FakeSlack::start().await,
        clock,
        http_transport(),
        outbox,
    )
    .await
}

/// Starts the app against a fresh database with its retention job on, keeping and deleting as
/// `retention` says (other test apps keep everything); its peers and restarts keep the same.
pub async fn spawn_app_with_retention(retention: RetentionSettings) -> TestApp {
    spawn_app_with_extras(Extras {
        retention,
        ..Extras::default()
    })
    .await
}

/// Starts the app with `extras` on a fresh database, with a new fake Slack and the usual test
/// clock.
async fn spawn_app_with_extras(extras: Extras) -> TestApp {
    init_logs();
    launch_with(
        AppDatabase::fresh().await,
        FakeSlack::start().await,
        Arc::new(ManualClock::new(test_start())),
        http_transport(),
        test_outbox_settings(),
        extras,
    )
    .await
}

/// Starts the app on `database`, with a new fake Slack and the usual test clock.
pub async fn spawn_app_on(database: AppDatabase) -> TestApp {
    init_logs();
    let slack = FakeSlack::start().await;
    let clock = Arc::new(ManualClock::new(test_start()));
    launch(database, slack, clock, http_transport()).await
}

/// Starts the app on `database` and `slack`, with its clock at `start`: for recovering work a
/// child process left behind on the real clock.
pub async fn spawn_app_with(
    database: AppDatabase,
    slack: FakeSlack,
    start: DateTime<Utc>,
) -> TestApp {
    init_logs();
    launch(
        database,
        slack,
        Arc::new(ManualClock::new(start)),
        http_transport(),
    )
    .await
}

/// The app in Socket Mode (`SLACK_APP_TOKEN` set): Slack's traffic comes over a fake socket
/// that `apps.connections.open` names, and `/slack/*` is not served.
pub async fn spawn_socket_app() -> (TestApp, FakeSocket) {
    init_logs();
    let database = AppDatabase::fresh().await;
    let slack = FakeSlack::start().await;
    let socket = FakeSocket::start().await;
    slack.serve_socket_url(&socket.url);
    let clock = Arc::new(ManualClock::new(test_start()));
    let transport = SlackTransport::SocketMode {
        app_token: SecretString::from(APP_TOKEN),
    };
    (launch(database, slack, clock, transport).await, socket)
}

/// The app-level token tests run Socket Mode with.
pub const APP_TOKEN: &str = "xapp-1-test";

/// Wednesday 2026-11-18 09:00 UTC.
fn test_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap()
}

fn http_transport() -> SlackTransport {
    SlackTransport::Http {
        signing_secret: SecretString::from(SIGNING_SECRET),
    }
}

impl TestApp {
    /// A second app process on the same database, fake Slack and clock.
    pub async fn spawn_peer(&self) -> TestApp {
        launch_with(
            self.database.clone(),
            self.slack.clone(),
            self.clock.clone(),
            http_transport(),
            self.outbox.clone(),
            Extras {
                retention: self.retention.clone(),
                web: self.web,
                keys: self.keys.clone(),
                ..Extras::default()
            },
        )
        .await
    }

    /// How long a claimed outbox row or job stays reserved, on the app's clock.
    pub fn lease(&self) -> Duration {
        self.outbox.lease
    }

    /// Waits until the app has no work due at its clock: every Slack call and job that was
    /// due has finished (done, dead, cancelled, or rescheduled for later) and every voter is
    /// looked up. After it, the calls the fake Slack recorded are all the app will make until
    /// the clock moves or a request arrives: what a check that something did *not* happen
    /// looks at.
    pub async fn idle(&self) {
        let now = self.now();
        eventually("the app's due work to finish", || {
            unfinished_work(&self.db, now)
        })
        .await;
    }

    pub fn now(&self) -> DateTime<Utc> {
        use archhour::clock::Clock;
        self.clock.now()
    }

    /// Moves the clock, once no outbox call or job is in flight: real time never jumps while
    /// a worker holds a lease, so neither may the test's clock (a jump past a lease would let a
    /// second worker take over work that is still running).
    pub async fn advance(&self, by: Duration) {
        eventually("in-flight work to finish before the clock moves", || async {
            let in_flight: i64 = sqlx::query_scalar(
                "select (select count(*) from outbox where state = 'pending' and lease_until is not null)
                      + (select count(*) from jobs where state = 'pending' and lease_until is not null)",
            )
            .fetch_one(&self.db)
            .await
            .expect("counting leases");
            (in_flight == 0).then_some(())
        })
        .await;
        self.clock
            .advance(chrono::Duration::from_std(by).expect("duration fits"));
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends `/archtopic text` from `user` in `channel`, signed, and returns the JSON reply.
    pub async fn command_in(&self, channel: &str, user: &str, text: &str) -> Value {
        self.command_from(TEAM, channel, user, text).await
    }

    /// Sends `/archtopic text` from `user` of workspace `team` in `channel`; the JSON reply.
    pub async fn command_from(&self, team: &str, channel: &str, user: &str, text: &str) -> Value {
        let trigger = next_trigger("1.2.trigger");
        let body = command_form(team, channel, user, text, &trigger);
        let response = self.post_signed("/slack/commands", FORM, body).await;
        assert_eq!(response.status(), 200, "slash command status");
        response.json().await.expect("a JSON reply")
    }

    pub async fn command(&self, text: &str) -> Value {
        self.command_in(CHANNEL, "U_ANN", text).await
    }

    /// Delivers an event again, as Slack retries it (`X-Slack-Retry-Num`); returns the status.
    pub async fn redeliver(&self, body: &Value, retry: u32) -> u16 {
        let response = self
            .post_signed_with_headers(
                "/slack/events",
                "application/json",
                body.to_string().into_bytes(),
                &[
                    ("x-slack-retry-num", &retry.to_string()),
                    ("x-slack-retry-reason", "http_timeout"),
                ],
            )
            .await;
        response.status().as_u16()
    }

    /// Sends an Events API body, signed, as Slack would.
    /// Sends an Events API callback. Slack sends a channel's message and reaction events only
    /// to apps in the channel: sending one the bot could not receive is a mistake in the test.
    pub async fn event(&self, body: &Value) -> reqwest::Response {
        let event = &body["event"];
        let channel = match event["type"].as_str() {
            Some("reaction_added" | "reaction_removed") => event["item"]["channel"].as_str(),
            Some("message") => event["channel"].as_str(),
            _ => None,
        };
        if let Some(channel) = channel {
            assert!(
                self.slack.bot_is_in(channel),
                "Slack would not send this {} event: the bot is not in {channel}",
                event["type"]
            );
        }
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

    /// Posts `body` signed, with extra headers (such as Slack's retry headers).
    pub async fn post_signed_with_headers(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let timestamp = self.now().timestamp().to_string();
        let signature = signature::sign(SIGNING_SECRET.as_bytes(), &timestamp, &body);
        let mut request = self
            .http
            .post(self.url(path))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", &timestamp)
            .header("x-slack-signature", &signature)
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request reaches the app")
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

impl TestApp {
    /// Stops the app gracefully (as SIGTERM would), runs `f` while it is down, and starts it
    /// again on the same database, fake Slack and clock.
    pub async fn while_stopped(self, f: impl FnOnce(&FakeSlack)) -> TestApp {
        let keys = self.keys.clone();
        self.restarted_with(keys, f).await
    }

    /// Stops the app gracefully and starts it again on the same database, fake Slack and
    /// clock, with the web's keys `keys` (a key rotation).
    pub async fn restart_with_keys(self, keys: SecretKeys) -> TestApp {
        self.restarted_with(keys, |_| {}).await
    }

    async fn restarted_with(self, keys: SecretKeys, f: impl FnOnce(&FakeSlack)) -> TestApp {
        let slack = self.slack.clone();
        let mut app = self;
        app.stop_now().await;
        f(&slack);
        let mut restarted = launch_with(
            app.database.clone(),
            slack,
            app.clock.clone(),
            http_transport(),
            app.outbox.clone(),
            Extras {
                retention: app.retention.clone(),
                web: app.web,
                keys,
                ..Extras::default()
            },
        )
        .await;
        restarted.next_event = app.next_event.clone();
        restarted
    }

    async fn stop_now(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("the app task ended cleanly")
                .expect("the app ran without error");
        }
    }

    /// Proposes a topic in the test channel and waits until its card is posted.
    pub async fn propose(&self, text: &str) -> Card {
        self.propose_in(CHANNEL, "U_ANN", text).await
    }

    pub async fn propose_in(&self, channel: &str, user: &str, text: &str) -> Card {
        self.propose_from(TEAM, channel, user, text).await
    }

    /// Proposes a topic as `user` of workspace `team` in `channel` and waits until its card
    /// is posted.
    pub async fn propose_from(&self, team: &str, channel: &str, user: &str, text: &str) -> Card {
        let reply = self.command_from(team, channel, user, text).await;
        let number: i32 = reply["text"]
            .as_str()
            .and_then(|t| t.strip_prefix('#'))
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("not a proposal confirmation: {reply}"));
        let ts = eventually("the card to be posted", || async {
            sqlx::query_scalar::<_, Option<String>>(
                "select card_ts from topics where team_id = $1 and number = $2",
            )
            .bind(team)
            .bind(number)
            .fetch_one(&self.db)
            .await
            .expect("reading card_ts")
        })
        .await;
        Card {
            number,
            channel: channel.to_string(),
            ts,
        }
    }

    /// Sends `start` and waits until the meeting is discussing its first topic.
    pub async fn start_meeting(&self) {
        self.command("start").await;
        eventually("the meeting to start", || async {
            let phase: Option<String> = sqlx::query_scalar("select phase from meetings")
                .fetch_optional(&self.db)
                .await
                .expect("reading the meeting");
            phase.filter(|p| p == "discussing")
        })
        .await;
    }

    /// Sends `end` and waits until the meeting has ended.
    pub async fn end_meeting(&self) {
        self.command("end").await;
        eventually("the meeting to end", || async {
            let ended: Option<bool> = sqlx::query_scalar("select phase = 'ended' from meetings")
                .fetch_optional(&self.db)
                .await
                .expect("reading the meeting");
            ended.filter(|e| *e)
        })
        .await;
    }

    /// A fresh event id and an event_ts later than every earlier one.
    pub fn next_event(&self) -> (String, String) {
        let n = self.next_event.fetch_add(1, Ordering::Relaxed) + 1;
        let seconds = self.now().timestamp();
        (format!("Ev{n:06}"), format!("{seconds}.{n:06}"))
    }

    /// `user` adds `emoji` to the card; returns the event body sent (to redeliver it).
    pub async fn react(&self, user: &str, card: &Card, emoji: &str) -> Value {
        self.send_reaction(user, card, emoji, true).await
    }

    pub async fn unreact(&self, user: &str, card: &Card, emoji: &str) -> Value {
        self.send_reaction(user, card, emoji, false).await
    }

    async fn send_reaction(&self, user: &str, card: &Card, emoji: &str, added: bool) -> Value {
        // Slack's own record changes with the event; a recount reads it.
        self.slack
            .toggle_reaction(&card.channel, &card.ts, emoji, user, added);
        let (event_id, event_ts) = self.next_event();
        let body = reaction_event(&event_id, &event_ts, user, card, emoji, added);
        let response = self.event(&body).await;
        assert_eq!(response.status(), 200, "reaction acknowledged");
        body
    }

    /// `user` presses a button with `action_id` and `value` on a message in the test channel.
    pub async fn press(&self, user: &str, action_id: &str, value: &str) -> u16 {
        let (trigger, _) = self.next_event();
        let payload = block_actions(user, action_id, value, &format!("trigger-{trigger}"));
        let body =
            serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form encodes");
        self.post_signed("/slack/interactions", FORM, body.into_bytes())
            .await
            .status()
            .as_u16()
    }

    /// `user` replies `text` in the thread of a card; returns the reply's ts and the event sent.
    pub async fn reply_in_thread(&self, user: &str, card: &Card, text: &str) -> (String, Value) {
        let (event_id, ts) = self.next_event();
        let body = serde_json::json!({
            "token": "legacy", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id, "event_time": 1_700_000_000,
            "event": {
                "type": "message", "channel": card.channel, "user": user, "text": text,
                "ts": ts, "thread_ts": card.ts, "channel_type": "channel", "event_ts": ts
            }
        });
        let response = self.event(&body).await;
        assert_eq!(response.status(), 200, "reply acknowledged");
        (ts, body)
    }

    /// `user` presses an item button (`item_done`, `item_snooze`) on a DM message.
    pub async fn press_in_dm(
        &self,
        user: &str,
        dm_channel: &str,
        message_ts: &str,
        action_id: &str,
        value: &str,
    ) -> u16 {
        let (trigger, _) = self.next_event();
        let payload = serde_json::json!({
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": user, "username": "someone", "team_id": TEAM},
            "api_app_id": "A1",
            "container": {"type": "message", "message_ts": message_ts,
                          "channel_id": dm_channel, "is_ephemeral": false},
            "trigger_id": format!("trigger-{trigger}"),
            "channel": {"id": dm_channel, "name": "directmessage"},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b",
                         "text": {"type": "plain_text", "text": "button"}, "value": value,
                         "action_ts": "1700000100.000001"}]
        });
        let body =
            serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form encodes");
        self.post_signed("/slack/interactions", FORM, body.into_bytes())
            .await
            .status()
            .as_u16()
    }

    /// The text of the first ephemeral message the bot sent `user` (waiting for it).
    pub async fn ephemeral_to(&self, user: &str) -> String {
        let call = eventually(&format!("an ephemeral message to {user}"), || async {
            self.slack
                .calls_to("chat.postEphemeral")
                .into_iter()
                .find(|call| call.succeeded && call.args["user"] == user)
        })
        .await;
        call.args["text"].as_str().unwrap_or_default().to_string()
    }

    /// Counted votes per topic number, from the same ranking `list` shows.
    pub async fn counted_votes(&self) -> Vec<(i32, i64)> {
        let mut conn = self.db.acquire().await.expect("connection");
        archhour::compose::agenda::ranked(&mut conn, &ChannelId::from(CHANNEL))
            .await
            .expect("ranking")
            .into_iter()
            .map(|ranked| (ranked.topic.number.0, ranked.votes))
            .collect()
    }

    /// Who has a stored vote on the card.
    pub async fn voters(&self, card: &Card) -> Vec<String> {
        sqlx::query_scalar(
            "select user_id from votes where channel_id = $1 and message_ts = $2 and present
             order by user_id",
        )
        .bind(&card.channel)
        .bind(&card.ts)
        .fetch_all(&self.db)
        .await
        .expect("reading votes")
    }
}

/// A button pressed on a message in the channel, as Slack sends it.
/// Asserts that each of `parts` appears in `text`, in that order.
pub fn assert_in_order(text: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        match text[from..].find(part) {
            Some(at) => from += at + part.len(),
            None => panic!("{part:?} missing or out of order in {text}"),
        }
    }
}

pub fn block_actions(user: &str, action_id: &str, value: &str, trigger_id: &str) -> Value {
    serde_json::json!({
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "username": "someone", "team_id": TEAM},
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "1700000000.000009",
                      "channel_id": CHANNEL, "is_ephemeral": false},
        "trigger_id": trigger_id,
        "channel": {"id": CHANNEL, "name": "arch-hour"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b",
                     "text": {"type": "plain_text", "text": "button"}, "value": value,
                     "action_ts": "1700000100.000001"}]
    })
}

/// The challenge form submitted by `user` with these state values.
pub fn challenge_form_submission(user: &str, view_id: &str, values: Value) -> Value {
    serde_json::json!({
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "username": "someone", "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": next_trigger(&format!("trigger-{view_id}")),
        "view": {
            "id": view_id, "team_id": TEAM, "type": "modal", "hash": "1700000000.x",
            "callback_id": "challenge_record", "private_metadata": CHANNEL,
            "title": {"type": "plain_text", "text": "Architecture challenge"},
            "blocks": [],
            "state": {"values": values}
        }
    })
}

/// A slash command as Slack sends it over Socket Mode (the same fields as the HTTP form).
pub fn command_payload(channel: &str, user: &str, text: &str) -> Value {
    serde_json::json!({
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "acme",
        "channel_id": channel, "channel_name": "arch-hour", "user_id": user,
        "user_name": "someone", "command": "/archtopic", "text": text, "api_app_id": "A1",
        "response_url": "https://hooks.slack.com/commands/T1/1/abc", "trigger_id": "1.2.abc"
    })
}

/// A `reaction_added` / `reaction_removed` callback as Slack sends it.
pub fn reaction_event(
    event_id: &str,
    event_ts: &str,
    user: &str,
    card: &Card,
    emoji: &str,
    added: bool,
) -> Value {
    serde_json::json!({
        "token": "legacy", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": 1_700_000_000,
        "event": {
            "type": if added { "reaction_added" } else { "reaction_removed" },
            "user": user, "reaction": emoji, "item_user": "UBOT",
            "item": {"type": "message", "channel": card.channel, "ts": card.ts},
            "event_ts": event_ts
        }
    })
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub const FORM: &str = "application/x-www-form-urlencoded";

/// Each command Slack sends has its own trigger id, so no two are the same request.
static NEXT_TRIGGER: AtomicU64 = AtomicU64::new(1);

fn next_trigger(what: &str) -> String {
    format!("{what}-{}", NEXT_TRIGGER.fetch_add(1, Ordering::Relaxed))
}

/// The form Slack posts for a slash command.
pub fn command_body(channel: &str, user: &str, text: &str) -> Vec<u8> {
    command_body_with_trigger(channel, user, text, &next_trigger("1.2.trigger"))
}

/// The form Slack posts for a slash command, with this trigger id.
pub fn command_body_with_trigger(channel: &str, user: &str, text: &str, trigger: &str) -> Vec<u8> {
    command_form(TEAM, channel, user, text, trigger)
}

/// The form Slack posts for a slash command in workspace `team`.
fn command_form(team: &str, channel: &str, user: &str, text: &str, trigger: &str) -> Vec<u8> {
    let channel_name = if channel.starts_with('D') {
        "directmessage"
    } else {
        "arch-hour"
    };
    serde_urlencoded::to_string([
        ("token", "legacy-verification-token"),
        ("team_id", team),
        ("team_domain", "acme"),
        ("channel_id", channel),
        ("channel_name", channel_name),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/archtopic"),
        ("text", text),
        ("response_url", "https://hooks.slack.com/commands/T1/1/abc"),
        ("trigger_id", trigger),
    ])
    .expect("form encodes")
    .into_bytes()
}

/// How long a wait for background work lasts before the test fails: far beyond what correct
/// work takes on a loaded two-core machine, so only work that never happens runs it out.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// What one look at background work found: done (with a value), or not yet, with a word on
/// what was seen, for the message if the wait runs out.
pub trait Progress<T> {
    fn into_progress(self) -> Result<T, String>;
}

impl<T> Progress<T> for Option<T> {
    fn into_progress(self) -> Result<T, String> {
        self.ok_or_else(|| "not yet".to_string())
    }
}

impl<T> Progress<T> for Result<T, String> {
    fn into_progress(self) -> Result<T, String> {
        self
    }
}

/// Polls `check` until it reports done, for effects of background work. Fails after
/// [`PATIENCE`], naming what it waited for and what it saw last.
pub async fn eventually<T, P, F, Fut>(what: &str, check: F) -> T
where
    P: Progress<T>,
    F: FnMut() -> Fut,
    Fut: Future<Output = P>,
{
    eventually_within(what, PATIENCE, check).await
}

/// [`eventually`] with a longer (or shorter) patience, for waits on much more work.
pub async fn eventually_within<T, P, F, Fut>(what: &str, patience: Duration, mut check: F) -> T
where
    P: Progress<T>,
    F: FnMut() -> Fut,
    Fut: Future<Output = P>,
{
    let started = tokio::time::Instant::now();
    loop {
        let seen = match check().await.into_progress() {
            Ok(value) => return value,
            Err(seen) => seen,
        };
        let waited = started.elapsed();
        assert!(
            waited < patience,
            "gave up after {} s waiting for {what}; last saw: {seen}",
            waited.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Work that is due but not finished in a database, at `now` on the app's clock: outbox rows
/// that may be claimed or are leased, jobs due or leased, voters not yet looked up. Rows that
/// wait for a later time (a backoff, `Retry-After`, a time box) are not due.
pub async fn unfinished_work(db: &PgPool, now: DateTime<Utc>) -> Result<(), String> {
    let (calls, jobs, users): (i64, i64, i64) = sqlx::query_as(
        "select
           (select count(*) from outbox o
             where state = 'pending'
               and (lease_until is not null
                    or (next_attempt_at <= $1
                        and (sequence_key is null or not exists (
                            select 1 from outbox earlier
                            where earlier.sequence_key = o.sequence_key
                              and earlier.state = 'pending' and earlier.id < o.id))))),
           (select count(*) from jobs
             where state = 'pending' and (lease_until is not null or due_at <= $1)),
           (select count(*) from slack_users where fetched_at is null)",
    )
    .bind(now)
    .fetch_one(db)
    .await
    .map_err(|error| format!("reading the queues failed: {error}"))?;
    if (calls, jobs, users) == (0, 0, 0) {
        Ok(())
    } else {
        Err(format!(
            "{calls} Slack calls, {jobs} jobs and {users} user look-ups due or in flight"
        ))
    }
}

async fn launch(
    database: AppDatabase,
    slack: FakeSlack,
    clock: Arc<ManualClock>,
    transport: SlackTransport,
) -> TestApp {
    launch_configured(database, slack, clock, transport, test_outbox_settings()).await
}

async fn launch_configured(
    database: AppDatabase,
    slack: FakeSlack,
    clock: Arc<ManualClock>,
    transport: SlackTransport,
    outbox: OutboxSettings,
) -> TestApp {
    launch_with(database, slack, clock, transport, outbox, Extras::default()).await
}

/// What a test app runs with beyond the usual, each off by default: a listener of its own for
/// `/metrics`, retention (every test app keeps everything unless it says otherwise), and the web
/// archive.
#[derive(Debug, Clone)]
struct Extras {
    metrics_listener: MetricsListener,
    retention: RetentionSettings,
    web: bool,
    /// Whether `ARCHHOUR_PUBLIC_URL` is set (the app's own address), as the web archive sets
    /// it too.
    public_url: bool,
    keys: SecretKeys,
    /// Whether `SLACK_BOT_TOKEN` is set (T1's bot); without it only installed workspaces are
    /// served.
    bot_token: bool,
}

/// The web's keys, hex: the current one and, during a rotation, the previous one.
#[derive(Debug, Clone)]
pub struct SecretKeys {
    pub current: String,
    pub previous: Option<String>,
}

impl Default for SecretKeys {
    fn default() -> SecretKeys {
        SecretKeys {
            current: SECRET_KEY_HEX.into(),
            previous: None,
        }
    }
}

impl Default for Extras {
    fn default() -> Extras {
        Extras {
            metrics_listener: MetricsListener::Shared,
            retention: keep_everything(),
            web: false,
            public_url: false,
            keys: SecretKeys::default(),
            bot_token: true,
        }
    }
}

/// Retention off, as every age set to 0 turns it off: no retention job is scheduled, so a
/// test's `jobs` table holds only the steps it caused, and no reaction is ever stale. The tests
/// of retention turn it on ([`spawn_app_with_retention`]).
fn keep_everything() -> RetentionSettings {
    RetentionSettings {
        events: None,
        outbox_done: None,
        outbox_dead: None,
        jobs: None,
        ..RetentionSettings::default()
    }
}

/// Whether `/metrics` is served on the app's one listener or on a listener of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MetricsListener {
    Shared,
    Separate,
}

/// The web settings for an app listening at `addr`, signing in through `slack`.
fn web_config(addr: SocketAddr, slack: &FakeSlack, keys: &SecretKeys) -> WebConfig {
    let key = hex::decode(&keys.current).expect("hex");
    let previous = keys
        .previous
        .as_ref()
        .map(|previous| hex::decode(previous).expect("hex"));
    WebConfig {
        client_id: fake_slack::oidc::CLIENT_ID.into(),
        client_secret: SecretString::from(fake_slack::oidc::CLIENT_SECRET),
        public_url: format!("http://{addr}/").parse().expect("public URL"),
        oauth_url: slack.oauth_url.parse().expect("fake OAuth URL"),
        secret_key: secrecy::SecretBox::new(key.into_boxed_slice()),
        previous_secret_key: previous.map(|key| secrecy::SecretBox::new(key.into_boxed_slice())),
    }
}

async fn launch_with(
    database: AppDatabase,
    slack: FakeSlack,
    clock: Arc<ManualClock>,
    transport: SlackTransport,
    outbox: OutboxSettings,
    extras: Extras,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a random port");
    let addr = listener.local_addr().expect("local address");
    let db = archhour::database::pool_options()
        .connect_with(database.options.clone())
        .await
        .expect("connecting to the test database");
    let config = Config {
        addr,
        // The test binds the listeners itself, on ports of the system's choosing.
        metrics_addr: None,
        database: DatabaseConfig {
            url: None,
            data_dir: "unused".into(),
        },
        transport,
        bot_token: extras
            .bot_token
            .then(|| SecretString::from("xoxb-test-token")),
        slack_api_url: slack.api_url.parse().expect("fake Slack URL"),
        outbox: outbox.clone(),
        // One connection, so a test knows which one its envelopes travel on.
        socket_mode: SocketModeSettings {
            connections: 1,
            stagger_seconds: 0,
            retry_seconds: 1,
        },
        retention: extras.retention.clone(),
        public_url: (extras.public_url || extras.web)
            .then(|| format!("http://{addr}/").parse().expect("public URL")),
        web: extras.web.then(|| web_config(addr, &slack, &extras.keys)),
    };
    let metrics = match extras.metrics_listener {
        MetricsListener::Shared => None,
        MetricsListener::Separate => Some(
            tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("binding a random port for the metrics"),
        ),
    };
    let metrics_addr = metrics
        .as_ref()
        .map(|listener| listener.local_addr().expect("local address"));
    let listeners = archhour::Listeners {
        app: listener,
        metrics,
    };
    let (shutdown, stopped) = oneshot::channel::<()>();
    let services = archhour::Services {
        db: db.clone(),
        clock: clock.clone(),
    };
    let task = tokio::spawn(archhour::run(config, services, listeners, async move {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        metrics_addr,
        db,
        slack,
        clock,
        http: reqwest::Client::new(),
        shutdown: Some(shutdown),
        task: Some(task),
        database,
        outbox,
        retention: extras.retention,
        web: extras.web,
        keys: extras.keys,
        next_event: Arc::new(AtomicU64::new(0)),
    }
}
