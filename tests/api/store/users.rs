//! `store::users`: the users directory, what users.info told us about each user, and the vote
//! tallies that stop counting a user once known as a bot.

use archhour::domain::topics::TopicState;
use archhour::domain::users::UserKind;
use archhour::store::votes::{self, VoteChange};
use archhour::store::{topics, users};

use super::{CHANNEL, Db, applying, at, post_card, propose, react};
use archhour::domain::ids::{ChannelId, TeamId, UserId};

const PERSON: UserKind = UserKind {
    is_bot: false,
    is_admin: false,
};
const ADMIN: UserKind = UserKind {
    is_bot: false,
    is_admin: true,
};
const BOT: UserKind = UserKind {
    is_bot: true,
    is_admin: false,
};

fn ids(names: &[&str]) -> Vec<UserId> {
    names.iter().map(|&name| UserId::from(name)).collect()
}

async fn tally(db: &Db, ts: &str) -> i32 {
    sqlx::query_scalar("select votes from vote_tallies where channel_id = $1 and message_ts = $2")
        .bind(CHANNEL)
        .bind(ts)
        .fetch_one(&db.pool)
        .await
        .expect("reading a tally")
}

/// A cached answer is used while it is fresh: fetched at or after `fresh_since`.
#[tokio::test]
async fn a_user_is_known_while_the_answer_is_fresh() {
    let db = Db::fresh().await;
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(0))
            .await
            .unwrap(),
        None
    );

    users::save(&db.pool, &UserId::from("U1"), ADMIN, at(10))
        .await
        .unwrap();
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(10))
            .await
            .unwrap(),
        Some(ADMIN)
    );
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(5))
            .await
            .unwrap(),
        Some(ADMIN)
    );
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(11))
            .await
            .unwrap(),
        None,
        "stale: look it up again"
    );

    // A new answer replaces the old.
    users::save(&db.pool, &UserId::from("U1"), PERSON, at(20))
        .await
        .unwrap();
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(20))
            .await
            .unwrap(),
        Some(PERSON)
    );
}

/// The users waiting for a look-up (at most `limit`), by id.
async fn looked_up(db: &Db, limit: i64) -> Vec<UserId> {
    let waiting = users::to_look_up(&db.pool, limit).await.unwrap();
    waiting.into_iter().map(|met| met.user_id).collect()
}

/// A voter is looked up in the workspace of the card they voted on (its token asks Slack), and
/// a voter on a message that is no topic's card in none (SLACK_BOT_TOKEN's).
#[tokio::test]
async fn new_voters_are_looked_up_in_the_workspace_they_voted_in() {
    let db = Db::fresh().await;
    let other = super::propose_in(&db, "T2", "C_T2", "U1", "In T2", at(0)).await;
    let card = post_card(&db, &other, "300.1").await;
    react(
        &db,
        "C_T2",
        card.card_ts.as_deref().unwrap(),
        "U_T2",
        true,
        at(1),
        1,
    )
    .await;
    vote(&db, "9.9", &["U_NOWHERE"]).await;
    let waiting = users::to_look_up(&db.pool, 10).await.unwrap();
    let teams: Vec<(&str, Option<&str>)> = waiting
        .iter()
        .map(|met| (met.user_id.as_str(), met.team.as_ref().map(TeamId::as_str)))
        .collect();
    assert_eq!(teams, [("U_NOWHERE", None), ("U_T2", Some("T2"))]);
}

/// New votes by `voters` on message `card`, applied as one batch; returns how many voters the
/// batch noted as not seen before.
async fn vote(db: &Db, card: &str, voters: &[&str]) -> u64 {
    let changes: Vec<VoteChange> = (1..)
        .zip(voters)
        .map(|(event_ts, user)| VoteChange {
            event_id: None,
            channel_id: ChannelId::from(CHANNEL),
            message_ts: card.to_string(),
            user_id: UserId::from(*user),
            reaction: None,
            present: true,
            event_ts,
        })
        .collect();
    votes::apply(&db.pool, &changes, &applying(0))
        .await
        .unwrap()
        .new_voters
}

