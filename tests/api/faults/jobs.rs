//! Faults 9–12 and 14: scheduled steps raced by three processes, outlived by their lease,
//! missed while every process was down, never woken, and rescheduled.

use std::time::Instant;

use archhour::domain::settings::ChannelSettings;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::meeting::{MINUTE, count_posts, posted, start, three_topics};
use crate::support::fake_slack::FakeSlack;
use crate::support::postgres::TestDatabase;
use crate::support::process::{archhour, start_with, stop};
use crate::support::{CHANNEL, TestApp, eventually, spawn_app};
use archhour::domain::ids::{ChannelId, TeamId};

/// When the next weekly digest falls due on default settings (Monday 09:00 UTC).
fn next_digest(app: &TestApp) -> DateTime<Utc> {
    let settings = ChannelSettings::default();
    settings
        .digest
        .expect("the digest is on by default")
        .next_after(settings.schedule.tz, app.now())
}

/// Schedules `channel`'s digest for `occurrence` as the bot does, but from the test's own
/// connection: another process's insert, which wakes nobody in the app.
async fn schedule_digest(app: &TestApp, channel: &str, occurrence: DateTime<Utc>) {
    let mut conn = app.db.acquire().await.expect("a connection");
    let before = occurrence - chrono::Duration::seconds(1);
    archhour::usecases::weekly::digest(&ChannelId::from(channel), &ChannelSettings::default())
        .ensure_next(&mut conn, &TeamId::from("T1"), before, app.now())
        .await
        .expect("scheduling a digest");
}

/// Moves the app's clock to `at`.
async fn advance_to(app: &TestApp, at: DateTime<Utc>) {
    app.advance((at - app.now()).to_std().expect("a moment to come"))
        .await;
}

/// (state, attempts) of every digest job for `occurrence`, by channel.
async fn digest_runs(app: &TestApp, occurrence: DateTime<Utc>) -> Vec<(String, i32)> {
    sqlx::query_as(
        "select state, attempts from jobs
         where payload->>'kind' = 'digest' and (payload->>'occurrence')::timestamptz = $1
         order by payload->>'channel_id'",
    )
    .bind(occurrence)
    .fetch_all(&app.db)
    .await
    .expect("reading digest jobs")
}

/// Channels each digest message went to, sorted.
fn digest_posts(app: &TestApp) -> Vec<String> {
    digests_posted_to(&app.slack)
}

/// Channels each digest message the fake Slack took went to, sorted.
fn digests_posted_to(slack: &FakeSlack) -> Vec<String> {
    let mut channels: Vec<String> = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|call| call.succeeded && call.args.to_string().contains("weekly digest"))
        .map(|call| call.args["channel"].as_str().unwrap_or("").to_string())
        .collect();
    channels.sort();
    channels
}

