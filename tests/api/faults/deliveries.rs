//! Faults 6–8: Slack rate-limits, fails, resets, hangs, and the worker making the call is
//! killed before, during and after it.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::support::fake_slack::{FakeSlack, Scripted};
use crate::support::postgres::{AppDatabase, TestDatabase};
use crate::support::process::{archhour, command_in, kill_hard, start_with};
use crate::support::{
    CHANNEL, TestApp, eventually, spawn_app, spawn_app_with, spawn_app_with_call_timeout,
};

async fn card_ts(app: &TestApp, number: i32) -> Option<String> {
    sqlx::query_scalar("select card_ts from topics where number = $1")
        .bind(number)
        .fetch_one(&app.db)
        .await
        .expect("reading card_ts")
}

/// Posts to `channel` the fake Slack saw, whether or not it answered them as a success.
fn posts_in(app: &TestApp, channel: &str) -> usize {
    app.slack
        .calls_to("chat.postMessage")
        .iter()
        .filter(|call| call.args["channel"] == channel)
        .count()
}

/// The only outbox row: state, attempts, last error, and when it may next be tried.
async fn outbox_row(app: &TestApp) -> (String, i32, Option<String>, DateTime<Utc>) {
    sqlx::query_as("select state, attempts, last_error, next_attempt_at from outbox")
        .fetch_one(&app.db)
        .await
        .expect("one outbox row")
}

/// Waits until `n` attempts of some row have finished and been recorded (its lease released).
async fn attempt_recorded(app: &TestApp, n: i32) {
    eventually("an attempt's outcome to be recorded", || async {
        let recorded: bool = sqlx::query_scalar(
            "select exists (select from outbox where attempts = $1 and lease_until is null)",
        )
        .bind(n)
        .fetch_one(&app.db)
        .await
        .expect("reading the outbox");
        recorded.then_some(())
    })
    .await;
}

/// 6. Slack answers 429 with `Retry-After: 2`. Invariant: the call is not repeated before
/// 2 s have passed on the app's clock, the card is posted exactly once, and a card for another
/// channel is posted meanwhile without waiting.
#[tokio::test]
async fn f06_a_rate_limited_call_waits_retry_after_posts_once_and_blocks_no_other_channel() {
    let app = spawn_app().await;
    app.slack.script(
        "chat.postMessage",
        [Scripted::RateLimited {
            retry_after_seconds: 2,
        }],
    );
    app.command("[quest] What is paver used for today?").await;
    attempt_recorded(&app, 1).await;

    app.command_in("C_OTHER", "U_BOB", "[discuss] Kafka or SQS?")
        .await;
    let other = eventually("the other channel's card, clock unmoved", || {
        card_ts(&app, 2)
    })
    .await;
    assert_eq!(other, "1700000000.000001");

    app.advance(Duration::from_millis(1_900)).await;
    app.idle().await;
    assert_eq!(posts_in(&app, CHANNEL), 1, "1.9 s is before Retry-After");
    assert_eq!(card_ts(&app, 1).await, None);

    app.advance(Duration::from_millis(100)).await;
    let ts = eventually("the card to be posted at 2 s", || card_ts(&app, 1)).await;
    assert_eq!(ts, "1700000000.000002");
    app.idle().await;
    assert_eq!(posts_in(&app, CHANNEL), 2, "one refused, one posted");
    assert_eq!(posts_in(&app, "C_OTHER"), 1);
    let done: i64 = sqlx::query_scalar("select count(*) from outbox where state = 'done'")
        .fetch_one(&app.db)
        .await
        .expect("counting");
    assert_eq!(done, 2);
}

/// 6, workspace-wide. 429s for posts in two different channels within one `Retry-After` mean
/// Slack limits the whole workspace. Invariant: the next post (a third channel) is not even
/// tried until the limit lifts, then all three are posted once each.
#[tokio::test]
async fn f06_a_workspace_wide_limit_holds_every_post_until_retry_after() {
    let app = spawn_app().await;
    let limited = Scripted::RateLimited {
        retry_after_seconds: 2,
    };
    app.slack
        .script("chat.postMessage", [limited.clone(), limited]);
    for (n, channel) in ["C_ONE", "C_TWO"].into_iter().enumerate() {
        app.command_in(channel, "U_ANN", &format!("[discuss] Topic {n}"))
            .await;
        eventually("the refusal to be recorded", || async {
            let waiting: i64 = sqlx::query_scalar(
                "select count(*) from outbox where attempts = 1 and lease_until is null
                   and state = 'pending'",
            )
            .fetch_one(&app.db)
            .await
            .expect("counting");
            (waiting == n as i64 + 1).then_some(())
        })
        .await;
    }
    app.command_in("C_THREE", "U_ANN", "[discuss] Topic 3")
        .await;
    app.idle().await;
    assert_eq!(posts_in(&app, "C_THREE"), 0, "held back, not refused");

    app.advance(Duration::from_millis(1_900)).await;
    app.idle().await;
    assert_eq!(app.slack.calls_to("chat.postMessage").len(), 2);

    app.advance(Duration::from_millis(100)).await;
    for number in 1..=3 {
        eventually("each card to be posted", || card_ts(&app, number)).await;
    }
    app.idle().await;
    assert_eq!(app.slack.calls_to("chat.postMessage").len(), 5);
    for channel in ["C_ONE", "C_TWO", "C_THREE"] {
        let taken = app
            .slack
            .calls_to("chat.postMessage")
            .iter()
            .filter(|call| call.succeeded && call.args["channel"] == channel)
            .count();
        assert_eq!(taken, 1, "{channel}");
    }
}