/// Voters seen for the first time (noted by the batch that applies their votes) are queued for
/// a look-up, once each, in user order; saving what users.info said takes them off the queue,
/// and voting again does not put them back.
#[tokio::test]
async fn new_voters_wait_for_a_look_up_once() {
    let db = Db::fresh().await;
    let noted = vote(&db, "1.1", &["U3", "U1", "U3", "U2"]).await;
    assert_eq!(noted, 3, "U3 twice is one user");
    assert_eq!(looked_up(&db, 10).await, ids(&["U1", "U2", "U3"]));
    assert_eq!(looked_up(&db, 2).await, ids(&["U1", "U2"]));
    // Not looked up yet is not known: a noted user has no kind.
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(-1000))
            .await
            .unwrap(),
        None
    );

    users::save(&db.pool, &UserId::from("U1"), PERSON, at(0))
        .await
        .unwrap();
    assert_eq!(looked_up(&db, 10).await, ids(&["U2", "U3"]));

    assert_eq!(
        vote(&db, "2.2", &["U1", "U4"]).await,
        1,
        "U1 is known: only U4 is new"
    );
    assert_eq!(looked_up(&db, 10).await, ids(&["U2", "U3", "U4"]));
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(0))
            .await
            .unwrap(),
        Some(PERSON),
        "noting a known user keeps what we know"
    );
}

/// Card 1 has votes from U1 and B (not yet known as a bot), card 2 from B alone: tallies 2
/// and 1. Learning that B is a bot takes B's votes off: 1 and 0. Learning it again changes
/// nothing more, and a vote B had removed was never counted.
#[tokio::test]
async fn a_user_learned_to_be_a_bot_stops_counting_in_tallies_once() {
    let db = Db::fresh().await;
    react(&db, CHANNEL, "100.1", "U1", true, at(0), 1).await;
    react(&db, CHANNEL, "100.1", "B", true, at(0), 2).await;
    react(&db, CHANNEL, "100.2", "B", true, at(0), 3).await;
    react(&db, CHANNEL, "100.3", "B", true, at(0), 4).await;
    react(&db, CHANNEL, "100.3", "B", false, at(0), 5).await;
    assert_eq!(
        (tally(&db, "100.1").await, tally(&db, "100.2").await),
        (2, 1)
    );
    assert_eq!(tally(&db, "100.3").await, 0);

    users::save(&db.pool, &UserId::from("B"), BOT, at(1))
        .await
        .unwrap();
    assert_eq!(
        (tally(&db, "100.1").await, tally(&db, "100.2").await),
        (1, 0)
    );
    assert_eq!(
        tally(&db, "100.3").await,
        0,
        "a removed vote is not taken off again"
    );

    users::save(&db.pool, &UserId::from("B"), BOT, at(2))
        .await
        .unwrap();
    assert_eq!(
        (tally(&db, "100.1").await, tally(&db, "100.2").await),
        (1, 0)
    );

    assert_eq!(
        users::bots_among(&db.pool, &ids(&["U1", "B", "U9"]))
            .await
            .unwrap(),
        ids(&["B"])
    );
}

/// The topics whose cards need redrawing once a voter turns out to be a bot: open or being
/// discussed, where the vote is present, in id order.
#[tokio::test]
async fn a_bot_s_open_topics_are_those_it_still_votes_on() {
    let db = Db::fresh().await;
    let mut cards = Vec::new();
    for (n, ts) in ["200.1", "200.2", "200.3", "200.4", "200.5"]
        .iter()
        .enumerate()
    {
        let topic = propose(&db, CHANNEL, "U1", &format!("Topic {n}"), at(0)).await;
        cards.push(post_card(&db, &topic, ts).await);
    }
    let [open, discussing, discussed, withdrawn, unvoted] = cards.as_slice() else {
        unreachable!()
    };
    topics::set_state(&db.pool, discussing.id, TopicState::Discussing, None)
        .await
        .unwrap();
    topics::set_state(&db.pool, discussed.id, TopicState::Discussed, None)
        .await
        .unwrap();
    topics::withdraw(&db.pool, withdrawn.id, &UserId::from("U1"), at(1))
        .await
        .unwrap();
    for (n, card) in [open, discussing, discussed, withdrawn, unvoted]
        .iter()
        .enumerate()
    {
        react(
            &db,
            CHANNEL,
            card.card_ts.as_deref().unwrap(),
            "B",
            true,
            at(2),
            10 + n as i64,
        )
        .await;
    }
    react(
        &db,
        CHANNEL,
        unvoted.card_ts.as_deref().unwrap(),
        "B",
        false,
        at(3),
        20,
    )
    .await;
    react(
        &db,
        CHANNEL,
        open.card_ts.as_deref().unwrap(),
        "U2",
        true,
        at(3),
        21,
    )
    .await;

    assert_eq!(
        users::open_topics_voted_by(&db.pool, &UserId::from("B"))
            .await
            .unwrap(),
        [
            (open.id, TeamId::from("T1")),
            (discussing.id, TeamId::from("T1"))
        ]
    );
    assert_eq!(
        users::open_topics_voted_by(&db.pool, &UserId::from("U9"))
            .await
            .unwrap(),
        Vec::<(i64, TeamId)>::new()
    );
}