/// 9. Three archhour processes (the binary, three times, on one database) race for 1,000 jobs
/// that fall due at the same moment. Invariant: each job is claimed once (one attempt), runs
/// once and has its effect once: 1,000 digests, one per channel; and the work was shared, more
/// than one process claiming jobs.
#[tokio::test]
async fn f09_three_processes_racing_for_1000_due_jobs_run_each_once() {
    let slack = FakeSlack::start().await;
    let database = TestDatabase::create().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut processes = Vec::new();
    for _ in 0..3 {
        let mut binary = archhour(dir.path(), &slack);
        binary.env("DATABASE_URL", database.url());
        processes.push(start_with(binary).await);
    }
    let db = archhour::database::pool_options()
        .connect_with(database.options.clone())
        .await
        .expect("connecting");

    // The processes run on the real clock: the digest occurrence of the past week is due.
    let settings = ChannelSettings::default();
    let now = Utc::now();
    let occurrence = settings
        .digest
        .expect("the digest is on by default")
        .next_after(settings.schedule.tz, now - chrono::Duration::days(7));
    assert!(occurrence <= now);
    let channels: Vec<String> = (0..1_000).map(|n| format!("C{n:04}")).collect();
    // All at once, in one transaction that wakes nobody: each process finds them by its poll.
    let mut tx = db.begin().await.expect("a transaction");
    for channel in &channels {
        archhour::usecases::weekly::digest(&ChannelId::from(channel.as_str()), &settings)
            .ensure_next(
                &mut tx,
                &TeamId::from("T1"),
                occurrence - chrono::Duration::seconds(1),
                now,
            )
            .await
            .expect("scheduling a digest");
    }
    tx.commit().await.expect("committing 1,000 jobs");

    let runs = eventually("all 1,000 jobs to finish", || async {
        let runs: Vec<(String, i32, Option<String>)> = sqlx::query_as(
            "select state, attempts, claimed_by from jobs
             where payload->>'kind' = 'digest' and (payload->>'occurrence')::timestamptz = $1",
        )
        .bind(occurrence)
        .fetch_all(&db)
        .await
        .expect("reading digest jobs");
        let done = runs.iter().filter(|(state, ..)| state == "done").count();
        if done == runs.len() {
            Ok(runs)
        } else {
            Err(format!("{done} of {} jobs done", runs.len()))
        }
    })
    .await;
    assert_eq!(runs.len(), 1_000);
    assert!(
        runs.iter().all(|(_, attempts, _)| *attempts == 1),
        "a job was claimed twice"
    );
    let mut shares: std::collections::BTreeMap<String, usize> = Default::default();
    for (_, _, claimed_by) in &runs {
        *shares
            .entry(claimed_by.clone().expect("a claimer"))
            .or_default() += 1;
    }
    println!("jobs claimed per process: {shares:?}");
    assert!(
        shares.len() >= 2,
        "one process did all the work: {shares:?}"
    );

    eventually("every process to finish its calls", || {
        crate::support::unfinished_work(&db, Utc::now())
    })
    .await;
    assert_eq!(
        digests_posted_to(&slack),
        channels,
        "one digest per channel"
    );
    let digests: i64 = sqlx::query_scalar("select count(*) from digests")
        .fetch_one(&db)
        .await
        .expect("counting digests");
    assert_eq!(digests, 1_000);
    db.close().await;
    for running in processes {
        stop(running).await;
    }
}

/// 10. A worker runs a job so slowly (blocked on a lock another connection holds) that its
/// lease runs out and another process takes the job over (here the test itself claims it, as
/// another process would, so that nothing else runs it meanwhile). Invariant: the slow worker's
/// completion is refused (fenced by the attempt number it claimed) and its effects roll back:
/// while the other process holds the job, no digest exists and the job is still pending; once
/// that lease runs out too, one worker runs it, once.
#[tokio::test]
async fn f10_a_lease_that_expires_under_a_slow_worker_gives_one_effect() {
    let app = spawn_app().await;
    let occurrence = next_digest(&app);
    schedule_digest(&app, CHANNEL, occurrence).await;

    let mut blocker = app.db.begin().await.expect("a transaction");
    sqlx::query("lock table digests in exclusive mode")
        .execute(&mut *blocker)
        .await
        .expect("locking digests");
    advance_to(&app, occurrence).await;
    eventually("the slow worker to claim the job", || async {
        let runs = digest_runs(&app, occurrence).await;
        (runs == [("pending".to_string(), 1)]).then_some(())
    })
    .await;

    // Another process, whose clock is past the slow worker's lease, takes the job over.
    let lease = chrono::Duration::from_std(app.lease()).expect("a short duration");
    let their_now = app.now() + lease + chrono::Duration::seconds(1);
    let taken = archhour::store::jobs::claim_due(
        &app.db,
        their_now,
        their_now + lease,
        10,
        "another process",
        5,
    )
    .await
    .expect("claiming");
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempt, 2);

    // The slow worker gets the lock, writes its digest, and is refused at completion.
    blocker.rollback().await.expect("releasing the lock");
    eventually("the slow worker's transaction to end", || async {
        let busy: i64 = sqlx::query_scalar(
            "select count(*) from pg_locks where relation = 'digests'::regclass",
        )
        .fetch_one(&app.db)
        .await
        .expect("reading pg_locks");
        (busy == 0)
            .then_some(())
            .ok_or(format!("{busy} locks on digests"))
    })
    .await;
    assert_eq!(
        app.count("digests").await,
        0,
        "the slow worker's digest rolled back"
    );
    let held: (String, i32, Option<String>) = sqlx::query_as(
        "select state, attempts, claimed_by from jobs where payload->>'kind' = 'digest'
           and (payload->>'occurrence')::timestamptz = $1",
    )
    .bind(occurrence)
    .fetch_one(&app.db)
    .await
    .expect("the job");
    assert_eq!(
        held,
        (
            "pending".to_string(),
            2,
            Some("another process".to_string())
        )
    );

    // That process dies too; once its lease has run out, the app runs the job, once.
    app.clock.advance(lease * 2 + chrono::Duration::seconds(2));
    let runs = eventually("the job to finish", || async {
        let runs = digest_runs(&app, occurrence).await;
        (runs[0].0 == "done").then_some(runs)
    })
    .await;
    assert_eq!(runs, [("done".to_string(), 3)]);
    posted_digests(&app, 1).await;
    app.idle().await;
    assert_eq!(digest_posts(&app), [CHANNEL]);
    assert_eq!(app.count("digests").await, 1);
}

