//! Retention: the daily job forgets old event ids, vote tombstones, finished outbox rows and
//! finished jobs, keeps everything else, runs once per database, goes on in rounds when its
//! time runs out, and an old redelivered reaction cannot bring back a vote whose tombstone it
//! pruned.
//!
//! Every app here has retention on, with the default ages unless a test says otherwise (other
//! tests' apps keep everything, so their `jobs` tables hold only what they caused).
//! The app starts on Wednesday 2026-11-18 09:00 UTC (T0); the daily runs are due at 03:00 UTC,
//! the first on Thursday 2026-11-19. Default ages: event ids and tombstones 2 days, done outbox
//! rows 30, dead ones 90, finished jobs 30.

use std::time::Duration;

use archhour::config::RetentionSettings;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::PgPool;

use crate::support::{TestApp, eventually, spawn_app_with_retention};

/// Wednesday 2026-11-18 09:00 UTC, when every test app starts.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap()
}

/// 03:00 UTC on November `day` 2026: a daily run's due time.
fn run_on(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 3, 0, 0).unwrap()
}

/// Moves the app's clock to `at` and waits until every job due by then has run.
async fn advance_to(app: &TestApp, at: DateTime<Utc>) {
    app.advance((at - app.now()).to_std().expect("a moment to come"))
        .await;
    app.idle().await;
}

/// A year of old rows, one a day for the 365 days before T0 (day `d` is T0 − d days): event
/// ids `Ev-old-ddd`; tombstones of `Ud` on message `M-old` (its latest event at that time);
/// outbox rows done and dead (finished then) and jobs done, cancelled or failed by turns
/// (finished then). Beside them, what no age removes: a present vote every 30 days, an outbox
/// row and a job created a year ago and still pending, and a year-old meeting, topic and action
/// item.
async fn seed_a_year(db: &PgPool) {
    let statements = [
        "insert into slack_events (event_id, received_at)
         select 'Ev-old-' || lpad(d::text, 3, '0'), $1 - make_interval(days => d)
         from generate_series(0, 364) d",
        "insert into votes (channel_id, message_ts, user_id, present, voted_at, last_event_ts)
         select 'C_OLD', 'M-old', 'U' || d, false, $1 - make_interval(days => d),
                (extract(epoch from $1 - make_interval(days => d)) * 1000000)::bigint
         from generate_series(0, 364) d",
        "insert into votes (channel_id, message_ts, user_id, present, voted_at, last_event_ts)
         select 'C_OLD', 'M-old', 'P' || d, true, $1 - make_interval(days => d),
                (extract(epoch from $1 - make_interval(days => d)) * 1000000)::bigint
         from generate_series(0, 364, 30) d",
        "insert into outbox (idempotency_key, call, state, next_attempt_at, created_at,
                             finished_at)
         select 'old-' || s || '-' || d, '{}', s, $1 - make_interval(days => d),
                $1 - make_interval(days => d), $1 - make_interval(days => d)
         from generate_series(0, 364) d, unnest(array['done', 'dead']) s",
        "insert into outbox (idempotency_key, call, next_attempt_at, created_at)
         values ('old-pending', '{}', $1 + interval '1 year', $1 - interval '365 days')",
        "insert into jobs (dedupe_key, subject, payload, due_at, state, created_at, finished_at)
         select 'old-job-' || d, 'old', '{\"kind\": \"box_end\", \"meeting_id\": 1, \"version\": 1}',
                $1 - make_interval(days => d), (array['done', 'cancelled', 'failed'])[d % 3 + 1],
                $1 - make_interval(days => d), $1 - make_interval(days => d)
         from generate_series(0, 364) d",
        "insert into jobs (dedupe_key, subject, payload, due_at, created_at)
         values ('old-job-pending', 'old', '{\"kind\": \"box_end\", \"meeting_id\": 1, \"version\": 1}',
                 $1 + interval '1 year', $1 - interval '365 days')",
        "insert into workspaces (team_id, created_at) values ('T_OLD', $1 - interval '365 days')",
        "insert into meetings (team_id, channel_id, started_by, started_at, ended_at, phase)
         values ('T_OLD', 'C_OLD', 'U_FAC', $1 - interval '364 days',
                 $1 - interval '364 days' + interval '1 hour', 'ended')",
        "insert into topics (team_id, number, channel_id, author_id, intents, title, state,
                             card_ts, created_at, discussed_in)
         select 'T_OLD', 1, 'C_OLD', 'U_ANN', '{discuss}', 'A year-old topic', 'discussed',
                'M-old', $1 - interval '365 days', id
         from meetings",
        "insert into action_items (team_id, number, channel_id, text, topic_id, meeting_id,
                                   created_by, created_at, state, closed_by, closed_at)
         select 'T_OLD', 1, 'C_OLD', 'Write it up', t.id, m.id, 'U_FAC',
                $1 - interval '364 days', 'done', 'U_ANN', $1 - interval '300 days'
         from topics t, meetings m",
    ];
    for statement in statements {
        sqlx::query(statement)
            .bind(t0())
            .execute(db)
            .await
            .unwrap_or_else(|e| panic!("seeding: {e}\n{statement}"));
    }
}

