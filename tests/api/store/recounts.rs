//! `store::recounts`: a recount for a person or a meeting (a meeting's kickoff asks once), the
//! cards it reads, each read's first outcome kept, and the recount finished once.

use archhour::store::{meetings, recounts};

use super::{CHANNEL, Db, TEAM, at, post_card, propose};
use archhour::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use archhour::slack::api::Reaction;

fn reactions(pairs: &[(&str, &[&str])]) -> Vec<Reaction> {
    pairs
        .iter()
        .map(|(emoji, users)| Reaction {
            name: emoji.to_string(),
            users: users.iter().map(|&u| UserId::from(u)).collect(),
        })
        .collect()
}

#[tokio::test]
async fn a_meeting_asks_for_one_recount_and_a_person_for_as_many_as_they_like() {
    let db = Db::fresh().await;
    let meeting = meetings::insert_starting(
        &db.pool,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        &UserId::from("U1"),
        at(0),
        at(0).date_naive(),
    )
    .await
    .unwrap()
    .expect("a meeting");
    let first = recounts::insert(
        &db.pool,
        &ChannelId::from(CHANNEL),
        None,
        Some(meeting),
        at(0),
    )
    .await
    .unwrap();
    assert!(first.is_some());
    let again = recounts::insert(
        &db.pool,
        &ChannelId::from(CHANNEL),
        None,
        Some(meeting),
        at(1),
    )
    .await
    .unwrap();
    assert_eq!(again, None);
    let mine = recounts::insert(
        &db.pool,
        &ChannelId::from(CHANNEL),
        Some(&UserId::from("U2")),
        None,
        at(2),
    )
    .await
    .unwrap();
    let mine_again = recounts::insert(
        &db.pool,
        &ChannelId::from(CHANNEL),
        Some(&UserId::from("U2")),
        None,
        at(3),
    )
    .await
    .unwrap();
    assert!(mine.is_some() && mine_again.is_some() && mine != mine_again);

    let locked = recounts::lock(&db.pool, mine.unwrap())
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(locked.channel_id, CHANNEL);
    assert_eq!(locked.requested_by, Some(UserId::from("U2")));
    assert_eq!(locked.meeting_id, None);
    assert_eq!(locked.finished_at, None);
    // Neither a person nor a meeting: the table refuses it.
    assert!(
        recounts::insert(&db.pool, &ChannelId::from(CHANNEL), None, None, at(4))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn each_card_keeps_its_first_outcome_and_the_recount_finishes_once() {
    let db = Db::fresh().await;
    let older = propose(&db, CHANNEL, "U1", "Older", at(0)).await;
    let newer = propose(&db, CHANNEL, "U1", "Newer", at(5)).await;
    let older = post_card(&db, &older, "100.1").await;
    let newer = post_card(&db, &newer, "100.2").await;
    let id = recounts::insert(
        &db.pool,
        &ChannelId::from(CHANNEL),
        Some(&UserId::from("U9")),
        None,
        at(10),
    )
    .await
    .unwrap()
    .unwrap();
    // Added newest first, twice: the cards come back once each, in the order proposed.
    for topic in [&newer, &older, &newer] {
        let ts = topic.card_ts.as_deref().unwrap();
        recounts::add_card(&db.pool, id, topic.id, &ChannelId::from(CHANNEL), ts)
            .await
            .unwrap();
    }
    assert_eq!(recounts::waiting(&db.pool, id).await.unwrap(), 2);

    let read = reactions(&[("+1", &["U1", "U2"])]);
    assert!(
        recounts::record_read(&db.pool, id, older.id, &read, at(11))
            .await
            .unwrap()
    );
    let later = reactions(&[("+1", &["U1"])]);
    assert!(
        !recounts::record_read(&db.pool, id, older.id, &later, at(12))
            .await
            .unwrap()
    );
    assert!(
        !recounts::record_failure(&db.pool, id, older.id, "ratelimited")
            .await
            .unwrap()
    );
    assert_eq!(recounts::waiting(&db.pool, id).await.unwrap(), 1);
    assert!(
        recounts::record_failure(&db.pool, id, newer.id, "message_not_found")
            .await
            .unwrap()
    );
    assert!(
        !recounts::record_read(&db.pool, id, newer.id, &read, at(13))
            .await
            .unwrap()
    );
    assert_eq!(recounts::waiting(&db.pool, id).await.unwrap(), 0);

    let cards = recounts::cards(&db.pool, id).await.unwrap();
    let numbers: Vec<TopicNumber> = cards.iter().map(|card| card.number).collect();
    assert_eq!(numbers, [older.number, newer.number]);
    assert_eq!(cards[0].message_ts, "100.1");
    assert_eq!(cards[0].read, Some((read, at(11))));
    assert_eq!(cards[0].failure, None);
    assert_eq!(cards[1].read, None);
    assert_eq!(cards[1].failure.as_deref(), Some("message_not_found"));

    recounts::mark_finished(&db.pool, id, at(14)).await.unwrap();
    recounts::mark_finished(&db.pool, id, at(15)).await.unwrap();
    let finished = recounts::lock(&db.pool, id).await.unwrap().unwrap();
    assert_eq!(finished.finished_at, Some(at(14)));
}
