//! `store::search`: full-text search over a channel's titles, notes and decisions, ranked; what
//! a found topic's record says; and the words a new title shares with earlier ones.

use std::collections::HashMap;

use archhour::domain::topics::{Found, Topic, TopicState, WordCounts};
use archhour::store::items::{self, NewEntry};
use archhour::store::search::{self, Sharing};
use archhour::store::{meetings, topics};
use chrono::NaiveDate;

use super::{CHANNEL, Db, OTHER_CHANNEL, TEAM, at, propose};
use archhour::domain::ids::{ChannelId, TeamId, UserId};

fn entry<'a>(topic: Option<&Topic>, text: &'a str) -> NewEntry<'a> {
    NewEntry {
        parent: None,
        // Leaked: a test's entry lives as long as the test.
        channel_id: Box::leak(Box::new(ChannelId::from(CHANNEL))),
        topic_id: topic.map(|t| t.id),
        meeting_id: None,
        text,
        by: Box::leak(Box::new(UserId::from("U1"))),
        at: at(0),
        source_ts: None,
    }
}

fn titles(found: &[Found]) -> Vec<&str> {
    found.iter().map(|f| f.topic.title.as_str()).collect()
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| w.to_string()).collect()
}

/// Each match of a single word ranks the same (`r`) wherever it is, and a title's match counts
/// twice: "Consumer lag" with three notes naming Kafka scores 3r, "Kafka retention" and
/// "Kafka upgrades" 2r each (the newer first), "Database migrations" with one decision r.
/// Another channel's topic and a decision on no topic are not found.
#[tokio::test]
async fn matches_in_titles_count_double_and_add_up() {
    let db = Db::fresh().await;
    propose(&db, CHANNEL, "U1", "Kafka retention", at(0)).await;
    let lag = propose(&db, CHANNEL, "U1", "Consumer lag", at(0)).await;
    let migrations = propose(&db, CHANNEL, "U1", "Database migrations", at(0)).await;
    propose(&db, CHANNEL, "U1", "Kafka upgrades", at(0)).await;
    propose(&db, OTHER_CHANNEL, "U1", "Kafka elsewhere", at(0)).await;
    propose(&db, CHANNEL, "U1", "Unrelated", at(0)).await;
    for (position, text) in ["lag grows on Kafka", "the Kafka brokers", "Kafka again"]
        .iter()
        .enumerate()
    {
        items::insert_note(&db.pool, &entry(Some(&lag), text), position as i32)
            .await
            .unwrap();
    }
    items::insert_decision(
        &db.pool,
        &entry(Some(&migrations), "migrate the Kafka offsets"),
    )
    .await
    .unwrap();
    items::insert_decision(&db.pool, &entry(None, "Kafka for everything"))
        .await
        .unwrap();

    let mut conn = db.conn().await;
    let found = search::search(
        &mut conn,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        "kafka",
        10,
    )
    .await
    .unwrap();
    assert_eq!(
        titles(&found),
        [
            "Consumer lag",
            "Kafka upgrades",
            "Kafka retention",
            "Database migrations"
        ]
    );
    let top = search::search(
        &mut conn,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        "kafka",
        2,
    )
    .await
    .unwrap();
    assert_eq!(titles(&top), ["Consumer lag", "Kafka upgrades"]);
    // Words are stemmed: "upgrade" finds "upgrades".
    let upgrade = search::search(
        &mut conn,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        "upgrade",
        10,
    )
    .await
    .unwrap();
    assert_eq!(titles(&upgrade), ["Kafka upgrades"]);
}

/// What a found topic's record says: a discussed topic has its meeting's day, the votes it had
/// when discussed, its decisions and the follow-up mark; an open one the votes a page gave it.
/// Results keep the order asked for, and ids that are no topic are skipped.
#[tokio::test]
async fn found_topics_carry_their_meeting_record() {
    let db = Db::fresh().await;
    let discussed = propose(&db, CHANNEL, "U1", "Discussed", at(0)).await;
    let open = propose(&db, CHANNEL, "U1", "Open", at(0)).await;
    sqlx::query("update topics set imported_votes = 3 where id = $1")
        .bind(open.id)
        .execute(&db.pool)
        .await
        .unwrap();
    let held_on = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
    let meeting = meetings::insert_starting(
        &db.pool,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        &UserId::from("U1"),
        at(0),
        held_on,
    )
    .await
    .unwrap()
    .unwrap();
    meetings::start_topic(&db.pool, meeting, discussed.id, 5, 600, at(1))
        .await
        .unwrap();
    meetings::finish_topic(&db.pool, meeting, discussed.id, true, at(11))
        .await
        .unwrap();
    topics::set_state(&db.pool, discussed.id, TopicState::Discussed, Some(meeting))
        .await
        .unwrap();
    for text in ["first", "second"] {
        items::insert_decision(&db.pool, &entry(Some(&discussed), text))
            .await
            .unwrap();
    }

    let mut conn = db.conn().await;
    let found = search::details(&mut conn, &[open.id, 999, discussed.id])
        .await
        .unwrap();
    let facts: Vec<(&str, Option<NaiveDate>, i64, i64, bool)> = found
        .iter()
        .map(|f| {
            (
                f.topic.title.as_str(),
                f.discussed_on,
                f.votes,
                f.decisions,
                f.needs_follow_up,
            )
        })
        .collect();
    assert_eq!(
        facts,
        [
            ("Open", None, 3, 0, false),
            ("Discussed", Some(held_on), 5, 2, true),
        ]
    );
}

/// The new title "Kafka consumer lag" has the words consum, kafka and lag. Two earlier topics
/// share one (newest first); "Database migrations" shares none, the withdrawn "Kafka topic
/// naming" and the other channel's topic do not count. Of the channel's four titles (the new
/// one included), kafka is in 3, consum in 2, the other words of the sharing titles in 1.
#[tokio::test]
async fn a_new_title_s_words_are_counted_against_the_channel_s_titles() {
    let db = Db::fresh().await;
    let retention = propose(&db, CHANNEL, "U1", "Kafka retention policy", at(0)).await;
    let groups = propose(&db, CHANNEL, "U1", "Consumer groups in Kafka", at(1)).await;
    propose(&db, CHANNEL, "U1", "Database migrations", at(2)).await;
    let withdrawn = propose(&db, CHANNEL, "U1", "Kafka topic naming", at(3)).await;
    topics::withdraw(&db.pool, withdrawn.id, &UserId::from("U1"), at(3))
        .await
        .unwrap();
    propose(&db, OTHER_CHANNEL, "U1", "Kafka consumer lag", at(3)).await;
    let new = propose(&db, CHANNEL, "U1", "Kafka consumer lag", at(4)).await;

    let mut conn = db.conn().await;
    let sharing = search::sharing_words(&mut conn, &ChannelId::from(CHANNEL), new.id)
        .await
        .unwrap();
    let containing: HashMap<String, usize> = [
        ("consum", 2),
        ("kafka", 3),
        ("lag", 1),
        ("group", 1),
        ("retent", 1),
        ("polici", 1),
    ]
    .into_iter()
    .map(|(word, n)| (word.to_string(), n))
    .collect();
    assert_eq!(
        sharing,
        Sharing {
            words: words(&["consum", "kafka", "lag"]),
            earlier: vec![
                (groups.id, words(&["consum", "group", "kafka"])),
                (retention.id, words(&["kafka", "polici", "retent"])),
            ],
            counts: WordCounts {
                titles: 4,
                containing,
            },
        }
    );
}
