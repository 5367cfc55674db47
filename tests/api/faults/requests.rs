//! Faults 13 and 15: requests that are not Slack's (forged, stale, future, tampered or
//! replayed), and two processes starting on an empty database at once.

use archhour::slack::signature::sign;

use crate::support::fake_slack::FakeSlack;
use crate::support::postgres::TestDatabase;
use crate::support::process::{archhour, command, start_with, stop};
use crate::support::{
    CHANNEL, FORM, SIGNING_SECRET, TestApp, command_body, eventually, reaction_event, spawn_app,
};

/// A forgery: what the attacker sends in the two headers, and the body.
struct Forgery {
    name: &'static str,
    timestamp: Option<String>,
    signature: Option<String>,
    body: Vec<u8>,
}

fn forgeries(now: i64, body: &[u8]) -> Vec<Forgery> {
    let signed_at = |at: i64, secret: &str, body: &[u8]| {
        (
            Some(at.to_string()),
            Some(sign(secret.as_bytes(), &at.to_string(), body)),
        )
    };
    let mut tampered = body.to_vec();
    tampered.extend_from_slice(b"%21");
    let (ts, sig) = signed_at(now, SIGNING_SECRET, body);
    let v1 = sig.as_ref().map(|s| s.replacen("v0=", "v1=", 1));
    let case =
        |name, (timestamp, signature): (Option<String>, Option<String>), body: &[u8]| Forgery {
            name,
            timestamp,
            signature,
            body: body.to_vec(),
        };
    vec![
        case("forged", signed_at(now, "not-the-secret", body), body),
        case("stale", signed_at(now - 301, SIGNING_SECRET, body), body),
        case("future", signed_at(now + 301, SIGNING_SECRET, body), body),
        case("tampered", (ts.clone(), sig.clone()), &tampered),
        case("no timestamp", (None, sig.clone()), body),
        case("no signature", (ts.clone(), None), body),
        case("no headers", (None, None), body),
        case("wrong version", (ts, v1), body),
    ]
}

/// 13a. Forged, stale, future-dated, tampered and incompletely signed commands. Invariant:
/// 401 and nothing written, nothing sent to Slack.
#[tokio::test]
async fn f13_forged_stale_future_and_tampered_commands_get_401_and_store_nothing() {
    let app = spawn_app().await;
    let body = command_body(CHANNEL, "U_ANN", "[quest] What is paver used for today?");
    for forgery in forgeries(app.now().timestamp(), &body) {
        let response = app
            .post_with(
                "/slack/commands",
                FORM,
                forgery.body,
                forgery.timestamp.as_deref(),
                forgery.signature.as_deref(),
            )
            .await;
        assert_eq!(response.status(), 401, "{}", forgery.name);
    }
    app.idle().await;
    assert_eq!(app.count("topics").await, 0);
    assert_eq!(app.count("workspaces").await, 0);
    assert_eq!(app.count("outbox").await, 0);
    assert!(app.slack.calls_besides_auth().is_empty());
}

/// 13b. The same forgeries as events and interactions: 401, and a `url_verification`
/// challenge is never echoed to someone who cannot sign.
#[tokio::test]
async fn f13_forged_stale_future_and_tampered_events_and_interactions_get_401() {
    let app = spawn_app().await;
    let event = br#"{"type":"url_verification","challenge":"abc"}"#.to_vec();
    let interaction = b"payload=%7B%22type%22%3A%22block_actions%22%7D".to_vec();
    for (path, content_type, body) in [
        ("/slack/events", "application/json", event),
        ("/slack/interactions", FORM, interaction),
    ] {
        for forgery in forgeries(app.now().timestamp(), &body) {
            let response = app
                .post_with(
                    path,
                    content_type,
                    forgery.body,
                    forgery.timestamp.as_deref(),
                    forgery.signature.as_deref(),
                )
                .await;
            assert_eq!(response.status(), 401, "{path}: {}", forgery.name);
            let text = response.text().await.expect("body");
            assert!(!text.contains("abc"), "the challenge must not be echoed");
        }
    }
}

#[tokio::test]
async fn a_signature_within_the_window_is_accepted() {
    let app = spawn_app().await;
    let body = command_body(CHANNEL, "U_ANN", "help");
    let at = (app.now().timestamp() - 299).to_string();
    let signature = sign(SIGNING_SECRET.as_bytes(), &at, &body);
    let response = app
        .post_with("/slack/commands", FORM, body, Some(&at), Some(&signature))
        .await;
    assert_eq!(response.status(), 200);
}

/// Sends `body` to `path` with exactly this signature, as an attacker who captured a request
/// would resend it.
async fn resend(app: &TestApp, path: &str, content_type: &str, body: &[u8], at: &str) -> u16 {
    let signature = sign(SIGNING_SECRET.as_bytes(), at, body);
    app.post_with(
        path,
        content_type,
        body.to_vec(),
        Some(at),
        Some(&signature),
    )
    .await
    .status()
    .as_u16()
}

