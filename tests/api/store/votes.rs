//! `store::votes`: who has the vote reaction now whatever order Slack's events arrive in, the
//! tallies kept in step with it, vote order, and the dot-vote budget.

use std::collections::HashMap;

use archhour::domain::topics::Topic;
use archhour::domain::users::UserKind;
use archhour::store::votes::{self, ChangedVote, VoteChange};
use archhour::store::{topics, users};

use super::{CHANNEL, Db, applying, at, post_card, propose, react};
use archhour::domain::ids::{ChannelId, UserId};

const CARD: &str = "1700000000.000100";
const NOTHING: Vec<ChangedVote> = Vec::new();

/// A change without an event (as a recount's repair is), known to be the vote emoji.
fn change(ts: &str, user: &str, present: bool, event_ts: i64) -> VoteChange {
    VoteChange {
        event_id: None,
        channel_id: ChannelId::from(CHANNEL.to_string()),
        message_ts: ts.to_string(),
        user_id: UserId::from(user.to_string()),
        reaction: None,
        present,
        event_ts,
    }
}

/// Applies `batch` at minute `minute`, outside a transaction; returns the votes it changed.
async fn apply_at(db: &Db, minute: i64, batch: &[VoteChange]) -> Vec<ChangedVote> {
    votes::apply(&db.pool, batch, &applying(minute))
        .await
        .expect("applying votes")
        .changed
}

fn changed(user: &str, present: bool, minute: i64) -> ChangedVote {
    ChangedVote {
        channel_id: ChannelId::from(CHANNEL.to_string()),
        message_ts: CARD.to_string(),
        user_id: UserId::from(user.to_string()),
        present,
        voted_at: at(minute),
    }
}

async fn tally(db: &Db, ts: &str) -> i64 {
    votes::counted_on_card(&db.pool, &ChannelId::from(CHANNEL), ts, 0)
        .await
        .unwrap()
}

async fn bot(db: &Db, user: &str) {
    let kind = UserKind {
        is_bot: true,
        is_admin: false,
    };
    users::save(&db.pool, &UserId::from(user), kind, at(0))
        .await
        .unwrap();
}

/// An event older than the one applied is ignored, whatever order they arrive in: U1's vote
/// added (event 100) then removed (300) stays removed when the add is delivered again late
/// (200); U2's removal (50) arriving before its add (40) leaves no vote. Only real changes of
/// presence are reported, and the tally follows them.
#[tokio::test]
async fn the_newest_event_wins_whatever_order_they_arrive_in() {
    let db = Db::fresh().await;
    assert_eq!(
        react(&db, CHANNEL, CARD, "U1", true, at(1), 100).await,
        [changed("U1", true, 1)]
    );
    assert_eq!(tally(&db, CARD).await, 1);
    assert_eq!(
        react(&db, CHANNEL, CARD, "U1", false, at(3), 300).await,
        [changed("U1", false, 1)]
    );
    assert_eq!(
        react(&db, CHANNEL, CARD, "U1", true, at(4), 200).await,
        NOTHING
    );
    assert_eq!(
        react(&db, CHANNEL, CARD, "U2", false, at(5), 50).await,
        NOTHING
    );
    assert_eq!(
        react(&db, CHANNEL, CARD, "U2", true, at(6), 40).await,
        NOTHING
    );
    assert_eq!(tally(&db, CARD).await, 0);
    assert!(
        votes::holders(&db.pool, &ChannelId::from(CHANNEL), CARD)
            .await
            .unwrap()
            .is_empty()
    );

    // An add newer than the removal brings U1 back, as voting at that moment.
    assert_eq!(
        react(&db, CHANNEL, CARD, "U1", true, at(7), 400).await,
        [changed("U1", true, 7)]
    );
    assert_eq!(tally(&db, CARD).await, 1);
}

