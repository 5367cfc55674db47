//! The outbox delivers each queued call exactly once through rate limits, Slack errors, hung
//! connections and competing workers, and gives up visibly when a call keeps failing.

use std::time::Duration;

use crate::support::fake_slack::Scripted;
use crate::support::{TestApp, eventually, spawn_app, spawn_app_with_call_timeout};

async fn card_ts(app: &TestApp, number: i32) -> Option<String> {
    sqlx::query_scalar("select card_ts from topics where number = $1")
        .bind(number)
        .fetch_one(&app.db)
        .await
        .expect("reading card_ts")
}

/// Waits until attempt `n` has finished and its outcome is recorded (the lease is released).
async fn attempt_recorded(app: &TestApp, n: i32) {
    eventually("an attempt's outcome to be recorded", || async {
        let done: bool =
            sqlx::query_scalar("select attempts = $1 and lease_until is null from outbox")
                .bind(n)
                .fetch_one(&app.db)
                .await
                .expect("reading the outbox");
        done.then_some(())
    })
    .await;
}

async fn outbox_row(app: &TestApp) -> (String, i32, Option<String>) {
    sqlx::query_as("select state, attempts, last_error from outbox")
        .fetch_one(&app.db)
        .await
        .expect("one outbox row")
}

#[tokio::test]
async fn a_card_is_posted_once_after_two_server_errors() {
    let app = spawn_app().await;
    app.slack.script(
        "chat.postMessage",
        [Scripted::ServerError, Scripted::ServerError],
    );
    app.command("[quest] What is paver used for today?").await;

    // Backoff waits on the app's clock: move it past the longest possible delay each time.
    for attempt in 1..=2 {
        attempt_recorded(&app, attempt).await;
        app.advance(Duration::from_secs(60)).await;
    }
    eventually("the card to be posted", || card_ts(&app, 1)).await;
    app.idle().await;
    assert_eq!(app.slack.calls_to("chat.postMessage").len(), 3);
    let (state, attempts, last_error) = outbox_row(&app).await;
    assert_eq!((state.as_str(), attempts), ("done", 3));
    assert!(
        last_error
            .expect("the last failure is kept")
            .contains("500")
    );
}

#[tokio::test]
async fn a_hung_call_times_out_and_is_retried() {
    // The hang lasts until the call times out: 2 s of real time, long enough for the retry's
    // answer on a loaded machine.
    let app = spawn_app_with_call_timeout(Duration::from_secs(2)).await;
    app.slack.script("chat.postMessage", [Scripted::Hang]);
    app.command("[quest] What is paver used for today?").await;
    attempt_recorded(&app, 1).await;
    let (_, _, error) = outbox_row(&app).await;
    assert!(
        error
            .expect("the timeout is recorded")
            .contains("no answer from Slack")
    );
    app.advance(Duration::from_secs(60)).await;
    eventually("the card to be posted", || card_ts(&app, 1)).await;
    assert_eq!(app.slack.calls_to("chat.postMessage").len(), 2);
}

#[tokio::test]
async fn a_permanent_slack_error_is_not_retried() {
    let app = spawn_app().await;
    app.slack.script(
        "chat.postMessage",
        [Scripted::SlackError("channel_not_found")],
    );
    app.command("[quest] What is paver used for today?").await;
    let (state, attempts, error) = eventually("the row to be given up", || async {
        let row = outbox_row(&app).await;
        (row.0 == "dead").then_some(row)
    })
    .await;
    assert_eq!((state.as_str(), attempts), ("dead", 1));
    assert!(error.expect("error kept").contains("channel_not_found"));
}

#[tokio::test]
async fn two_app_processes_draining_one_outbox_post_each_card_once() {
    let first = spawn_app().await;
    let second = first.spawn_peer().await;
    for n in 0..15 {
        first
            .command(&format!("[discuss] Topic {n} from the first"))
            .await;
        second
            .command(&format!("[discuss] Topic {n} from the second"))
            .await;
    }
    eventually("all 30 cards to be posted", || async {
        let posted: i64 =
            sqlx::query_scalar("select count(*) from topics where card_ts is not null")
                .fetch_one(&first.db)
                .await
                .expect("counting");
        (posted == 30).then_some(())
    })
    .await;
    first.idle().await;
    let mut texts: Vec<String> = first
        .slack
        .calls_to("chat.postMessage")
        .iter()
        .map(|call| call.args["text"].as_str().expect("text").to_string())
        .collect();
    assert_eq!(texts.len(), 30, "one post per card");
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 30, "no card posted twice");
    let numbers: Vec<i32> = sqlx::query_scalar("select number from topics order by number")
        .fetch_all(&first.db)
        .await
        .expect("numbers");
    assert_eq!(numbers, (1..=30).collect::<Vec<_>>());
}

/// A row whose attempts were all claimed and never recorded (each process making the call
/// stopped mid-call) is given up on, visibly, instead of being claimed forever.
#[tokio::test]
async fn a_row_whose_attempts_were_never_recorded_ends_dead_not_retried_forever() {
    let app = spawn_app().await;
    app.command("[quest] What is paver used for today?").await;
    eventually("the card to be posted", || card_ts(&app, 1)).await;
    // As a third process that died mid-call would have left it: 3 attempts (the test
    // maximum) claimed, the last lease run out, no outcome.
    sqlx::query(
        "update outbox set state = 'pending', attempts = 3, unconfirmed = true,
                           lease_until = $1, last_error = 'HTTP 500'",
    )
    .bind(app.now() - chrono::Duration::seconds(1))
    .execute(&app.db)
    .await
    .expect("abandoning the row");
    let (state, attempts, error) = eventually("the row to be given up", || async {
        let row = outbox_row(&app).await;
        if row.0 == "dead" {
            Ok(row)
        } else {
            Err(format!("the row is {}", row.0))
        }
    })
    .await;
    assert_eq!((state.as_str(), attempts), ("dead", 3));
    assert_eq!(
        error.as_deref(),
        Some("gave up after 3 attempts whose outcome was never recorded (last error: HTTP 500)")
    );
    app.idle().await;
    assert_eq!(app.slack.calls_to("chat.postMessage").len(), 1);
    assert!(app.slack.calls_to("conversations.history").is_empty());
}