/// Every row of the tables retention never prunes, and the present votes, as JSON text.
async fn untouched(db: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select to_jsonb(w)::text from workspaces w
         union all (select to_jsonb(m)::text from meetings m order by id)
         union all (select to_jsonb(t)::text from topics t order by id)
         union all (select to_jsonb(a)::text from action_items a order by id)
         union all (select to_jsonb(v)::text from votes v where present order by user_id)",
    )
    .fetch_all(db)
    .await
    .expect("reading what retention keeps")
}

async fn texts(db: &PgPool, query: &'static str) -> Vec<String> {
    sqlx::query_scalar(query)
        .fetch_all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}: {query}"))
}

/// What is left of the seeded year, each oldest first.
#[derive(Debug)]
struct Left {
    event_ids: Vec<String>,
    /// Voters whose removed vote's tombstone is left.
    tombstones: Vec<String>,
    done: Vec<String>,
    dead: Vec<String>,
    /// Finished jobs, as `key state`.
    jobs: Vec<String>,
}

async fn left(db: &PgPool) -> Left {
    Left {
        event_ids: texts(db, "select event_id from slack_events order by received_at").await,
        tombstones: texts(
            db,
            "select user_id from votes where not present order by last_event_ts",
        )
        .await,
        done: texts(
            db,
            "select idempotency_key from outbox where state = 'done' order by finished_at",
        )
        .await,
        dead: texts(
            db,
            "select idempotency_key from outbox where state = 'dead' order by finished_at",
        )
        .await,
        jobs: texts(
            db,
            "select dedupe_key || ' ' || state from jobs where subject = 'old' and state <> 'pending'
             order by finished_at",
        )
        .await,
    }
}

/// `prefix` followed by the days in `days`, oldest (largest) first.
fn days(prefix: &str, days: std::ops::RangeInclusive<u32>) -> Vec<String> {
    days.rev().map(|d| format!("{prefix}{d}")).collect()
}

/// The seeded finished jobs of the days in `days`, oldest first, with their states.
fn finished_jobs(days: std::ops::RangeInclusive<u32>) -> Vec<String> {
    let states = ["done", "cancelled", "failed"];
    days.rev()
        .map(|d| format!("old-job-{d} {}", states[(d % 3) as usize]))
        .collect()
}

/// The retention jobs: (key, state), by due time and key.
async fn retention_jobs(db: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "select dedupe_key, state from jobs where payload ->> 'kind' = 'retention'
         order by due_at, dedupe_key",
    )
    .fetch_all(db)
    .await
    .expect("reading retention jobs")
}

/// The retention jobs once the app's job worker has scheduled the first run, as it does when
/// it starts (before that, moving the clock would move the first run too).
async fn scheduled_at_start(app: &TestApp) -> Vec<(String, String)> {
    eventually("the first run to be scheduled at start", || async {
        let jobs = retention_jobs(&app.db).await;
        (!jobs.is_empty()).then_some(jobs)
    })
    .await
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
        .collect()
}

async fn metrics(app: &TestApp) -> String {
    app.get("/metrics")
        .await
        .text()
        .await
        .expect("metrics text")
}

/// The vote event floor: (ignored_before, published_at).
async fn floor(db: &PgPool) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    sqlx::query_as("select ignored_before, published_at from vote_event_floor")
        .fetch_optional(db)
        .await
        .expect("reading the floor")
}