/// 7. Slack answers 500, then resets the connection mid-answer, then never answers. Invariant:
/// each failure waits a backoff on the app's clock (no attempt without it: no tight loop), the
/// row ends `dead` with the last error after the bounded attempts (3 in tests), and nothing is
/// tried again however long the clock runs.
#[tokio::test]
async fn f07_server_errors_resets_and_hangs_back_off_and_end_dead_with_the_error() {
    // Only the last of the three calls reaches the timeout: 2 s of real time.
    let app = spawn_app_with_call_timeout(Duration::from_secs(2)).await;
    app.slack.script(
        "chat.postMessage",
        [
            Scripted::ServerError,
            Scripted::ResetConnection,
            Scripted::Hang,
        ],
    );
    app.command("[quest] What is paver used for today?").await;

    // Backoff is 2 s doubling, drawn between half and all of the step: after the first failure
    // 1–2 s, after the second 2–4 s.
    for (attempt, error, (shortest, longest)) in [
        (1, "HTTP 500", (1_000, 2_000)),
        (2, "protocol error", (2_000, 4_000)),
    ] {
        attempt_recorded(&app, attempt).await;
        let (state, _, last_error, next) = outbox_row(&app).await;
        assert_eq!(state, "pending");
        let last_error = last_error.expect("the failure is kept");
        assert!(last_error.contains(error));
        let wait = (next - app.now()).num_milliseconds();
        assert!(
            (shortest..=longest).contains(&wait),
            "attempt {attempt}: retry in {wait} ms"
        );
        app.idle().await;
        assert_eq!(
            app.slack.calls_to("chat.postMessage").len(),
            attempt as usize,
            "no retry before the backoff"
        );
        app.advance(Duration::from_millis(longest as u64)).await;
    }

    let (state, attempts, last_error, _) = eventually("the row to be given up", || async {
        let row = outbox_row(&app).await;
        (row.0 == "dead").then_some(row)
    })
    .await;
    assert_eq!((state.as_str(), attempts), ("dead", 3));
    assert!(
        last_error
            .expect("the error is kept")
            .contains("no answer from Slack"),
        "the hang is the last error"
    );
    assert_eq!(card_ts(&app, 1).await, None);

    app.advance(Duration::from_secs(3_600)).await;
    app.idle().await;
    assert_eq!(
        app.slack.calls_to("chat.postMessage").len(),
        3,
        "no more attempts"
    );
}

/// The text of every post Slack took (answered as a success or accepted before hanging).
fn posts_taken(slack: &FakeSlack) -> Vec<String> {
    let mut texts: Vec<String> = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|call| call.succeeded)
        .map(|call| call.args["text"].as_str().unwrap_or("").to_string())
        .collect();
    texts.sort();
    texts
}

