//! `store::votes::apply` as the vote batch calls it (the `apply_votes` function): which events
//! become votes (new ones, with the channel's vote emoji, the latest per person and card), the
//! card refreshes and new voters it queues in the same call, the budgeted channels it leaves to
//! a transaction, and concurrent batches on one card that cannot make its tally drift.

use std::time::Duration;

use archhour::domain::ids::{ChannelId, UserId};
use archhour::domain::settings::ChannelSettings;
use archhour::domain::topics::TopicState;
use archhour::slack::outgoing::{Delivery, Outgoing, Render};
use archhour::store::topics;
use archhour::store::votes::{self, Applied, ChangedVote, VoteChange};

use super::{CHANNEL, Db, applying, at, post_card, propose, save_settings};

const CARD: &str = "1700000000.000100";

/// A reaction event: `reaction` as the batcher passes it (no colons, no skin tone).
fn event(id: &str, user: &str, reaction: &str, present: bool, event_ts: i64) -> VoteChange {
    VoteChange {
        event_id: Some(id.to_string()),
        channel_id: ChannelId::from(CHANNEL),
        message_ts: CARD.to_string(),
        user_id: UserId::from(user),
        reaction: Some(reaction.to_string()),
        present,
        event_ts,
    }
}

fn changed(user: &str, present: bool, minute: i64) -> ChangedVote {
    ChangedVote {
        channel_id: ChannelId::from(CHANNEL),
        message_ts: CARD.to_string(),
        user_id: UserId::from(user),
        present,
        voted_at: at(minute),
    }
}

async fn apply(db: &Db, minute: i64, batch: &[VoteChange]) -> Applied {
    votes::apply(&db.pool, batch, &applying(minute))
        .await
        .expect("applying a batch")
}

async fn tally(db: &Db) -> i64 {
    votes::counted_on_card(&db.pool, &ChannelId::from(CHANNEL), CARD, 0)
        .await
        .unwrap()
}

async fn set_channel(db: &Db, vote_emoji: &str, budget: u32) {
    let chosen = ChannelSettings {
        vote_emoji: vote_emoji.to_string(),
        votes_per_person: budget,
        ..ChannelSettings::default()
    };
    save_settings(db, &chosen, "U9", 0).await;
}

/// Ev1 twice in the batch counts once; Ev2 (U1's +1) is older than Ev3 (U1 removing it) so the
/// removal wins, and as U1 had no vote nothing changed for U1; of U2's two events with the same
/// event_ts the first in the batch wins (Ev4, the add); U3's :tada: is not the vote. A second
/// batch redelivering Ev1 and Ev4 is not fresh and changes nothing.
#[tokio::test]
async fn new_events_with_the_vote_emoji_become_votes_the_latest_per_person_and_card() {
    let db = Db::fresh().await;
    let batch = [
        event("Ev1", "U4", "+1", true, 10),
        event("Ev3", "U1", "+1", false, 13),
        event("Ev2", "U1", "+1", true, 12),
        event("Ev4", "U2", "+1", true, 14),
        event("Ev5", "U2", "+1", false, 14),
        event("Ev6", "U3", "tada", true, 15),
        event("Ev1", "U4", "+1", true, 10),
    ];
    let applied = apply(&db, 1, &batch).await;
    assert_eq!(applied.fresh_events, 6, "Ev1 to Ev6");
    assert_eq!(
        applied.changed,
        [changed("U2", true, 1), changed("U4", true, 1)]
    );
    assert!(!applied.needs_transaction);
    assert_eq!(tally(&db).await, 2);

    let again = apply(&db, 2, &[batch[0].clone(), batch[3].clone()]).await;
    assert_eq!(again.fresh_events, 0);
    assert!(again.changed.is_empty());
    assert_eq!(tally(&db).await, 2);
    assert_eq!(db.count("slack_events").await, 6);
}

/// A channel that votes with :star: counts :star:, not :+1:.
#[tokio::test]
async fn a_channel_s_own_vote_emoji_is_the_vote() {
    let db = Db::fresh().await;
    set_channel(&db, "star", 0).await;
    let applied = apply(
        &db,
        1,
        &[
            event("Ev1", "U1", "+1", true, 10),
            event("Ev2", "U2", "star", true, 11),
        ],
    )
    .await;
    assert_eq!(applied.changed, [changed("U2", true, 1)]);
    assert_eq!(applied.fresh_events, 2);
}

