//! `store::proposals`: a topic stored under an id taken before it is written.

use archhour::domain::topics::{Intents, Topic, TopicState};
use archhour::store::proposals;
use archhour::store::topics::{self, NewTopic};

use super::{CHANNEL, Db, TEAM, at, propose};
use archhour::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};

#[tokio::test]
async fn a_topic_stored_under_a_taken_id_reads_back_as_stored() {
    let db = Db::fresh().await;
    let intents = Intents::parse("analysis").unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let id = proposals::take_next_id(&mut *tx).await.unwrap();
    let number = topics::take_next_number(&mut *tx, &TeamId::from(TEAM))
        .await
        .unwrap();
    let new = NewTopic {
        team_id: &TeamId::from(TEAM),
        channel_id: &ChannelId::from(CHANNEL),
        author_id: &UserId::from("U1"),
        intents: &intents,
        title: "Flaky CI",
        created_at: at(3),
        challenge_id: None,
    };
    proposals::insert(&mut *tx, id, number, &new).await.unwrap();
    tx.commit().await.unwrap();
    // The first id of a fresh database's sequence, and the workspace's first number.
    assert_eq!((id, number), (1, TopicNumber(1)));
    let expected = Topic {
        id: 1,
        number: TopicNumber(1),
        team_id: TeamId::from(TEAM.to_string()),
        channel_id: ChannelId::from(CHANNEL.to_string()),
        author_id: Some(UserId::from("U1".to_string())),
        proposers: Vec::new(),
        intents: Intents::parse("analysis").unwrap(),
        title: "Flaky CI".to_string(),
        state: TopicState::Open,
        card_ts: None,
        times_deferred: 0,
        discussed_in: None,
        imported_votes: 0,
        created_at: at(3),
        challenge_id: None,
    };
    assert_eq!(topics::find(&db.pool, 1).await.unwrap(), Some(expected));
}

/// Ids taken and not used (a rolled-back proposal) are skipped, never handed out twice, and
/// topics stored the other way draw from the same sequence.
#[tokio::test]
async fn ids_are_never_taken_twice() {
    let db = Db::fresh().await;
    let mut tx = db.pool.begin().await.unwrap();
    let first = proposals::take_next_id(&mut *tx).await.unwrap();
    tx.rollback().await.unwrap();
    let second = proposals::take_next_id(&db.pool).await.unwrap();
    let other = propose(&db, CHANNEL, "U1", "Stored without a taken id", at(0)).await;
    assert_eq!((first, second, other.id), (1, 2, 3));
}
