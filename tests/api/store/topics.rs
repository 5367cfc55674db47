//! `store::topics`: numbering, the round trip of a topic, the backlog's order, what each change
//! of state is allowed to do, and the lists the digest, App Home and card repair read.

use archhour::domain::topics::{Intent, Intents, Topic, TopicState};
use archhour::store::topics::{self, NewTopic};
use archhour::store::{items, outbox};

use super::{
    CHANNEL, Db, OTHER_CHANNEL, TEAM, at, delivery, insert_topic, post_card, propose, propose_in,
    react,
};
use archhour::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};

fn numbers(topics: &[Topic]) -> Vec<i32> {
    topics.iter().map(|t| t.number.0).collect()
}

/// Topic numbers count up per workspace, apart from action item numbers, and never repeat.
#[tokio::test]
async fn topics_are_numbered_per_workspace() {
    let db = Db::fresh().await;
    let first = propose(&db, CHANNEL, "U1", "One", at(0)).await;
    let second = propose(&db, OTHER_CHANNEL, "U1", "Two", at(0)).await;
    let elsewhere = propose_in(&db, "T2", CHANNEL, "U1", "Three", at(0)).await;
    let mut conn = db.conn().await;
    items::insert(
        &mut conn,
        &items::NewItem {
            team_id: &TeamId::from(TEAM),
            channel_id: &ChannelId::from(CHANNEL),
            text: "an action item",
            owners: &[],
            owner_names: &[],
            due_on: None,
            topic_id: None,
            meeting_id: None,
            created_by: &UserId::from("U1"),
            created_at: at(0),
            source: None,
        },
    )
    .await
    .unwrap();
    let third = propose(&db, CHANNEL, "U1", "Four", at(0)).await;
    assert_eq!(
        (
            first.number.0,
            second.number.0,
            elsewhere.number.0,
            third.number.0
        ),
        (1, 2, 1, 3)
    );
}

#[tokio::test]
async fn a_proposed_topic_reads_back_as_stored() {
    let db = Db::fresh().await;
    let intents = Intents::parse("quest/ideation").unwrap();
    let number = topics::take_next_number(&db.pool, &TeamId::from(TEAM))
        .await
        .unwrap();
    let stored = insert_topic(
        &mut *db.conn().await,
        &NewTopic {
            team_id: &TeamId::from(TEAM),
            channel_id: &ChannelId::from(CHANNEL),
            author_id: &UserId::from("U1"),
            intents: &intents,
            title: "Should we pin tox?",
            created_at: at(3),
            challenge_id: None,
        },
        number,
    )
    .await;
    let expected = Topic {
        id: stored.id,
        number: TopicNumber(1),
        team_id: TeamId::from(TEAM.to_string()),
        channel_id: ChannelId::from(CHANNEL.to_string()),
        author_id: Some(UserId::from("U1")),
        proposers: Vec::new(),
        intents: Intents::parse("quest/ideation").unwrap(),
        title: "Should we pin tox?".to_string(),
        state: TopicState::Open,
        card_ts: None,
        times_deferred: 0,
        discussed_in: None,
        imported_votes: 0,
        created_at: at(3),
        challenge_id: None,
    };
    assert_eq!(stored, expected);
    assert_eq!(
        stored.intents.as_slice(),
        [Intent::Quest, Intent::Ideation],
        "in the order written"
    );
    assert_eq!(
        topics::find(&db.pool, stored.id).await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        topics::lock_by_number(
            &db.pool,
            &TeamId::from(TEAM),
            &ChannelId::from(CHANNEL),
            TopicNumber(1)
        )
        .await
        .unwrap(),
        Some(expected)
    );
}

/// `#1` names a topic only in its own channel and workspace.
#[tokio::test]
async fn a_number_finds_a_topic_only_in_its_channel() {
    let db = Db::fresh().await;
    propose(&db, CHANNEL, "U1", "Here", at(0)).await;
    assert!(
        topics::lock_by_number(
            &db.pool,
            &TeamId::from(TEAM),
            &ChannelId::from(OTHER_CHANNEL),
            TopicNumber(1)
        )
        .await
        .unwrap()
        .is_none()
    );
    assert!(
        topics::lock_by_number(
            &db.pool,
            &TeamId::from("T2"),
            &ChannelId::from(CHANNEL),
            TopicNumber(1)
        )
        .await
        .unwrap()
        .is_none()
    );
    assert!(
        topics::lock_by_number(
            &db.pool,
            &TeamId::from(TEAM),
            &ChannelId::from(CHANNEL),
            TopicNumber(2)
        )
        .await
        .unwrap()
        .is_none()
    );
}

