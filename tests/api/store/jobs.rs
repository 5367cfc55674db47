//! `store::jobs`: scheduled steps that run once: scheduling by key, cancelling, claiming due
//! steps under a lease, fencing a worker whose lease ran out, retrying, and giving up.

use archhour::domain::job::{Job, ScheduledJob};
use archhour::store::jobs::{self, ClaimedJob};
use chrono::{DateTime, Utc};

use super::{Db, at};

const SUBJECT: &str = "meeting:1:box";
const MAX_ATTEMPTS: u32 = 3;

fn job(key: &str, subject: &str, job: Job, due_at: DateTime<Utc>) -> ScheduledJob {
    ScheduledJob {
        key: key.to_string(),
        subject: subject.to_string(),
        job,
        due_at,
    }
}

fn box_end(key: &str, due_at: DateTime<Utc>) -> ScheduledJob {
    job(
        key,
        SUBJECT,
        Job::BoxEnd {
            meeting_id: 1,
            version: 1,
        },
        due_at,
    )
}

/// (state, attempts, due_at, lease_until, last_error) of a job.
type Row = (
    String,
    i32,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
);

async fn row(db: &Db, key: &str) -> Row {
    sqlx::query_as(
        "select state, attempts, due_at, lease_until, last_error from jobs where dedupe_key = $1",
    )
    .bind(key)
    .fetch_one(&db.pool)
    .await
    .expect("reading a job")
}

async fn claim(db: &Db, now: i64, lease_until: i64, limit: i64, worker: &str) -> Vec<ClaimedJob> {
    jobs::claim_due(
        &db.pool,
        at(now),
        at(lease_until),
        limit,
        worker,
        MAX_ATTEMPTS,
    )
    .await
    .expect("claiming jobs")
}

fn keys(claimed: &[ClaimedJob]) -> Vec<(&str, i32)> {
    claimed
        .iter()
        .map(|c| (c.key.as_str(), c.attempt))
        .collect()
}

/// A key names one step: scheduling it again changes nothing while it is pending, done or
/// failed; a cancelled key is armed again, afresh.
#[tokio::test]
async fn a_step_is_scheduled_once_unless_it_was_cancelled() {
    let db = Db::fresh().await;
    assert!(
        jobs::schedule(&db.pool, &box_end("k", at(10)), None, at(0))
            .await
            .unwrap()
    );
    assert!(
        !jobs::schedule(&db.pool, &box_end("k", at(20)), None, at(1))
            .await
            .unwrap()
    );
    assert_eq!(
        row(&db, "k").await,
        ("pending".into(), 0, at(10), None, None)
    );

    assert_eq!(
        jobs::cancel_subject(&db.pool, SUBJECT, at(2))
            .await
            .unwrap(),
        1
    );
    assert_eq!(row(&db, "k").await.0, "cancelled");
    assert!(
        jobs::schedule(&db.pool, &box_end("k", at(30)), None, at(3))
            .await
            .unwrap()
    );
    assert_eq!(
        row(&db, "k").await,
        ("pending".into(), 0, at(30), None, None)
    );

    let claimed = claim(&db, 30, 35, 10, "w1").await;
    assert!(jobs::complete(&db.pool, &claimed[0], at(31)).await.unwrap());
    assert!(
        !jobs::schedule(&db.pool, &box_end("k", at(40)), None, at(32))
            .await
            .unwrap()
    );
    assert_eq!(row(&db, "k").await.0, "done", "a step never runs twice");

    jobs::schedule(&db.pool, &box_end("f", at(30)), None, at(3))
        .await
        .unwrap();
    let claimed = claim(&db, 30, 35, 10, "w1").await;
    jobs::fail(&db.pool, &claimed[0], "broken", at(31))
        .await
        .unwrap();
    assert!(
        !jobs::schedule(&db.pool, &box_end("f", at(40)), None, at(32))
            .await
            .unwrap()
    );
    assert_eq!(row(&db, "f").await.0, "failed");
}

