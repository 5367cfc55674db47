//! `store::outbox`: calls to Slack queued once per intent, edits merged while they wait, a
//! channel's messages sent in order, claims under a lease with a fence, and giving up.

use std::time::Duration;

use archhour::slack::api::CallReceipt;
use archhour::slack::outgoing::{AfterSend, Delivery};
use archhour::store::outbox::{self, Claimed};
use chrono::{DateTime, Utc};

use super::{Db, at, delivery};
use archhour::domain::ids::{ChannelId, UserId};

const MAX_ATTEMPTS: u32 = 3;

fn in_sequence(key: &str, sequence: &str) -> Delivery {
    Delivery {
        sequence_key: Some(sequence.to_string()),
        ..delivery(key)
    }
}

fn merging(key: &str, coalesce: &str, delay_seconds: u64) -> Delivery {
    Delivery {
        coalesce_key: Some(coalesce.to_string()),
        delay: Duration::from_secs(delay_seconds),
        ..delivery(key)
    }
}

fn seconds(n: i64) -> DateTime<Utc> {
    at(0) + chrono::Duration::seconds(n)
}

async fn claim(db: &Db, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> Vec<Claimed> {
    outbox::claim_due(&db.pool, now, lease_until, 10, MAX_ATTEMPTS)
        .await
        .expect("claiming rows")
}

fn keys(claimed: &[Claimed]) -> Vec<&str> {
    claimed.iter().map(|c| c.key.as_str()).collect()
}

/// (key, next_attempt_at) of every row, in id order.
async fn rows(db: &Db) -> Vec<(String, DateTime<Utc>)> {
    sqlx::query_as("select idempotency_key, next_attempt_at from outbox order by id")
        .fetch_all(&db.pool)
        .await
        .expect("reading the outbox")
}

/// (state, attempts, last_error) of a row.
async fn state(db: &Db, key: &str) -> (String, i32, Option<String>) {
    sqlx::query_as("select state, attempts, last_error from outbox where idempotency_key = $1")
        .bind(key)
        .fetch_one(&db.pool)
        .await
        .expect("reading a row")
}

#[tokio::test]
async fn an_intent_is_queued_once() {
    let db = Db::fresh().await;
    let dm = Delivery::reminder_dm("run-1", &UserId::from("U1"));
    assert!(outbox::enqueue(&db.pool, &dm, at(0)).await.unwrap());
    assert!(!outbox::enqueue(&db.pool, &dm, at(1)).await.unwrap());
    assert_eq!(rows(&db).await, [(dm.key.clone(), at(0))]);

    // What was queued comes back with the claim.
    let claimed = claim(&db, at(1), at(2)).await;
    let [row] = claimed.as_slice() else {
        panic!("one row, got {claimed:?}")
    };
    assert_eq!(
        (&row.key, &row.outgoing, &row.after_send, row.created_at),
        (&dm.key, &dm.outgoing, &dm.after_send, at(0))
    );
    assert_eq!(
        row.after_send,
        Some(AfterSend::RecordReminderDm {
            run_key: "run-1".to_string(),
            user_id: UserId::from("U1")
        })
    );
}

/// Edits of one card merge while one waits: the waiting row is kept and becomes due at the
/// soonest of their times. Once a worker claims it, the next edit is a row of its own (it must
/// show what changed after the claimed one was rendered).
#[tokio::test]
async fn edits_merge_while_one_waits() {
    let db = Db::fresh().await;
    assert!(
        outbox::enqueue(&db.pool, &merging("e1", "card:7", 60), at(0))
            .await
            .unwrap()
    );
    assert!(
        !outbox::enqueue(&db.pool, &merging("e2", "card:7", 30), at(0))
            .await
            .unwrap()
    );
    assert!(
        !outbox::enqueue(&db.pool, &merging("e3", "card:7", 120), at(0))
            .await
            .unwrap()
    );
    assert!(
        outbox::enqueue(&db.pool, &merging("f1", "card:8", 60), at(0))
            .await
            .unwrap()
    );
    assert_eq!(
        rows(&db).await,
        [
            ("e1".to_string(), seconds(30)),
            ("f1".to_string(), seconds(60))
        ]
    );

    assert_eq!(keys(&claim(&db, seconds(30), seconds(40)).await), ["e1"]);
    assert!(
        outbox::enqueue(&db.pool, &merging("e4", "card:7", 0), seconds(31))
            .await
            .unwrap()
    );
    assert_eq!(db.count("outbox").await, 3);
}

/// The batch form merges the same way: a waiting row only ever becomes due sooner.
#[tokio::test]
async fn a_batch_of_edits_merges_with_those_waiting() {
    let db = Db::fresh().await;
    outbox::enqueue(&db.pool, &merging("a1", "card:1", 60), at(0))
        .await
        .unwrap();
    outbox::enqueue(&db.pool, &merging("b1", "card:2", 10), at(0))
        .await
        .unwrap();
    outbox::enqueue_coalesced(
        &db.pool,
        &[
            merging("a2", "card:1", 30),
            merging("b2", "card:2", 90),
            merging("c1", "card:3", 5),
        ],
        at(0),
    )
    .await
    .unwrap();
    assert_eq!(
        rows(&db).await,
        [
            ("a1".to_string(), seconds(30)),
            ("b1".to_string(), seconds(10)),
            ("c1".to_string(), seconds(5)),
        ]
    );
}

/// Rows with a sequence key go out in the order queued: a row waits while an earlier row of
/// its sequence is pending (held or put back for a retry), and does not count for the next
/// wake-up meanwhile. Other sequences, and rows without one, do not wait.
#[tokio::test]
async fn a_sequence_is_sent_in_the_order_queued() {
    let db = Db::fresh().await;
    for d in [
        in_sequence("s1", "C1"),
        in_sequence("s2", "C1"),
        in_sequence("o1", "C2"),
        delivery("free"),
    ] {
        outbox::enqueue(&db.pool, &d, at(0)).await.unwrap();
    }
    let first = claim(&db, at(0), at(5)).await;
    assert_eq!(keys(&first), ["s1", "o1", "free"]);
    assert_eq!(
        outbox::next_due(&db.pool).await.unwrap(),
        Some(at(5)),
        "s2 waits for s1"
    );
    let receipt = CallReceipt::default();
    for other in &first[1..] {
        assert!(
            outbox::mark_done(&db.pool, other, &receipt, at(1))
                .await
                .unwrap()
        );
    }

    outbox::schedule_retry(&db.pool, &first[0], at(10), "ratelimited", false)
        .await
        .unwrap();
    assert!(
        claim(&db, at(6), at(11)).await.is_empty(),
        "s2 still waits for s1"
    );
    let again = claim(&db, at(10), at(15)).await;
    assert_eq!(keys(&again), ["s1"]);
    assert!(
        outbox::mark_done(&db.pool, &again[0], &receipt, at(11))
            .await
            .unwrap()
    );
    assert_eq!(keys(&claim(&db, at(11), at(16)).await), ["s2"]);
}

/// A claim holds a row until its lease runs out; then another worker claims it, told that the
/// first attempt may have reached Slack, and the first worker's outcome is refused.
#[tokio::test]
async fn a_lost_claim_is_fenced_and_its_attempt_may_have_been_sent() {
    let db = Db::fresh().await;
    outbox::enqueue(&db.pool, &delivery("k"), at(0))
        .await
        .unwrap();
    let first = claim(&db, at(0), at(2)).await;
    assert_eq!((first[0].attempt, first[0].maybe_sent), (1, false));
    assert!(claim(&db, at(1), at(3)).await.is_empty());

    let second = claim(&db, at(2), at(4)).await;
    assert_eq!((second[0].attempt, second[0].maybe_sent), (2, true));
    let receipt = CallReceipt {
        channel: Some(ChannelId::from("C1")),
        ts: Some("1.1".to_string()),
        read: None,
    };
    assert!(
        !outbox::mark_done(&db.pool, &first[0], &receipt, at(3))
            .await
            .unwrap()
    );
    outbox::mark_dead(&db.pool, &first[0], "stale", at(3))
        .await
        .unwrap();
    assert!(
        outbox::mark_done(&db.pool, &second[0], &receipt, at(3))
            .await
            .unwrap()
    );
    let done: (
        String,
        serde_json::Value,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    ) = sqlx::query_as("select state, receipt, lease_until, finished_at from outbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        done,
        (
            "done".to_string(),
            serde_json::json!({"channel": "C1", "ts": "1.1"}),
            None,
            Some(at(3))
        )
    );
}

/// A retry says whether the failed attempt may have taken effect; the next claim passes it on.
#[tokio::test]
async fn a_retry_carries_whether_the_attempt_may_have_been_sent() {
    let db = Db::fresh().await;
    outbox::enqueue(&db.pool, &delivery("k"), at(0))
        .await
        .unwrap();
    let first = claim(&db, at(0), at(1)).await;
    outbox::schedule_retry(&db.pool, &first[0], at(1), "ratelimited", false)
        .await
        .unwrap();
    let second = claim(&db, at(1), at(2)).await;
    assert_eq!((second[0].attempt, second[0].maybe_sent), (2, false));
    outbox::schedule_retry(&db.pool, &second[0], at(2), "timed out", true)
        .await
        .unwrap();
    let third = claim(&db, at(2), at(3)).await;
    assert_eq!((third[0].attempt, third[0].maybe_sent), (3, true));
    assert_eq!(
        state(&db, "k").await,
        ("pending".into(), 3, Some("timed out".into()))
    );
}

/// With three attempts allowed, a row claimed three times whose outcome was never recorded is
/// given up once the last lease runs out. A row that used its attempts but waits out a
/// `Retry-After` (its outcome was recorded: no lease) is not: Slack told it to wait.
#[tokio::test]
async fn a_row_whose_outcomes_are_never_recorded_is_given_up() {
    let db = Db::fresh().await;
    outbox::enqueue(&db.pool, &delivery("lost"), at(0))
        .await
        .unwrap();
    for minute in 0..3 {
        claim(&db, at(minute), at(minute + 1)).await;
    }
    assert_eq!(
        outbox::give_up_abandoned(&db.pool, at(2), MAX_ATTEMPTS)
            .await
            .unwrap(),
        0
    );
    // Its last lease has run out with every attempt used: not claimed for a fourth call,
    // whichever of the worker's two statements comes first.
    assert!(claim(&db, at(3), at(4)).await.is_empty());
    assert_eq!(
        outbox::give_up_abandoned(&db.pool, at(3), MAX_ATTEMPTS)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        state(&db, "lost").await,
        (
            "dead".into(),
            3,
            Some(
                "gave up after 3 attempts whose outcome was never recorded (last error: none)"
                    .into()
            )
        )
    );

    outbox::enqueue(&db.pool, &delivery("waiting"), at(10))
        .await
        .unwrap();
    for minute in 10..13 {
        let claimed = claim(&db, at(minute), at(minute + 1)).await;
        outbox::schedule_retry(&db.pool, &claimed[0], at(minute + 1), "ratelimited", false)
            .await
            .unwrap();
    }
    assert_eq!(
        outbox::give_up_abandoned(&db.pool, at(20), MAX_ATTEMPTS)
            .await
            .unwrap(),
        0
    );
    assert_eq!(state(&db, "waiting").await.0, "pending");
    // Its outcomes were recorded: it is claimed again once its wait is over.
    assert_eq!(keys(&claim(&db, at(20), at(21)).await), ["waiting"]);
    assert_eq!(
        outbox::depth(&db.pool)
            .await
            .unwrap()
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>(),
        [("dead".to_string(), 1), ("pending".to_string(), 1)].into()
    );
}