async fn posted_digests(app: &TestApp, n: usize) {
    eventually("the digest in Slack", || async {
        (digest_posts(app).len() >= n).then_some(())
    })
    .await;
}

/// DMs sent so far: (DM channel, text).
fn dms(app: &TestApp) -> Vec<(String, Value)> {
    app.slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|call| call.args["channel"].as_str().unwrap_or("").starts_with('D'))
        .map(|call| {
            (
                call.args["channel"].as_str().unwrap_or("").to_string(),
                call.args,
            )
        })
        .collect()
}

/// 11. Every process is down across the morning an action item falls due. Invariant: the
/// reminder is not lost (it fires on restart) and not doubled.
#[tokio::test]
async fn f11_a_reminder_due_while_every_process_is_down_fires_once_on_restart() {
    let app = spawn_app().await;
    // The clock is Wednesday 18 November 09:00 UTC: the item falls due Friday morning.
    app.command("action <@UA> send the notes due 2026-11-20")
        .await;
    let clock = app.clock.clone();
    let app = app
        .while_stopped(|_| clock.advance(chrono::Duration::days(3)))
        .await;
    let sent = eventually("the due-morning DM after the restart", || async {
        let sent = dms(&app);
        (!sent.is_empty()).then_some(sent)
    })
    .await;
    app.idle().await;
    assert_eq!(dms(&app).len(), 1);
    assert_eq!(sent[0].0, "DUA");
    assert!(sent[0].1.to_string().contains("send the notes"));
}

/// 12. A wake-up is lost: another process scheduled a job straight into the table (no
/// in-process notification) and every connection the app held was killed. Invariant: the job
/// still runs, found by the poll (25 ms in tests) on fresh connections. Nothing but the poll
/// can find it, so a missing poll fails the wait; how long it took is printed, not judged,
/// since a loaded machine may take any time.
#[tokio::test]
async fn f12_a_job_nobody_woke_for_is_found_by_the_poll() {
    let app = spawn_app().await;
    let occurrence = next_digest(&app);
    advance_to(&app, occurrence).await;
    app.idle().await;
    let killed: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()",
    )
    .fetch_all(&app.db)
    .await
    .expect("killing the app's connections");
    assert!(!killed.is_empty());

    let started = Instant::now();
    schedule_digest(&app, CHANNEL, occurrence).await;
    eventually("the job to run", || async {
        let runs = digest_runs(&app, occurrence).await;
        (runs[0].0 == "done")
            .then_some(())
            .ok_or_else(|| format!("the job is {runs:?}"))
    })
    .await;
    println!("the poll found the job in {:?}", started.elapsed());
    posted_digests(&app, 1).await;
}