/// Due steps are claimed earliest first (by id among equals), at most `limit`, and each is held
/// by one worker until its lease runs out. A worker that lost its claim cannot complete the
/// step; the one that took it over can.
#[tokio::test]
async fn due_steps_are_claimed_in_order_under_a_lease() {
    let db = Db::fresh().await;
    for (key, due) in [("j1", 5), ("j2", 2), ("j3", 2), ("j4", 20)] {
        jobs::schedule(&db.pool, &box_end(key, at(due)), None, at(0))
            .await
            .unwrap();
    }
    let first = claim(&db, 10, 12, 2, "w1").await;
    assert_eq!(keys(&first), [("j2", 1), ("j3", 1)]);
    assert_eq!(
        first[0].job,
        Job::BoxEnd {
            meeting_id: 1,
            version: 1
        }
    );
    assert_eq!(keys(&claim(&db, 10, 12, 10, "w2").await), [("j1", 1)]);
    assert!(
        claim(&db, 11, 13, 10, "w3").await.is_empty(),
        "all held, j4 not due"
    );

    // The leases run out at 09:12: another worker takes all three over.
    let second = claim(&db, 12, 14, 10, "w3").await;
    assert_eq!(keys(&second), [("j2", 2), ("j3", 2), ("j1", 2)]);
    let claimed_by: Vec<String> = sqlx::query_scalar(
        "select claimed_by from jobs where state = 'pending' and dedupe_key <> 'j4' order by id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(claimed_by, ["w3", "w3", "w3"]);

    assert!(
        !jobs::complete(&db.pool, &first[0], at(13)).await.unwrap(),
        "w1's claim was lost"
    );
    jobs::retry(&db.pool, &first[1], at(50), "too late")
        .await
        .unwrap();
    assert_eq!(
        row(&db, "j3").await,
        ("pending".into(), 2, at(2), Some(at(14)), None)
    );
    assert!(jobs::complete(&db.pool, &second[0], at(13)).await.unwrap());
    assert_eq!(row(&db, "j2").await, ("done".into(), 2, at(2), None, None));
}

/// A failed attempt is put back for later, keeping its error, and the next claim is the
/// next attempt; failing it for good ends it.
#[tokio::test]
async fn a_step_is_retried_later_then_failed() {
    let db = Db::fresh().await;
    jobs::schedule(&db.pool, &box_end("k", at(0)), None, at(0))
        .await
        .unwrap();
    let first = claim(&db, 0, 5, 10, "w1").await;
    jobs::retry(&db.pool, &first[0], at(30), "Slack was down")
        .await
        .unwrap();
    assert_eq!(
        row(&db, "k").await,
        (
            "pending".into(),
            1,
            at(30),
            None,
            Some("Slack was down".into())
        )
    );
    assert!(claim(&db, 29, 35, 10, "w1").await.is_empty());
    assert_eq!(jobs::next_due(&db.pool).await.unwrap(), Some(at(30)));

    let second = claim(&db, 30, 35, 10, "w1").await;
    assert_eq!(keys(&second), [("k", 2)]);
    jobs::fail(&db.pool, &second[0], "still down", at(31))
        .await
        .unwrap();
    assert_eq!(
        row(&db, "k").await,
        ("failed".into(), 2, at(30), None, Some("still down".into()))
    );
    assert_eq!(jobs::next_due(&db.pool).await.unwrap(), None);
}

/// With three attempts allowed, a step claimed three times and never finished (its workers
/// died) is not claimed a fourth time; once the last lease has run out it is given up, and the
/// error says why.
#[tokio::test]
async fn a_step_whose_attempts_never_finish_is_given_up() {
    let db = Db::fresh().await;
    jobs::schedule(&db.pool, &box_end("k", at(0)), None, at(0))
        .await
        .unwrap();
    let first = claim(&db, 0, 1, 10, "w1").await;
    jobs::retry(&db.pool, &first[0], at(1), "timed out")
        .await
        .unwrap();
    claim(&db, 1, 2, 10, "w2").await;
    let third = claim(&db, 2, 3, 10, "w3").await;
    assert_eq!(keys(&third), [("k", 3)]);

    assert!(
        claim(&db, 3, 4, 10, "w4").await.is_empty(),
        "no fourth attempt"
    );
    assert_eq!(
        jobs::give_up_abandoned(&db.pool, at(2), MAX_ATTEMPTS)
            .await
            .unwrap(),
        0,
        "w3 may still finish"
    );
    assert_eq!(
        jobs::give_up_abandoned(&db.pool, at(3), MAX_ATTEMPTS)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        row(&db, "k").await,
        (
            "failed".into(),
            3,
            at(1),
            None,
            Some("gave up after 3 attempts that never finished (last error: timed out)".into())
        )
    );
    assert!(!jobs::complete(&db.pool, &third[0], at(4)).await.unwrap());
}

/// Cancelling a subject's steps leaves the one a worker is running (it carries the version it
/// was made for), steps already finished, and other subjects' steps.
#[tokio::test]
async fn cancelling_a_subject_leaves_a_step_being_run() {
    let db = Db::fresh().await;
    for (key, due) in [("running", 0), ("done", 0), ("waiting", 30)] {
        jobs::schedule(&db.pool, &box_end(key, at(due)), None, at(0))
            .await
            .unwrap();
    }
    let other = job(
        "other",
        "meeting:2:box",
        Job::MeetingAutoEnd { meeting_id: 2 },
        at(30),
    );
    jobs::schedule(&db.pool, &other, None, at(0)).await.unwrap();
    let claimed = claim(&db, 0, 10, 10, "w1").await;
    let [running, done] = claimed.as_slice() else {
        panic!("two due steps, got {claimed:?}")
    };
    jobs::complete(&db.pool, done, at(1)).await.unwrap();

    assert_eq!(
        jobs::cancel_subject(&db.pool, SUBJECT, at(2))
            .await
            .unwrap(),
        1
    );
    assert_eq!(row(&db, "waiting").await.0, "cancelled");
    assert_eq!(row(&db, "running").await.0, "pending");
    assert_eq!(row(&db, "done").await.0, "done");
    assert_eq!(row(&db, "other").await.0, "pending");
    assert!(
        jobs::complete(&db.pool, running, at(3)).await.unwrap(),
        "it finishes on its own"
    );

    // A step whose worker's lease has run out is no longer being run: it is cancelled.
    jobs::schedule(&db.pool, &box_end("stalled", at(0)), None, at(0))
        .await
        .unwrap();
    claim(&db, 3, 5, 10, "w1").await;
    assert_eq!(
        jobs::cancel_subject(&db.pool, SUBJECT, at(5))
            .await
            .unwrap(),
        1
    );
    assert_eq!(row(&db, "stalled").await.0, "cancelled");
}

/// Closing a vote early brings that subject's pending vote-close steps forward to now; a step
/// due sooner than now keeps its time, and steps of another kind keep theirs.
#[tokio::test]
async fn bringing_steps_forward_only_makes_them_due_sooner() {
    let db = Db::fresh().await;
    let vote_close = |key: &str, due: i64| {
        job(
            key,
            SUBJECT,
            Job::VoteClose {
                meeting_id: 1,
                version: 1,
            },
            at(due),
        )
    };
    jobs::schedule(&db.pool, &vote_close("later", 40), None, at(0))
        .await
        .unwrap();
    jobs::schedule(&db.pool, &vote_close("sooner", 5), None, at(0))
        .await
        .unwrap();
    jobs::schedule(&db.pool, &box_end("box", at(30)), None, at(0))
        .await
        .unwrap();

    jobs::bring_forward(&db.pool, SUBJECT, "vote_close", at(10))
        .await
        .unwrap();
    assert_eq!(row(&db, "later").await.2, at(10));
    assert_eq!(row(&db, "sooner").await.2, at(5));
    assert_eq!(row(&db, "box").await.2, at(30));
}

/// The worker sleeps until the next pending step is due, or until a held step's lease runs
/// out, whichever is first.
#[tokio::test]
async fn the_next_wake_up_is_the_earliest_due_step_or_lease_end() {
    let db = Db::fresh().await;
    assert_eq!(jobs::next_due(&db.pool).await.unwrap(), None);
    jobs::schedule(&db.pool, &box_end("held", at(30)), None, at(0))
        .await
        .unwrap();
    assert_eq!(jobs::next_due(&db.pool).await.unwrap(), Some(at(30)));
    claim(&db, 30, 50, 10, "w1").await;
    assert_eq!(jobs::next_due(&db.pool).await.unwrap(), Some(at(50)));
    jobs::schedule(&db.pool, &box_end("later", at(40)), None, at(0))
        .await
        .unwrap();
    assert_eq!(jobs::next_due(&db.pool).await.unwrap(), Some(at(40)));
}