/// The backlog is the channel's open topics, oldest first and by number among topics proposed
/// at the same moment: #2 and #3 at 09:05 come before #1 at 09:10; withdrawn #4, discussing
/// #5 and #6 in another channel are not in it.
#[tokio::test]
async fn the_backlog_is_open_topics_oldest_first() {
    let db = Db::fresh().await;
    propose(&db, CHANNEL, "U1", "One", at(10)).await;
    propose(&db, CHANNEL, "U2", "Two", at(5)).await;
    propose(&db, CHANNEL, "U1", "Three", at(5)).await;
    let withdrawn = propose(&db, CHANNEL, "U1", "Four", at(1)).await;
    let discussing = propose(&db, CHANNEL, "U1", "Five", at(1)).await;
    propose(&db, OTHER_CHANNEL, "U1", "Six", at(1)).await;
    topics::withdraw(&db.pool, withdrawn.id, &UserId::from("U1"), at(11))
        .await
        .unwrap();
    topics::set_state(&db.pool, discussing.id, TopicState::Discussing, None)
        .await
        .unwrap();

    let backlog = topics::open_in_channel(&db.pool, &ChannelId::from(CHANNEL))
        .await
        .unwrap();
    assert_eq!(numbers(&backlog), [2, 3, 1]);
    let mine = topics::open_by_author(&db.pool, &[], &UserId::from("U1"))
        .await
        .unwrap();
    assert_eq!(numbers(&mine), [6, 3, 1], "U1's open topics in any channel");
}

#[tokio::test]
async fn only_an_open_topic_can_be_withdrawn_or_edited() {
    let db = Db::fresh().await;
    let open = propose(&db, CHANNEL, "U1", "Old title", at(0)).await;
    let discussing = propose(&db, CHANNEL, "U1", "Under way", at(0)).await;
    topics::set_state(&db.pool, discussing.id, TopicState::Discussing, None)
        .await
        .unwrap();

    let inform = Intents::from(Intent::Inform);
    let edited = topics::edit(&db.pool, open.id, &inform, "New title")
        .await
        .unwrap()
        .expect("an open topic is edited");
    assert_eq!(
        (edited.title.as_str(), edited.intents.clone()),
        ("New title", inform.clone())
    );
    assert_eq!(
        topics::edit(&db.pool, discussing.id, &inform, "No")
            .await
            .unwrap(),
        None
    );

    assert!(
        !topics::withdraw(&db.pool, discussing.id, &UserId::from("U1"), at(1))
            .await
            .unwrap()
    );
    assert!(
        topics::withdraw(&db.pool, open.id, &UserId::from("U2"), at(1))
            .await
            .unwrap()
    );
    assert!(
        !topics::withdraw(&db.pool, open.id, &UserId::from("U2"), at(2))
            .await
            .unwrap(),
        "withdrawn already"
    );
    assert_eq!(
        topics::edit(&db.pool, open.id, &inform, "Again")
            .await
            .unwrap(),
        None
    );

    let withdrawn: (String, String, chrono::DateTime<chrono::Utc>, String) =
        sqlx::query_as("select state, withdrawn_by, withdrawn_at, title from topics where id = $1")
            .bind(open.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        withdrawn,
        (
            "withdrawn".to_string(),
            "U2".to_string(),
            at(1),
            "New title".to_string()
        )
    );
}

/// Moving a topic's state without a meeting keeps the meeting it was discussed in.
#[tokio::test]
async fn a_state_change_keeps_the_meeting_that_discussed_it() {
    let db = Db::fresh().await;
    let topic = propose(&db, CHANNEL, "U1", "Topic", at(0)).await;
    let meeting = archhour::store::meetings::insert_starting(
        &db.pool,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        &UserId::from("U1"),
        at(1),
        at(1).date_naive(),
    )
    .await
    .unwrap()
    .unwrap();
    topics::set_state(&db.pool, topic.id, TopicState::Discussing, None)
        .await
        .unwrap();
    topics::set_state(&db.pool, topic.id, TopicState::Discussed, Some(meeting))
        .await
        .unwrap();
    topics::set_state(&db.pool, topic.id, TopicState::Open, None)
        .await
        .unwrap();
    let stored = topics::find(&db.pool, topic.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.state, stored.discussed_in),
        (TopicState::Open, Some(meeting))
    );
}

/// A reaction finds its topic by the card: (channel, ts) pairs, only where both match.
#[tokio::test]
async fn cards_find_their_topics() {
    let db = Db::fresh().await;
    let here = post_card(
        &db,
        &propose(&db, CHANNEL, "U1", "Here", at(0)).await,
        "1.1",
    )
    .await;
    let there = post_card(
        &db,
        &propose(&db, OTHER_CHANNEL, "U1", "There", at(0)).await,
        "1.2",
    )
    .await;
    let mut found = topics::find_by_cards(
        &db.pool,
        &TeamId::from(TEAM),
        &[
            ChannelId::from(CHANNEL.to_string()),
            ChannelId::from(OTHER_CHANNEL.to_string()),
            ChannelId::from(CHANNEL.to_string()),
        ],
        &["1.1".to_string(), "1.2".to_string(), "1.2".to_string()],
    )
    .await
    .unwrap();
    found.sort_by_key(|t| t.id);
    assert_eq!(found, [here.clone(), there.clone()]);

    let mut both = topics::find_many(&db.pool, &[there.id, here.id, 999])
        .await
        .unwrap();
    both.sort_by_key(|t| t.id);
    assert_eq!(both, [here, there]);
}