/// Outside a transaction, a batch touching a channel with a budget writes nothing (not even
/// its event ids) and says so; in one, it is applied and names the budgeted channel.
#[tokio::test]
async fn a_budgeted_channel_s_batch_is_applied_only_in_a_transaction() {
    let db = Db::fresh().await;
    set_channel(&db, "+1", 2).await;
    let batch = [event("Ev1", "U1", "+1", true, 10)];
    let refused = apply(&db, 1, &batch).await;
    assert!(refused.needs_transaction);
    assert_eq!(refused.budgeted_channels, [ChannelId::from(CHANNEL)]);
    assert!(refused.changed.is_empty());
    assert_eq!(db.count("slack_events").await, 0);
    assert_eq!(db.count("votes").await, 0);

    let mut tx = db.pool.begin().await.unwrap();
    let in_transaction = votes::Applying {
        in_transaction: true,
        ..applying(1)
    };
    let applied = votes::apply(&mut *tx, &batch, &in_transaction)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!applied.needs_transaction);
    assert_eq!(applied.changed, [changed("U1", true, 1)]);
    assert_eq!(applied.budgeted_channels, [ChannelId::from(CHANNEL)]);
}

/// A vote on an open card queues the card's refresh, the same row `Delivery::refresh_card`
/// would queue, due a second later; more votes while it waits queue nothing more. A vote on a
/// discussed card refreshes nothing. Voters are noted for a look-up once.
#[tokio::test]
async fn a_voted_open_card_is_refreshed_once_while_its_refresh_waits() {
    let db = Db::fresh().await;
    let open = propose(&db, CHANNEL, "U9", "Open", at(0)).await;
    let open = post_card(&db, &open, CARD).await;
    let done = propose(&db, CHANNEL, "U9", "Done", at(0)).await;
    let done = post_card(&db, &done, "1700000000.000200").await;
    topics::set_state(&db.pool, done.id, TopicState::Discussed, None)
        .await
        .unwrap();

    let first = apply(&db, 1, &[event("Ev1", "U1", "+1", true, 10)]).await;
    assert_eq!((first.queued_refreshes, first.new_voters), (1, 1));
    let row: (
        String,
        serde_json::Value,
        Option<String>,
        chrono::DateTime<chrono::Utc>,
    ) = sqlx::query_as("select idempotency_key, call, coalesce_key, next_attempt_at from outbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let expected = Delivery::refresh_card(open.id, Duration::from_secs(1));
    assert!(
        row.0.starts_with(&format!("card-refresh:{}:", open.id)),
        "{}",
        row.0
    );
    assert_eq!(
        serde_json::from_value::<Outgoing>(row.1).unwrap(),
        Outgoing::Render(Render::TopicCard { topic_id: open.id })
    );
    assert_eq!(row.2, expected.coalesce_key);
    assert_eq!(row.3, at(1) + chrono::Duration::seconds(1));

    let second = apply(&db, 1, &[event("Ev2", "U2", "+1", true, 11)]).await;
    assert_eq!((second.queued_refreshes, second.new_voters), (0, 1));
    let mut on_done = event("Ev3", "U1", "+1", true, 12);
    on_done.message_ts = "1700000000.000200".to_string();
    let third = apply(&db, 1, &[on_done]).await;
    assert_eq!(third.changed.len(), 1);
    assert_eq!((third.queued_refreshes, third.new_voters), (0, 0));
    assert_eq!(db.count("outbox").await, 1);
}

/// Two batches add U1's vote on one card at the same moment: the first, in a transaction, has
/// written its row and not committed when the second starts and waits for that row. Once the
/// first commits, the second finds the vote already there: one changed vote, tally 1 (a batch
/// that told changes from its snapshot would count U1 twice).
#[tokio::test]
async fn concurrent_batches_on_one_card_cannot_make_its_tally_drift() {
    let db = Db::fresh().await;
    let mut first = db.pool.begin().await.unwrap();
    let in_transaction = votes::Applying {
        in_transaction: true,
        ..applying(1)
    };
    let applied = votes::apply(
        &mut *first,
        &[event("Ev1", "U1", "+1", true, 10)],
        &in_transaction,
    )
    .await
    .unwrap();
    assert_eq!(applied.changed.len(), 1);

    let pool = db.pool.clone();
    let second = tokio::spawn(async move {
        votes::apply(&pool, &[event("Ev2", "U1", "+1", true, 11)], &applying(1))
            .await
            .unwrap()
    });
    // Wait (on durable state, not a timer) until the second batch is blocked on the row.
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where wait_event_type = 'Lock' and query like '%apply_votes%'
               and pid <> pg_backend_pid()",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if waiting > 0 || second.is_finished() {
            break;
        }
        tokio::task::yield_now().await;
    }
    first.commit().await.unwrap();
    let second = second.await.unwrap();
    assert!(second.changed.is_empty(), "{:?}", second.changed);
    assert_eq!(tally(&db).await, 1);
}
