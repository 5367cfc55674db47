//! `store::retention` and the prune loop over it: each batch deletes at most its limit of rows
//! older than its horizon and nothing else (never a present vote, a pending outbox row or a
//! pending job), skips rows another transaction holds instead of waiting for them, and the vote
//! event floor only rises. A run that found everything pruned changes nothing when run again.

use archhour::config::RetentionSettings;
use archhour::domain::retention::Floor;
use archhour::metrics::Metrics;
use archhour::store::retention as prune;
use archhour::usecases::retention::{Pruned, prune as run};
use chrono::{DateTime, Duration, Utc};

use super::{Db, at};

async fn execute(db: &Db, statement: &'static str) {
    sqlx::query(statement)
        .bind(at(0))
        .execute(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{e}: {statement}"));
}

async fn texts(db: &Db, query: &'static str) -> Vec<String> {
    sqlx::query_scalar(query)
        .fetch_all(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{e}: {query}"))
}

/// Event ids `Ev-d` for d in 1..=5, received d hours before minute 0.
async fn five_events(db: &Db) {
    execute(
        db,
        "insert into slack_events (event_id, received_at)
         select 'Ev-' || d, $1 - make_interval(hours => d) from generate_series(1, 5) d",
    )
    .await;
}

#[tokio::test]
async fn a_batch_deletes_at_most_its_limit_of_ids_older_than_its_horizon() {
    let db = Db::fresh().await;
    five_events(&db).await;
    // Older than 2 hours before minute 0: Ev-3, Ev-4, Ev-5 (Ev-2 is exactly 2 hours old).
    let before = at(0) - Duration::hours(2);
    assert_eq!(prune::prune_events(&db.pool, before, 2).await.unwrap(), 2);
    assert_eq!(prune::prune_events(&db.pool, before, 2).await.unwrap(), 1);
    assert_eq!(prune::prune_events(&db.pool, before, 2).await.unwrap(), 0);
    assert_eq!(
        texts(&db, "select event_id from slack_events order by event_id").await,
        ["Ev-1", "Ev-2"]
    );
}

#[tokio::test]
async fn only_tombstones_older_than_the_horizon_go_never_a_present_vote() {
    let db = Db::fresh().await;
    // (user, present, last_event_ts): two old tombstones, an old present vote, a new tombstone.
    execute(
        &db,
        "insert into votes (channel_id, message_ts, user_id, present, voted_at, last_event_ts)
         values ('C1', 'M1', 'U_OLD_1', false, $1, 100), ('C1', 'M1', 'U_OLD_2', false, $1, 199),
                ('C1', 'M1', 'U_PRESENT', true, $1, 50), ('C1', 'M1', 'U_NEW', false, $1, 200)",
    )
    .await;
    assert_eq!(
        prune::prune_vote_tombstones(&db.pool, 200, 10)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        texts(&db, "select user_id from votes order by user_id").await,
        ["U_NEW", "U_PRESENT"]
    );
}

#[tokio::test]
async fn finished_outbox_rows_go_by_state_and_age_never_a_pending_one() {
    let db = Db::fresh().await;
    // Each state finished (or, pending, created) 10 and 1 days before minute 0.
    execute(
        &db,
        "insert into outbox (idempotency_key, call, state, next_attempt_at, created_at, finished_at)
         select s || '-' || d, '{}', s, $1 - make_interval(days => d), $1 - make_interval(days => d),
                case when s <> 'pending' then $1 - make_interval(days => d) end
         from unnest(array['pending', 'done', 'dead']) s, unnest(array[10, 1]) d",
    )
    .await;
    let five_days_ago = at(0) - Duration::days(5);
    assert_eq!(
        prune::prune_outbox(&db.pool, prune::FinishedCall::Done, five_days_ago, 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        texts(
            &db,
            "select idempotency_key from outbox order by idempotency_key"
        )
        .await,
        ["dead-1", "dead-10", "done-1", "pending-1", "pending-10"]
    );
    assert_eq!(
        prune::prune_outbox(&db.pool, prune::FinishedCall::Dead, five_days_ago, 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        texts(
            &db,
            "select idempotency_key from outbox order by idempotency_key"
        )
        .await,
        ["dead-1", "done-1", "pending-1", "pending-10"]
    );
}

#[tokio::test]
async fn finished_jobs_of_every_kind_go_by_age_never_a_pending_one() {
    let db = Db::fresh().await;
    execute(
        &db,
        "insert into jobs (dedupe_key, subject, payload, due_at, state, created_at, finished_at)
         select s || '-' || d, 's', '{}', $1 - make_interval(days => d), s,
                $1 - make_interval(days => d),
                case when s <> 'pending' then $1 - make_interval(days => d) end
         from unnest(array['pending', 'done', 'cancelled', 'failed']) s, unnest(array[10, 1]) d",
    )
    .await;
    assert_eq!(
        prune::prune_jobs(&db.pool, at(0) - Duration::days(5), 10)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        texts(&db, "select dedupe_key from jobs order by dedupe_key").await,
        [
            "cancelled-1",
            "done-1",
            "failed-1",
            "pending-1",
            "pending-10"
        ]
    );
}

/// A row another transaction has locked (a writer mid-update) is skipped, not waited for: the
/// batch deletes the others at once and a later one takes it.
#[tokio::test]
async fn a_batch_skips_rows_another_transaction_holds_instead_of_waiting() {
    let db = Db::fresh().await;
    five_events(&db).await;
    let mut writer = db.pool.begin().await.expect("a transaction");
    sqlx::query("select 1 from slack_events where event_id = 'Ev-4' for update")
        .execute(&mut *writer)
        .await
        .expect("locking a row");
    let mut pruner = super::impatient_transaction(&db).await;
    let deleted = prune::prune_events(&mut *pruner, at(0), 10)
        .await
        .expect("pruning without waiting for the writer");
    pruner.commit().await.expect("committing");
    assert_eq!(deleted, 4);
    writer.commit().await.expect("committing");
    assert_eq!(prune::prune_events(&db.pool, at(0), 10).await.unwrap(), 1);
    assert_eq!(db.count("slack_events").await, 0);
}

#[tokio::test]
async fn the_published_floor_only_rises() {
    let db = Db::fresh().await;
    assert_eq!(prune::vote_event_floor(&db.pool).await.unwrap(), None);
    let first = Floor {
        ignored_before: at(-2 * 24 * 60),
        published_at: at(0),
    };
    prune::publish_vote_event_floor(&db.pool, &first)
        .await
        .unwrap();
    assert_eq!(
        prune::vote_event_floor(&db.pool).await.unwrap(),
        Some(first)
    );
    let lower = Floor {
        ignored_before: at(-7 * 24 * 60),
        published_at: at(60),
    };
    prune::publish_vote_event_floor(&db.pool, &lower)
        .await
        .unwrap();
    assert_eq!(
        prune::vote_event_floor(&db.pool).await.unwrap(),
        Some(Floor {
            ignored_before: at(-2 * 24 * 60),
            published_at: at(60),
        })
    );
    let higher = Floor {
        ignored_before: at(-24 * 60),
        published_at: at(120),
    };
    prune::publish_vote_event_floor(&db.pool, &higher)
        .await
        .unwrap();
    assert_eq!(
        prune::vote_event_floor(&db.pool).await.unwrap(),
        Some(higher)
    );
}

fn days_ago(days: i64) -> DateTime<Utc> {
    at(0) - Duration::days(days)
}

/// A run at minute 0 with the default ages, over a floor published a day before: 3-day-old
/// event ids, a tombstone below the floor, a 31-day-old done row and job go, and the floor rises
/// to 2 days before; run again, it finds nothing and leaves the same rows.
#[tokio::test]
async fn running_retention_twice_is_harmless() {
    let db = Db::fresh().await;
    let floor = Floor {
        ignored_before: days_ago(3),
        published_at: days_ago(1),
    };
    prune::publish_vote_event_floor(&db.pool, &floor)
        .await
        .unwrap();
    for statement in [
        "insert into slack_events (event_id, received_at)
         values ('Ev-old', $1 - interval '3 days'), ('Ev-new', $1 - interval '1 day')",
        "insert into votes (channel_id, message_ts, user_id, present, voted_at, last_event_ts)
         values ('C1', 'M1', 'U_OLD', false, $1,
                 (extract(epoch from $1 - interval '4 days') * 1000000)::bigint),
                ('C1', 'M1', 'U_NEW', false, $1,
                 (extract(epoch from $1 - interval '1 day') * 1000000)::bigint)",
        "insert into outbox (idempotency_key, call, state, next_attempt_at, created_at, finished_at)
         values ('old', '{}', 'done', $1, $1 - interval '31 days', $1 - interval '31 days'),
                ('new', '{}', 'done', $1, $1, $1)",
        "insert into jobs (dedupe_key, subject, payload, due_at, state, created_at, finished_at)
         values ('old', 's', '{}', $1, 'done', $1 - interval '31 days', $1 - interval '31 days'),
                ('new', 's', '{}', $1, 'done', $1, $1)",
    ] {
        execute(&db, statement).await;
    }
    let metrics = Metrics::default();
    let settings = RetentionSettings::default();
    let first = run(&db.pool, &settings, at(0), &metrics.retention)
        .await
        .expect("a run");
    assert_eq!(
        (
            first.slack_events,
            first.vote_tombstones,
            first.outbox_done,
            first.outbox_dead,
            first.jobs,
            first.finished
        ),
        (1, 1, 1, 0, 1, true)
    );
    let left = || async {
        texts(
            &db,
            "select 'event ' || event_id from slack_events
             union all select 'vote ' || user_id from votes
             union all select 'outbox ' || idempotency_key from outbox
             union all select 'job ' || dedupe_key from jobs",
        )
        .await
    };
    let after_first = left().await;
    assert_eq!(
        after_first,
        ["event Ev-new", "vote U_NEW", "outbox new", "job new"]
    );
    let second = run(&db.pool, &settings, at(0), &metrics.retention)
        .await
        .expect("a second run");
    assert_eq!(
        second,
        Pruned {
            finished: true,
            // The floor it read was published at minute 0, too recently for tombstones.
            batches: 4,
            longest_batch: second.longest_batch,
            ..Pruned::default()
        }
    );
    assert_eq!(left().await, after_first);
    assert_eq!(
        prune::vote_event_floor(&db.pool).await.unwrap(),
        Some(Floor {
            ignored_before: days_ago(2),
            published_at: at(0),
        })
    );
}