/// A year of old rows and two daily runs. The first (Thursday 03:00) keeps event ids from
/// Tuesday 03:00 on (days 0 and 1), done outbox rows and finished jobs from 30 days before
/// (October 20, 03:00: days 0–29), dead rows from 90 days before (August 21, 03:00: days
/// 0–89), and every tombstone: no floor was published yet, so none may go. It publishes the
/// floor at Tuesday 03:00. The second (Friday 03:00) moves each horizon a day (days 0, 0–28,
/// 0–88) and prunes the tombstones below that floor (days 2 and older). Present votes, pending
/// rows and jobs, meetings, topics and items are never touched.
#[tokio::test]
async fn a_year_of_old_rows_is_pruned_to_what_each_age_keeps_and_nothing_else() {
    let app = spawn_app_with_retention(RetentionSettings::default()).await;
    seed_a_year(&app.db).await;
    let kept_forever = untouched(&app.db).await;
    assert_eq!(
        kept_forever.len(),
        1 + 1 + 1 + 1 + 13,
        "the seed as planned"
    );
    assert_eq!(
        scheduled_at_start(&app).await,
        pairs(&[("retention:2026-11-19", "pending")])
    );

    advance_to(&app, run_on(19)).await;
    let left_after_one = left(&app.db).await;
    assert_eq!(left_after_one.event_ids, ["Ev-old-001", "Ev-old-000"]);
    assert_eq!(
        left_after_one.tombstones,
        days("U", 0..=364),
        "no floor yet: every tombstone stays"
    );
    assert_eq!(left_after_one.done, days("old-done-", 0..=29));
    assert_eq!(left_after_one.dead, days("old-dead-", 0..=89));
    assert_eq!(left_after_one.jobs, finished_jobs(0..=29));
    assert_eq!(
        floor(&app.db).await,
        Some((
            Utc.with_ymd_and_hms(2026, 11, 17, 3, 0, 0).unwrap(),
            run_on(19)
        ))
    );
    assert_eq!(
        retention_jobs(&app.db).await,
        pairs(&[
            ("retention:2026-11-19", "done"),
            ("retention:2026-11-20", "pending")
        ])
    );

    advance_to(&app, run_on(20)).await;
    let left_after_two = left(&app.db).await;
    assert_eq!(left_after_two.event_ids, ["Ev-old-000"]);
    assert_eq!(left_after_two.tombstones, ["U1", "U0"]);
    assert_eq!(left_after_two.done, days("old-done-", 0..=28));
    assert_eq!(left_after_two.dead, days("old-dead-", 0..=88));
    assert_eq!(left_after_two.jobs, finished_jobs(0..=28));
    assert_eq!(
        floor(&app.db).await,
        Some((
            Utc.with_ymd_and_hms(2026, 11, 18, 3, 0, 0).unwrap(),
            run_on(20)
        ))
    );
    assert_eq!(
        retention_jobs(&app.db).await,
        pairs(&[
            ("retention:2026-11-19", "done"),
            ("retention:2026-11-20", "done"),
            ("retention:2026-11-21", "pending")
        ])
    );
    assert_eq!(
        texts(
            &app.db,
            "select idempotency_key from outbox where state = 'pending'"
        )
        .await,
        ["old-pending"]
    );
    assert_eq!(
        texts(
            &app.db,
            "select dedupe_key from jobs where subject = 'old' and state = 'pending'"
        )
        .await,
        ["old-job-pending"]
    );
    assert_eq!(untouched(&app.db).await, kept_forever);

    // 363 + 1 event ids, 363 tombstones, (335 + 1) done and (275 + 1) dead outbox rows,
    // 335 + 1 jobs.
    let metrics = metrics(&app).await;
    for line in [
        r#"archhour_retention_pruned_rows_total{table="slack_events"} 364"#,
        r#"archhour_retention_pruned_rows_total{table="votes"} 363"#,
        r#"archhour_retention_pruned_rows_total{table="outbox"} 612"#,
        r#"archhour_retention_pruned_rows_total{table="jobs"} 336"#,
        &format!(
            "archhour_retention_last_run_timestamp_seconds {}",
            run_on(20).timestamp()
        ),
    ] {
        assert!(metrics.contains(line), "{line} in:\n{metrics}");
    }
}