/// 13c. A captured, validly signed request sent again within the 5-minute window. Invariant: a
/// replayed command or interaction gets 401 and changes nothing; a replayed event is a
/// duplicate of one already handled (Slack's own retries may repeat a signature), so it gets
/// 200 and changes nothing.
#[tokio::test]
async fn f13_replayed_requests_change_nothing() {
    let app = spawn_app().await;
    let at = app.now().timestamp().to_string();

    let command = command_body(CHANNEL, "U_ANN", "[quest] What is paver used for today?");
    assert_eq!(
        resend(&app, "/slack/commands", FORM, &command, &at).await,
        200
    );
    assert_eq!(
        resend(&app, "/slack/commands", FORM, &command, &at).await,
        401
    );
    // The same signature with its hex in upper case is the same MAC: still a replay.
    let upper = sign(SIGNING_SECRET.as_bytes(), &at, &command).to_uppercase();
    let upper = upper.replacen("V0=", "v0=", 1);
    let status = app
        .post_with(
            "/slack/commands",
            FORM,
            command.clone(),
            Some(&at),
            Some(&upper),
        )
        .await
        .status();
    assert_eq!(status, 401, "an upper-case spelling of the same signature");
    assert_eq!(app.count("topics").await, 1, "one topic, not two");

    let payload =
        crate::support::block_actions("U_ANN", "challenge_discuss", "999", "trigger-replay");
    let press = serde_urlencoded::to_string([("payload", payload.to_string())])
        .expect("form encodes")
        .into_bytes();
    let first = resend(&app, "/slack/interactions", FORM, &press, &at).await;
    assert_ne!(first, 401, "the first press is genuine");
    assert_eq!(
        resend(&app, "/slack/interactions", FORM, &press, &at).await,
        401
    );

    let card = crate::support::Card {
        number: 1,
        channel: CHANNEL.to_string(),
        ts: "1700000000.000001".to_string(),
    };
    let event = reaction_event("Ev-replay", "1700000100.000001", "U_BEA", &card, "+1", true);
    let event = serde_json::to_vec(&event).expect("JSON");
    let json = "application/json";
    assert_eq!(resend(&app, "/slack/events", json, &event, &at).await, 200);
    assert_eq!(resend(&app, "/slack/events", json, &event, &at).await, 200);
    assert_eq!(app.count("slack_events").await, 1);
    let votes: i64 = sqlx::query_scalar("select count(*) from votes where present")
        .fetch_one(&app.db)
        .await
        .expect("counting votes");
    assert_eq!(votes, 1);
}

/// The advisory lock sqlx's migrator holds while it migrates a database (sqlx-postgres's
/// `generate_lock_id`): a CRC-32 of the database's name, scaled.
fn migration_lock_id(database: &str) -> i64 {
    const CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    0x3d32ad9e * i64::from(CRC.checksum(database.as_bytes()))
}

/// 15. Two processes migrate an empty database at the same moment. The test holds the
/// migration lock until both are waiting for it, then lets go, so their runs truly overlap.
/// Invariant: both start, each migration is applied exactly once and successfully (a second
/// run of `create table` would fail, and one recorded twice would break the next start), and
/// both serve.
#[tokio::test]
async fn f15_two_processes_migrating_an_empty_database_at_once_both_start_and_apply_each_once() {
    let database = TestDatabase::create_empty().await;
    let slack = FakeSlack::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = archhour::database::pool_options()
        .connect_with(database.options.clone())
        .await
        .expect("connecting");
    let mut holder = db.acquire().await.expect("a connection");
    let lock = migration_lock_id(&database.name);
    sqlx::query("select pg_advisory_lock($1)")
        .bind(lock)
        .execute(&mut *holder)
        .await
        .expect("taking the migration lock");

    let process = || {
        let mut command = archhour(dir.path(), &slack);
        command.env("DATABASE_URL", database.url());
        start_with(command)
    };
    let release = async {
        eventually("both processes to wait for the migration lock", || async {
            let waiting: i64 = sqlx::query_scalar(
                "select count(*) from pg_locks l join pg_stat_activity a using (pid)
                 where l.locktype = 'advisory' and not l.granted
                   and a.datname = current_database()
                   and (l.classid::bigint << 32 | l.objid::bigint) = $1",
            )
            .bind(lock)
            .fetch_one(&db)
            .await
            .expect("reading pg_locks");
            (waiting == 2)
                .then_some(())
                .ok_or(format!("{waiting} waiting"))
        })
        .await;
        sqlx::query("select pg_advisory_unlock($1)")
            .bind(lock)
            .execute(&mut *holder)
            .await
            .expect("letting go of the migration lock");
    };
    // Each answers /healthz only once it has migrated and serves.
    let (first, second, ()) = tokio::join!(process(), process(), release);
    drop(holder);

    let applied: Vec<(i64, bool)> =
        sqlx::query_as("select version, success from _sqlx_migrations order by version")
            .fetch_all(&db)
            .await
            .expect("reading applied migrations");
    let expected: Vec<(i64, bool)> = archhour::store::MIGRATOR
        .iter()
        .map(|m| (m.version, true))
        .collect();
    assert_eq!(applied, expected);
    // Both serve: each takes a command against the tables the migrations made.
    command(&first, "[quest] From the first process").await;
    command(&second, "[quest] From the second process").await;
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from topics")
            .fetch_one(&db)
            .await
            .expect("counting"),
        2
    );
    stop(first).await;
    stop(second).await;
    db.close().await;
}