/// 14. A time box is cancelled (`next` before its warning) or changed (`extend`) after its
/// warning and end were scheduled. Invariant: the old box's jobs never fire; the new ones fire
/// once.
#[tokio::test]
async fn f14_a_time_box_cancelled_or_changed_never_fires_its_old_jobs() {
    let app = spawn_app().await;
    three_topics(&app).await;
    start(&app).await;

    // Cancelled: #1's warning was due at 8:00 and its end at 10:00; `next` at 1:00 starts #2,
    // warned at 9:00.
    app.advance(MINUTE).await;
    assert_eq!(app.command("next").await["text"], "Moved on.");
    posted(&app, "Now discussing #2", 1).await;
    app.advance(7 * MINUTE).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, ":hourglass_flowing_sand:"), 0);
    app.advance(MINUTE).await;
    posted(&app, ":hourglass_flowing_sand: 2 min left on #2", 1).await;

    // Changed: at 10:00 #1's old end passes unseen; #2's box (end at 11:00) is extended by 5
    // minutes at 10:00, so its end moves to 16:00 and a new warning comes at 14:00.
    app.advance(MINUTE).await;
    assert_eq!(app.command("extend").await["text"], "Extended.");
    app.advance(MINUTE).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "Time's up on #1"), 0);
    assert_eq!(
        count_posts(&app.slack, "Time's up on #2"),
        0,
        "11:00 is the old end"
    );
    app.advance(3 * MINUTE).await;
    posted(&app, ":hourglass_flowing_sand: 2 min left on #2", 2).await;
    app.advance(2 * MINUTE).await;
    posted(&app, "Time's up on #2", 1).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "Time's up on #2"), 1);
    assert_eq!(
        count_posts(&app.slack, ":hourglass_flowing_sand: 2 min left on #1"),
        0
    );
    let cancelled: i64 = sqlx::query_scalar("select count(*) from jobs where state = 'cancelled'")
        .fetch_one(&app.db)
        .await
        .expect("counting");
    assert!(
        cancelled >= 3,
        "#1's warning and end, #2's end: {cancelled}"
    );
}

/// A job whose every attempt was claimed and never finished (each process running it died
/// mid-step) is given up on, visibly, instead of being claimed forever.
#[tokio::test]
async fn a_job_whose_attempts_never_finished_ends_failed_not_claimed_forever() {
    let app = spawn_app().await;
    let occurrence = next_digest(&app);
    schedule_digest(&app, CHANNEL, occurrence).await;
    // As the fifth process to die running it would have left it: five attempts (the most a
    // job gets), a lease that runs out before the job's time comes round, no outcome.
    sqlx::query("update jobs set attempts = 5, lease_until = $1, last_error = 'killed'")
        .bind(app.now() + chrono::Duration::seconds(1))
        .execute(&app.db)
        .await
        .expect("abandoning the job");
    // No claim takes it again, whatever the order of claiming and giving up: a process
    // claiming at the job's time, before anyone gave up on it, is refused.
    let taken = archhour::store::jobs::claim_due(
        &app.db,
        occurrence,
        occurrence + chrono::Duration::minutes(5),
        10,
        "a process claiming first",
        5,
    )
    .await
    .expect("claiming");
    assert!(taken.is_empty(), "a sixth attempt was claimed: {taken:?}");
    // Straight to the job's time (`advance` would wait for the lease, which nobody holds).
    app.clock.advance(occurrence - app.now());
    let (state, attempts, error): (String, i32, Option<String>) =
        eventually("the job to be given up", || async {
            let row: (String, i32, Option<String>) =
                sqlx::query_as("select state, attempts, last_error from jobs order by id limit 1")
                    .fetch_one(&app.db)
                    .await
                    .expect("reading the job");
            if row.0 == "failed" {
                Ok(row)
            } else {
                Err(format!("the job is {} after {} attempts", row.0, row.1))
            }
        })
        .await;
    assert_eq!((state.as_str(), attempts), ("failed", 5));
    assert_eq!(
        error.as_deref(),
        Some("gave up after 5 attempts that never finished (last error: killed)")
    );
    app.idle().await;
    assert!(digest_posts(&app).is_empty(), "never run a sixth time");
    assert_eq!(app.count("digests").await, 0);
}
