//! Each `store/` module on its own: its public functions called directly against a fresh,
//! migrated database per test, without the app around them. The expected values are worked
//! out by hand from the migrations and each function's documented contract; the clock is the
//! `now` the tests pass in.

mod challenges;
mod digests;
mod events;
mod history;
mod ids;
mod imports;
mod items;
mod jobs;
mod meetings;
mod memberships;
mod outbox;
mod proposals;
mod recounts;
mod reminders;
mod requests;
mod retention;
mod search;
mod settings;
mod topics;
mod users;
mod vote_batches;
mod votes;

use archhour::domain::topics::{Intents, Topic};
use archhour::slack::outgoing::{Delivery, Outgoing, Render};
use archhour::store;
use archhour::store::topics::NewTopic;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};

use crate::support::postgres::TestDatabase;
use archhour::domain::ids::{ChannelId, TeamId, UserId};

pub const TEAM: &str = "T1";
pub const CHANNEL: &str = "C_ARCH";
pub const OTHER_CHANNEL: &str = "C_OTHER";

/// A fresh, migrated database and a pool on it; the database is dropped with it.
pub struct Db {
    pub pool: PgPool,
    _database: TestDatabase,
}

impl Db {
    pub async fn fresh() -> Db {
        let database = TestDatabase::create().await;
        let pool = PgPool::connect_with(database.options.clone())
            .await
            .expect("connecting to the test database");
        Db {
            pool,
            _database: database,
        }
    }

    /// One connection, for the functions that take `&mut PgConnection`.
    pub async fn conn(&self) -> PoolConnection<Postgres> {
        self.pool.acquire().await.expect("a connection")
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
            .fetch_one(&self.pool)
            .await
            .expect("counting rows")
    }
}

/// `minutes` after Wednesday 2026-11-18 09:00 UTC: the moments tests pass as `now`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// Proposes a topic in `channel` of [`TEAM`] as the proposal flow does: the workspace's next
/// number, then the row, in one transaction.
pub async fn propose(
    db: &Db,
    channel: &str,
    author: &str,
    title: &str,
    created_at: DateTime<Utc>,
) -> Topic {
    propose_in(db, TEAM, channel, author, title, created_at).await
}

pub async fn propose_in(
    db: &Db,
    team: &str,
    channel: &str,
    author: &str,
    title: &str,
    created_at: DateTime<Utc>,
) -> Topic {
    let intents = Intents::parse("discuss").expect("an intent");
    let mut tx = db.pool.begin().await.expect("a transaction");
    let number = store::topics::take_next_number(&mut *tx, &TeamId::from(team))
        .await
        .expect("numbering a topic");
    let topic = insert_topic(
        &mut tx,
        &NewTopic {
            team_id: &TeamId::from(team),
            channel_id: &ChannelId::from(channel),
            author_id: &UserId::from(author),
            intents: &intents,
            title,
            created_at,
            challenge_id: None,
        },
        number,
    )
    .await;
    tx.commit().await.expect("committing a topic");
    topic
}

/// Stores a new open topic under `number` as a proposal does (its id taken first, then the
/// row) and reads it back.
pub async fn insert_topic(
    db: &mut sqlx::PgConnection,
    topic: &NewTopic<'_>,
    number: archhour::domain::ids::TopicNumber,
) -> Topic {
    let id = store::proposals::take_next_id(&mut *db)
        .await
        .expect("taking an id");
    store::proposals::insert(&mut *db, id, number, topic)
        .await
        .expect("storing a topic");
    store::topics::find(&mut *db, id)
        .await
        .expect("reading a topic")
        .expect("the topic just stored")
}

/// Records that `topic`'s card was posted as message `ts`, and returns the topic as stored.
pub async fn post_card(db: &Db, topic: &Topic, ts: &str) -> Topic {
    store::topics::set_card_ts(&db.pool, topic.id, ts)
        .await
        .expect("recording a card");
    store::topics::find(&db.pool, topic.id)
        .await
        .expect("reading a topic")
        .expect("the topic")
}

/// `user` adds (`present`) or removes the vote reaction on message `ts` of `channel` at `now`,
/// as a reaction event with Slack's `event_ts` (microseconds) would.
pub async fn react(
    db: &Db,
    channel: &str,
    ts: &str,
    user: &str,
    present: bool,
    now: DateTime<Utc>,
    event_ts: i64,
) -> Vec<store::votes::ChangedVote> {
    let change = store::votes::VoteChange {
        event_id: None,
        channel_id: ChannelId::from(channel.to_string()),
        message_ts: ts.to_string(),
        user_id: UserId::from(user.to_string()),
        reaction: None,
        present,
        event_ts,
    };
    let applying = store::votes::Applying { now, ..applying(0) };
    store::votes::apply(&db.pool, &[change], &applying)
        .await
        .expect("applying a vote")
        .changed
}

/// How the app applies votes (the default emoji, a one-second refresh delay), at minute
/// `minute`, outside a transaction.
pub fn applying(minute: i64) -> store::votes::Applying<'static> {
    store::votes::Applying {
        now: at(minute),
        default_vote_emoji: "+1",
        refresh_delay: std::time::Duration::from_secs(1),
        in_transaction: false,
    }
}

/// A plain outbox row under `key`: due at once, merging with nothing, in no sequence.
pub fn delivery(key: &str) -> Delivery {
    Delivery {
        key: key.to_string(),
        outgoing: Outgoing::Render(Render::AppHome {
            user_id: UserId::from("U1"),
        }),
        after_send: None,
        coalesce_key: None,
        sequence_key: None,
        team: None,
        delay: std::time::Duration::ZERO,
    }
}

/// A transaction that gives up on any lock after 10 ms: what another process would block on
/// fails at once with `lock_not_available`.
pub async fn impatient_transaction(db: &Db) -> sqlx::Transaction<'static, Postgres> {
    let mut tx = db.pool.begin().await.expect("a transaction");
    sqlx::query("set local lock_timeout = '10ms'")
        .execute(&mut *tx)
        .await
        .expect("limiting lock waits");
    tx
}

/// Asserts that `result` failed because a lock was held (SQLSTATE 55P03, lock_not_available).
pub fn assert_lock_not_available<T: std::fmt::Debug>(result: sqlx::Result<T>, what: &str) {
    let code = result
        .expect_err(what)
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some("55P03"), "lock_not_available: {what}");
}

/// Saves `chosen` as [`CHANNEL`]'s settings, changed by `by` at minute `minute`.
pub async fn save_settings(
    db: &Db,
    chosen: &archhour::domain::settings::ChannelSettings,
    by: &str,
    minute: i64,
) {
    store::settings::save(
        &db.pool,
        &ChannelId::from(CHANNEL),
        chosen,
        &UserId::from(by),
        at(minute),
    )
    .await
    .expect("saving settings");
}