/// Voters are listed in vote order (then by user id). Voting again after a removal goes to the
/// back; an add while the vote is there keeps its place. Known bots are not voters, though the
/// store says they hold the reaction (what a recount compares with Slack).
#[tokio::test]
async fn voters_are_in_vote_order_and_bots_are_not_voters() {
    let db = Db::fresh().await;
    bot(&db, "B1").await;
    let batch = [
        change(CARD, "B1", true, 1),
        change(CARD, "U2", true, 2),
        change(CARD, "U1", true, 3),
    ];
    assert_eq!(apply_at(&db, 1, &batch).await.len(), 3);
    react(&db, CHANNEL, CARD, "U3", true, at(2), 4).await;
    assert_eq!(
        votes::voters(&db.pool, &ChannelId::from(CHANNEL), CARD)
            .await
            .unwrap(),
        ["U1", "U2", "U3"]
    );

    react(&db, CHANNEL, CARD, "U1", false, at(3), 5).await;
    react(&db, CHANNEL, CARD, "U1", true, at(4), 6).await;
    react(&db, CHANNEL, CARD, "U2", true, at(5), 7).await;
    assert_eq!(
        votes::voters(&db.pool, &ChannelId::from(CHANNEL), CARD)
            .await
            .unwrap(),
        ["U2", "U3", "U1"]
    );
    assert_eq!(
        votes::holders(&db.pool, &ChannelId::from(CHANNEL), CARD)
            .await
            .unwrap(),
        ["B1", "U1", "U2", "U3"]
    );
    assert_eq!(tally(&db, CARD).await, 3, "the bot's vote is not counted");
}

/// One batch may add and remove votes on the same message; the tally moves by the net change.
#[tokio::test]
async fn a_batch_moves_the_tally_by_its_net_change() {
    let db = Db::fresh().await;
    for (n, user) in ["U1", "U2", "U3"].iter().enumerate() {
        react(&db, CHANNEL, CARD, user, true, at(1), n as i64).await;
    }
    let batch = [
        change(CARD, "U1", false, 10),
        change(CARD, "U2", false, 11),
        change(CARD, "U3", false, 1), // older than U3's add: ignored
        change(CARD, "U4", true, 12),
    ];
    let applied = apply_at(&db, 2, &batch).await;
    assert_eq!(applied.len(), 3);
    assert_eq!(tally(&db, CARD).await, 2, "3 − 2 + 1");
    assert_eq!(
        votes::voters(&db.pool, &ChannelId::from(CHANNEL), CARD)
            .await
            .unwrap(),
        ["U3", "U4"]
    );
}

/// Three open topics A, B, C. U1 votes C at 09:01, A at 09:02, B at 09:03; U2 votes B at
/// 09:01; bot B1 votes A. With a budget of `n`, only each person's earliest `n` votes on
/// open topics count:
///
/// | budget | A | B | C |
/// |--------|---|---|---|
/// | none   | 1 | 2 | 1 |  (U1; U1, U2; U1)
/// | 2      | 1 | 1 | 1 |  (U1's B is their third)
/// | 1      | 0 | 1 | 1 |  (only U1's C)
///
/// Withdrawing C frees U1's first vote: with a budget of 1, A counts U1 and C is no longer on
/// the agenda.
#[tokio::test]
async fn a_budget_counts_each_person_s_earliest_votes_on_open_topics() {
    let db = Db::fresh().await;
    let mut cards: Vec<Topic> = Vec::new();
    for (title, ts) in [("A", "1.1"), ("B", "1.2"), ("C", "1.3")] {
        let topic = propose(&db, CHANNEL, "U9", title, at(0)).await;
        cards.push(post_card(&db, &topic, ts).await);
    }
    bot(&db, "B1").await;
    react(&db, CHANNEL, "1.3", "U1", true, at(1), 1).await;
    react(&db, CHANNEL, "1.1", "U1", true, at(2), 2).await;
    react(&db, CHANNEL, "1.2", "U1", true, at(3), 3).await;
    react(&db, CHANNEL, "1.2", "U2", true, at(1), 4).await;
    react(&db, CHANNEL, "1.1", "B1", true, at(0), 5).await;

    let counts = |a: i64, b: i64, c: i64| {
        HashMap::from([
            ("1.1".to_string(), a),
            ("1.2".to_string(), b),
            ("1.3".to_string(), c),
        ])
    };
    for (budget, expected) in [
        (0, counts(1, 2, 1)),
        (2, counts(1, 1, 1)),
        (1, counts(0, 1, 1)),
    ] {
        assert_eq!(
            votes::counted_on_open_cards(&db.pool, &ChannelId::from(CHANNEL), budget)
                .await
                .unwrap(),
            expected,
            "budget {budget}"
        );
        for ts in ["1.1", "1.2", "1.3"] {
            assert_eq!(
                votes::counted_on_card(&db.pool, &ChannelId::from(CHANNEL), ts, budget)
                    .await
                    .unwrap(),
                expected[ts],
                "card {ts}, budget {budget}"
            );
        }
    }
    // U1 voted on #3, then #1, then #2: a budget of 2 counts the first two.
    assert_eq!(budgeted(&db, 2).await, [(3, true), (1, true), (2, false)]);

    topics::withdraw(&db.pool, cards[2].id, &UserId::from("U9"), at(4))
        .await
        .unwrap();
    assert_eq!(
        votes::counted_on_open_cards(&db.pool, &ChannelId::from(CHANNEL), 1)
            .await
            .unwrap(),
        HashMap::from([("1.1".to_string(), 1), ("1.2".to_string(), 1)])
    );
    assert_eq!(
        votes::counted_on_card(&db.pool, &ChannelId::from(CHANNEL), "1.1", 1)
            .await
            .unwrap(),
        1
    );
    // #3 withdrawn: its vote no longer uses the budget, so #2's counts under 2, not under 1.
    assert_eq!(budgeted(&db, 2).await, [(1, true), (2, true)]);
    assert_eq!(budgeted(&db, 1).await, [(1, true), (2, false)]);
}