/// App Home's channels for a voter: where they vote on an open topic, the most recent vote
/// first. U1 votes in C_ARCH at 09:01 and 09:05, in C_OTHER at 09:03, and on a withdrawn
/// topic in C_THIRD at 09:09.
#[tokio::test]
async fn a_voter_s_channels_are_ordered_by_their_latest_vote() {
    let db = Db::fresh().await;
    let a1 = post_card(&db, &propose(&db, CHANNEL, "U2", "A1", at(0)).await, "1.1").await;
    let a2 = post_card(&db, &propose(&db, CHANNEL, "U2", "A2", at(0)).await, "1.2").await;
    let b = post_card(
        &db,
        &propose(&db, OTHER_CHANNEL, "U2", "B", at(0)).await,
        "1.3",
    )
    .await;
    let c = post_card(&db, &propose(&db, "C_THIRD", "U2", "C", at(0)).await, "1.4").await;
    for (topic, minute) in [(&a1, 1), (&b, 3), (&a2, 5), (&c, 9)] {
        let ts = topic.card_ts.as_deref().unwrap();
        react(
            &db,
            topic.channel_id.as_str(),
            ts,
            "U1",
            true,
            at(minute),
            minute,
        )
        .await;
    }
    topics::withdraw(&db.pool, c.id, &UserId::from("U2"), at(10))
        .await
        .unwrap();

    assert_eq!(
        topics::channels_voted_in(&db.pool, &[], &UserId::from("U1"), 10)
            .await
            .unwrap(),
        [CHANNEL, OTHER_CHANNEL]
    );
    assert_eq!(
        topics::channels_voted_in(&db.pool, &[], &UserId::from("U1"), 1)
            .await
            .unwrap(),
        [CHANNEL]
    );
}

/// The digest's topics: proposed in the channel strictly after `since`, imported ones aside,
/// oldest first, the first `limit`, and how many in all.
#[tokio::test]
async fn the_digest_lists_topics_proposed_since_its_last_run() {
    let db = Db::fresh().await;
    propose(&db, CHANNEL, "U1", "Before", at(0)).await;
    propose(&db, CHANNEL, "U1", "Late", at(30)).await;
    propose(&db, CHANNEL, "U1", "Early", at(10)).await;
    let withdrawn = propose(&db, CHANNEL, "U1", "Withdrawn", at(20)).await;
    topics::withdraw(&db.pool, withdrawn.id, &UserId::from("U1"), at(21))
        .await
        .unwrap();
    propose(&db, OTHER_CHANNEL, "U1", "Elsewhere", at(20)).await;
    let imported = propose(&db, CHANNEL, "U1", "Imported", at(20)).await;
    sqlx::query("update topics set imported = true where id = $1")
        .bind(imported.id)
        .execute(&db.pool)
        .await
        .unwrap();

    let mut conn = db.conn().await;
    let (first, total) = topics::proposed_since(&mut conn, &ChannelId::from(CHANNEL), at(0), 2)
        .await
        .unwrap();
    let titles: Vec<&str> = first.iter().map(|t| t.title.as_str()).collect();
    assert_eq!((titles, total), (vec!["Early", "Withdrawn"], 3));
    assert!(
        topics::channel_has_topics(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap()
    );
    assert!(
        !topics::channel_has_topics(&db.pool, &ChannelId::from("C_EMPTY"))
            .await
            .unwrap()
    );
}

/// Topics whose card must be posted again: open, never posted, not imported, and no card of
/// theirs waiting in the outbox (`topic-card:ID` or a later `topic-card:ID:attempt`). A waiting
/// card of another topic whose id merely starts with the same digits does not count.
#[tokio::test]
async fn open_topics_without_a_card_leave_out_cards_on_their_way() {
    let db = Db::fresh().await;
    post_card(
        &db,
        &propose(&db, CHANNEL, "U1", "Posted", at(0)).await,
        "1.1",
    )
    .await;
    let waiting = propose(&db, CHANNEL, "U1", "Waiting", at(0)).await;
    let again = propose(&db, CHANNEL, "U1", "Again", at(0)).await;
    let refused = propose(&db, CHANNEL, "U1", "Refused", at(0)).await;
    let lookalike = propose(&db, CHANNEL, "U1", "Lookalike", at(0)).await;
    let withdrawn = propose(&db, CHANNEL, "U1", "Withdrawn", at(0)).await;
    topics::withdraw(&db.pool, withdrawn.id, &UserId::from("U1"), at(1))
        .await
        .unwrap();
    for key in [
        format!("topic-card:{}", waiting.id),
        format!("topic-card:{}:1700000000.000001", again.id),
        format!("topic-card:{}", refused.id),
        format!("topic-card:{}0", lookalike.id),
    ] {
        outbox::enqueue(&db.pool, &delivery(&key), at(0))
            .await
            .unwrap();
    }
    sqlx::query("update outbox set state = 'dead' where idempotency_key = $1")
        .bind(format!("topic-card:{}", refused.id))
        .execute(&db.pool)
        .await
        .unwrap();

    let missing = topics::open_without_card(&db.pool, &ChannelId::from(CHANNEL))
        .await
        .unwrap();
    let titles: Vec<&str> = missing.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Refused", "Lookalike"]);
}