/// U1 votes and takes the vote back on Wednesday. Sunday's run (the job of Thursday, late: the
/// bot was down) prunes both event ids and publishes the floor at Friday 03:00; Monday's prunes
/// the tombstone below it. Slack then delivers U1's old "added" event once more, id and
/// tombstone both forgotten: it is older than the floor, so it is acknowledged and ignored, and
/// the vote stays removed. A new vote still counts.
#[tokio::test]
async fn an_old_redelivered_reaction_cannot_bring_back_a_vote_whose_tombstone_was_pruned() {
    let app = spawn_app_with_retention(RetentionSettings::default()).await;
    scheduled_at_start(&app).await;
    let card = app.propose("[quest] What is paver used for today?").await;
    let added = app.react("U1", &card, "+1").await;
    app.unreact("U1", &card, "+1").await;
    assert!(app.voters(&card).await.is_empty());
    let tombstones = "select count(*)::text from votes where not present";
    assert_eq!(texts(&app.db, tombstones).await, ["1"]);

    advance_to(&app, run_on(22)).await;
    assert_eq!(app.count("slack_events").await, 0, "both event ids pruned");
    assert_eq!(
        texts(&app.db, tombstones).await,
        ["1"],
        "the floor was not out yet"
    );
    advance_to(&app, run_on(23)).await;
    assert_eq!(
        texts(&app.db, tombstones).await,
        ["0"],
        "the tombstone pruned"
    );

    assert_eq!(app.redeliver(&added, 1).await, 200, "acknowledged");
    app.idle().await;
    assert!(
        app.voters(&card).await.is_empty(),
        "the removed vote stays removed"
    );
    assert_eq!(app.count("votes").await, 0);
    let metrics = metrics(&app).await;
    assert!(
        metrics.contains(r#"archhour_events_total{kind="reaction",outcome="stale"} 1"#),
        "{metrics}"
    );

    app.react("U2", &card, "+1").await;
    assert_eq!(app.voters(&card).await, ["U2"], "a new vote counts");
}

/// Two processes on one database schedule one run a day between them, and the day's run
/// happens once: one job, claimed once.
#[tokio::test]
async fn the_daily_run_is_one_job_per_database_however_many_processes_run() {
    let app = spawn_app_with_retention(RetentionSettings::default()).await;
    let peer = app.spawn_peer().await;
    let third = app.spawn_peer().await;
    scheduled_at_start(&app).await;
    advance_to(&app, run_on(19)).await;
    let runs: Vec<(String, String, i32)> = sqlx::query_as(
        "select dedupe_key, state, attempts from jobs where payload ->> 'kind' = 'retention'
         order by due_at",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading retention jobs");
    assert_eq!(
        runs,
        [
            ("retention:2026-11-19".to_string(), "done".to_string(), 1),
            ("retention:2026-11-20".to_string(), "pending".to_string(), 0),
        ]
    );
    // Restarted, every process schedules the next run again at start (and shows the last run
    // on record, which is how the test knows it did): still one job a day.
    drop((peer, third));
    let app = app.while_stopped(|_| {}).await;
    let again = app.spawn_peer().await;
    let last_run = format!(
        "archhour_retention_last_run_timestamp_seconds {}",
        run_on(19).timestamp()
    );
    for process in [&app, &again] {
        eventually(
            "the restarted process to have scheduled the run",
            || async { metrics(process).await.contains(&last_run).then_some(()) },
        )
        .await;
    }
    app.idle().await;
    assert_eq!(
        retention_jobs(&app.db).await,
        pairs(&[
            ("retention:2026-11-19", "done"),
            ("retention:2026-11-20", "pending")
        ])
    );
}

/// With batches of 2 rows and no time to spare, a run stops after each full batch and goes on
/// in the next round, a job due at once: 5 old event ids and 3 old jobs take four rounds
/// (2 ids; 2 ids; 1 id, then none of the outbox, then 2 jobs; 1 job), and the last one, having
/// found nothing more, publishes the floor.
#[tokio::test]
async fn a_run_out_of_time_goes_on_in_rounds_until_nothing_old_is_left() {
    let app = spawn_app_with_retention(RetentionSettings {
        batch_rows: 2,
        run_budget: Duration::ZERO,
        ..RetentionSettings::default()
    })
    .await;
    scheduled_at_start(&app).await;
    for statement in [
        "insert into slack_events (event_id, received_at)
         select 'Ev-old-' || d, $1 - make_interval(days => d) from generate_series(10, 14) d",
        "insert into jobs (dedupe_key, subject, payload, due_at, state, created_at, finished_at)
         select 'old-job-' || d, 'old', '{}', $1 - make_interval(days => d), 'done',
                $1 - make_interval(days => d), $1 - make_interval(days => d)
         from generate_series(40, 42) d",
    ] {
        sqlx::query(statement)
            .bind(t0())
            .execute(&app.db)
            .await
            .expect("seeding");
    }
    advance_to(&app, run_on(19)).await;
    assert_eq!(
        retention_jobs(&app.db).await,
        pairs(&[
            ("retention:2026-11-19", "done"),
            ("retention:2026-11-19:1", "done"),
            ("retention:2026-11-19:2", "done"),
            ("retention:2026-11-19:3", "done"),
            ("retention:2026-11-20", "pending"),
        ])
    );
    assert_eq!(app.count("slack_events").await, 0);
    assert_eq!(
        texts(&app.db, "select dedupe_key from jobs where subject = 'old'").await,
        Vec::<String>::new()
    );
    assert!(
        floor(&app.db).await.is_some(),
        "the last round publishes the floor"
    );
    let metrics = metrics(&app).await;
    assert!(
        metrics.contains(r#"archhour_retention_pruned_rows_total{table="slack_events"} 5"#)
            && metrics.contains(r#"archhour_retention_pruned_rows_total{table="jobs"} 3"#),
        "{metrics}"
    );
}