/// U1's votes on open topics in order (by topic number), each with whether a budget of
/// `budget` counts it.
async fn budgeted(db: &Db, budget: u32) -> Vec<(i32, bool)> {
    votes::budgeted_votes_of(
        &db.pool,
        &ChannelId::from(CHANNEL),
        budget,
        &UserId::from("U1"),
    )
    .await
    .unwrap()
    .into_iter()
    .map(|vote| (vote.topic_number.0, vote.counted))
    .collect()
}

/// Votes cast at the same moment (one batch) are ordered by card, so a budget of 1 counts the
/// vote on the earlier card.
#[tokio::test]
async fn votes_cast_together_use_the_budget_in_card_order() {
    let db = Db::fresh().await;
    for (title, ts) in [("A", "1.1"), ("B", "1.2")] {
        let topic = propose(&db, CHANNEL, "U9", title, at(0)).await;
        post_card(&db, &topic, ts).await;
    }
    apply_at(
        &db,
        1,
        &[change("1.1", "U1", true, 1), change("1.2", "U1", true, 2)],
    )
    .await;
    assert_eq!(
        votes::counted_on_open_cards(&db.pool, &ChannelId::from(CHANNEL), 1)
            .await
            .unwrap(),
        HashMap::from([("1.1".to_string(), 1), ("1.2".to_string(), 0)])
    );
}

/// A reaction that arrives before the card's ts is recorded is kept against the message, and
/// counts once the card is known.
#[tokio::test]
async fn a_vote_that_arrives_before_its_card_is_recorded_counts_later() {
    let db = Db::fresh().await;
    let topic = propose(&db, CHANNEL, "U9", "A", at(0)).await;
    react(&db, CHANNEL, "1.1", "U1", true, at(1), 1).await;
    assert!(
        votes::counted_on_open_cards(&db.pool, &ChannelId::from(CHANNEL), 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        votes::counted_on_open_cards(&db.pool, &ChannelId::from(CHANNEL), 3)
            .await
            .unwrap()
            .is_empty()
    );

    let topic = post_card(&db, &topic, "1.1").await;
    for budget in [0, 3] {
        assert_eq!(
            votes::counted_on_open_cards(&db.pool, &ChannelId::from(CHANNEL), budget)
                .await
                .unwrap(),
            HashMap::from([("1.1".to_string(), 1)])
        );
    }
    assert_eq!(
        votes::open_topics_voted_by(
            &db.pool,
            &ChannelId::from(CHANNEL),
            &[UserId::from("U1"), UserId::from("U2")]
        )
        .await
        .unwrap(),
        [topic.id]
    );
}