/// 8. `kill -9` of the process making the calls, with one card whose call Slack never took,
/// one Slack took but whose answer never came (so its outcome was never committed), and one
/// whose outcome was committed. Invariant: after recovery every card is in the channel exactly
/// once. The middle case is the dangerous one: the worker records "unconfirmed" before each
/// call and puts the row's key in the message's metadata, so the process that takes the row
/// over looks in the channel's history first, finds the message, and records it instead of
/// posting it again.
#[tokio::test]
async fn f08_a_worker_killed_before_during_or_after_a_call_loses_and_doubles_nothing() {
    let slack = FakeSlack::start().await;
    let database = TestDatabase::create().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut binary = archhour(dir.path(), &slack);
    // The hung calls must not time out before the kill, however slow the machine: 300 s, so
    // each lease is 610 s.
    binary
        .env("DATABASE_URL", database.url())
        .env("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "300");
    let worker = start_with(binary).await;

    slack.script(
        "chat.postMessage",
        [Scripted::Hang, Scripted::AcceptThenHang],
    );
    let topics = [
        "[quest] Killed before Slack took it",
        "[discuss] Killed after Slack took it",
        "[inform] Killed after the commit",
    ];
    for (n, text) in topics.iter().enumerate() {
        // Each in its own channel: cards in one channel are posted in order, one at a time.
        command_in(&worker, &format!("C_KILL{n}"), text).await;
        eventually("the card's call to reach Slack", || async {
            (slack.calls_to("chat.postMessage").len() > n).then_some(())
        })
        .await;
    }
    let db = archhour::database::pool_options()
        .connect_with(database.options.clone())
        .await
        .expect("connecting");
    eventually("the third card's outcome to be committed", || async {
        let ts: Option<String> = sqlx::query_scalar("select card_ts from topics where number = 3")
            .fetch_one(&db)
            .await
            .expect("reading");
        ts
    })
    .await;
    kill_hard(worker);

    let unfinished: Vec<(i32, bool)> = sqlx::query_as(
        "select attempts, unconfirmed from outbox where state = 'pending' order by id",
    )
    .fetch_all(&db)
    .await
    .expect("reading the outbox");
    assert_eq!(
        unfinished,
        [(1, true), (1, true)],
        "two calls left in flight"
    );

    // Another process takes over once the dead worker's 610 s leases run out.
    let recovery = spawn_app_with(
        AppDatabase::at(database.options.clone()),
        slack.clone(),
        Utc::now(),
    )
    .await;
    recovery.clock.advance(chrono::Duration::seconds(611));
    eventually("both unfinished cards to be recorded", || async {
        let left: i64 = sqlx::query_scalar("select count(*) from outbox where state <> 'done'")
            .fetch_one(&db)
            .await
            .expect("counting");
        (left == 0).then_some(())
    })
    .await;
    recovery.idle().await;

    let mut expected: Vec<String> = topics
        .iter()
        .enumerate()
        .map(|(n, text)| format!("#{} {text}", n + 1))
        .collect();
    expected.sort();
    assert_eq!(
        posts_taken(&slack),
        expected,
        "each card in the channel once"
    );
    assert_eq!(
        slack.calls_to("chat.postMessage").len(),
        4,
        "only #1 posted again"
    );
    assert!(!slack.calls_to("conversations.history").is_empty());
    // The card Slack took is recorded with the message Slack made of it (the second post).
    assert_eq!(
        card_ts(&recovery, 2).await.as_deref(),
        Some("1700000000.000001")
    );
    let outcomes: Vec<Option<String>> =
        sqlx::query_scalar("select card_ts from topics order by number")
            .fetch_all(&db)
            .await
            .expect("reading");
    assert!(outcomes.iter().all(Option::is_some), "{outcomes:?}");
    db.close().await;
}

/// 8, history unreadable. Slack took a card but its answer never came (the call timed out), and
/// when the bot looks in the channel's history for it, Slack refuses (`not_in_channel`).
/// Invariant: the card is not lost. Not knowing, the bot posts it again (a duplicate is the
/// documented trade against a lost message), and the row ends done with that post's receipt.
#[tokio::test]
async fn f08_a_lost_answer_where_history_cannot_be_read_is_posted_again_not_lost() {
    let app = spawn_app_with_call_timeout(Duration::from_secs(2)).await;
    app.slack
        .script("chat.postMessage", [Scripted::AcceptThenHang]);
    app.slack.script(
        "conversations.history",
        [Scripted::SlackError("not_in_channel")],
    );
    app.command("[quest] What is paver used for today?").await;
    eventually("the lost answer to be recorded as unconfirmed", || async {
        let (state, attempts, last_error, _) = outbox_row(&app).await;
        let unconfirmed: bool = sqlx::query_scalar("select unconfirmed from outbox")
            .fetch_one(&app.db)
            .await
            .expect("reading the outbox");
        (state == "pending" && attempts == 1 && last_error.is_some() && unconfirmed).then_some(())
    })
    .await;

    app.advance(Duration::from_secs(60)).await;
    let ts = eventually("the card to be recorded", || card_ts(&app, 1)).await;
    app.idle().await;
    assert_eq!(app.slack.calls_to("conversations.history").len(), 1);
    assert_eq!(posts_in(&app, CHANNEL), 2, "posted again, not lost");
    // The first post was Slack's message 1; the second, whose answer came, is message 2.
    assert_eq!(ts, "1700000000.000002");
    let (state, attempts, _, _) = outbox_row(&app).await;
    assert_eq!((state.as_str(), attempts), ("done", 2));
}
