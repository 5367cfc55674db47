//! `store::items`: action items numbered per workspace with their owners, closing and snoozing
//! them, decisions and notes captured from threads (each reply once), and what `undo` takes
//! back.

use archhour::domain::actions::{ActionItem, ItemState};
use archhour::store::items::{self, Captured, NewEntry, NewItem};
use chrono::{DateTime, NaiveDate, Utc};

use super::{CHANNEL, Db, OTHER_CHANNEL, TEAM, at, propose};
use archhour::domain::ids::{ChannelId, ItemNumber, TeamId, UserId};

fn owners(ids: &[&str]) -> Vec<UserId> {
    ids.iter().map(|&id| UserId::from(id)).collect()
}

fn numbers(items: &[ActionItem]) -> Vec<i32> {
    items.iter().map(|i| i.number.0).collect()
}

/// An item in `channel` owned by `owner_ids`, captured from reply `source` if given.
async fn add(
    db: &Db,
    channel: &str,
    text: &str,
    owner_ids: &[&str],
    created_at: DateTime<Utc>,
    topic_id: Option<i64>,
    source: Option<&str>,
) -> ActionItem {
    let mut conn = db.conn().await;
    items::insert(
        &mut conn,
        &NewItem {
            team_id: &TeamId::from(TEAM),
            channel_id: &ChannelId::from(channel),
            text,
            owners: &owners(owner_ids),
            owner_names: &[],
            due_on: None,
            topic_id,
            meeting_id: None,
            created_by: &UserId::from("U9"),
            created_at,
            source: source.map(|ts| (&*Box::leak(Box::new(ChannelId::from(channel))), ts)),
        },
    )
    .await
    .expect("storing an item")
}

/// The reply a capture came from.
fn reply_of(captured: &Option<Captured>) -> Option<&str> {
    match captured {
        Some(Captured::Item { source_ts, .. } | Captured::Decision { source_ts, .. }) => {
            Some(source_ts)
        }
        None => None,
    }
}

fn entry<'a>(
    text: &'a str,
    topic_id: i64,
    by: &'a str,
    source_ts: Option<&'a str>,
) -> NewEntry<'a> {
    NewEntry {
        parent: None,
        // Leaked: a test's entry lives as long as the test.
        channel_id: Box::leak(Box::new(ChannelId::from(CHANNEL))),
        topic_id: Some(topic_id),
        meeting_id: None,
        text,
        by: Box::leak(Box::new(UserId::from(by))),
        at: at(0),
        source_ts,
    }
}

#[tokio::test]
async fn an_item_reads_back_with_its_owners_sorted() {
    let db = Db::fresh().await;
    let topic = propose(&db, CHANNEL, "U1", "Topic", at(0)).await;
    let mut conn = db.conn().await;
    let names = vec!["Jo Smith".to_string()];
    let stored = items::insert(
        &mut conn,
        &NewItem {
            team_id: &TeamId::from(TEAM),
            channel_id: &ChannelId::from(CHANNEL),
            text: "<@U3> and <@U2> to list the upgrades",
            owners: &owners(&["U3", "U2", "U3"]),
            owner_names: &names,
            due_on: NaiveDate::from_ymd_opt(2026, 11, 25),
            topic_id: Some(topic.id),
            meeting_id: None,
            created_by: &UserId::from("U1"),
            created_at: at(5),
            source: Some((&ChannelId::from(CHANNEL), "1.5")),
        },
    )
    .await
    .unwrap();
    let expected = ActionItem {
        id: stored.id,
        number: ItemNumber(1),
        team_id: TeamId::from(TEAM.to_string()),
        channel_id: ChannelId::from(CHANNEL.to_string()),
        text: "<@U3> and <@U2> to list the upgrades".to_string(),
        owners: owners(&["U2", "U3"]),
        owner_names: names.clone(),
        due_on: NaiveDate::from_ymd_opt(2026, 11, 25),
        topic_id: Some(topic.id),
        meeting_id: None,
        created_by: UserId::from("U1"),
        created_at: at(5),
        state: ItemState::Open,
        snoozed_until: None,
    };
    assert_eq!(stored, expected);
    assert_eq!(
        items::find_by_number(&db.pool, &TeamId::from(TEAM), ItemNumber(1))
            .await
            .unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        items::find_by_number(&db.pool, &TeamId::from("T2"), ItemNumber(1))
            .await
            .unwrap(),
        None
    );

    items::set_owners(&mut conn, stored.id, &owners(&["U4"]))
        .await
        .unwrap();
    items::snooze(&db.pool, stored.id, at(600)).await.unwrap();
    let changed = items::find(&db.pool, &TeamId::from(TEAM), stored.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        changed,
        ActionItem {
            owners: owners(&["U4"]),
            snoozed_until: Some(at(600)),
            ..expected
        }
    );
}

/// Items are numbered per workspace across channels; a channel's open items and a person's
/// open items in any channel are listed oldest first.
#[tokio::test]
async fn open_items_are_listed_oldest_first() {
    let db = Db::fresh().await;
    add(&db, CHANNEL, "late", &["U1"], at(30), None, None).await; // A1
    add(
        &db,
        OTHER_CHANNEL,
        "elsewhere",
        &["U1", "U2"],
        at(20),
        None,
        None,
    )
    .await; // A2
    add(&db, CHANNEL, "early", &["U2"], at(10), None, None).await; // A3
    let done = add(&db, CHANNEL, "done", &["U1"], at(0), None, None).await; // A4
    items::close(
        &db.pool,
        done.id,
        ItemState::Done,
        &UserId::from("U1"),
        at(40),
    )
    .await
    .unwrap();

    assert_eq!(
        numbers(
            &items::open_in_channel(&db.pool, &ChannelId::from(CHANNEL))
                .await
                .unwrap()
        ),
        [3, 1]
    );
    assert_eq!(
        numbers(
            &items::open_owned_by(&db.pool, &[], &UserId::from("U1"))
                .await
                .unwrap()
        ),
        [2, 1]
    );
    assert_eq!(
        numbers(
            &items::open_owned_by(&db.pool, &[], &UserId::from("U2"))
                .await
                .unwrap()
        ),
        [3, 2]
    );
    assert_eq!(
        numbers(&items::find_many(&db.pool, &[done.id, 999]).await.unwrap()),
        [4]
    );
}

/// An item is closed once: Done or Dropped, by whom and when; closing it again is refused.
#[tokio::test]
async fn an_item_is_closed_once() {
    let db = Db::fresh().await;
    let item = add(&db, CHANNEL, "write it up", &["U1"], at(0), None, None).await;
    let other = add(&db, CHANNEL, "not needed", &["U1"], at(0), None, None).await;
    assert!(
        items::close(
            &db.pool,
            item.id,
            ItemState::Done,
            &UserId::from("U1"),
            at(5)
        )
        .await
        .unwrap()
    );
    assert!(
        !items::close(
            &db.pool,
            item.id,
            ItemState::Dropped,
            &UserId::from("U2"),
            at(6)
        )
        .await
        .unwrap()
    );
    assert!(
        items::close(
            &db.pool,
            other.id,
            ItemState::Dropped,
            &UserId::from("U2"),
            at(7)
        )
        .await
        .unwrap()
    );

    let closed: Vec<(String, String, DateTime<Utc>)> =
        sqlx::query_as("select state, closed_by, closed_at from action_items order by number")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        closed,
        [
            ("done".to_string(), "U1".to_string(), at(5)),
            ("dropped".to_string(), "U2".to_string(), at(7)),
        ]
    );
}

/// A thread reply becomes one note however often its event arrives; imported notes have no
/// reply and are all kept.
#[tokio::test]
async fn a_reply_is_stored_as_a_note_once() {
    let db = Db::fresh().await;
    let topic = propose(&db, CHANNEL, "U1", "Topic", at(0)).await;
    let reply = entry("we should measure first", topic.id, "U2", Some("1.7"));
    assert!(
        items::insert_note(&db.pool, &reply, 0)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(items::insert_note(&db.pool, &reply, 0).await.unwrap(), None);
    let imported = entry("from the page", topic.id, "import", None);
    assert!(
        items::insert_note(&db.pool, &imported, 0)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        items::insert_note(&db.pool, &imported, 1)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(db.count("notes").await, 3);
}

/// `undo` takes back the newest item or decision captured in the topic's thread, by the order
/// of the replies in Slack (their ts), not the order they were stored in; with a person, the
/// newest of theirs. Replies in other threads do not count.
#[tokio::test]
async fn undo_takes_back_the_newest_capture_by_reply_order() {
    let db = Db::fresh().await;
    let topic = propose(&db, CHANNEL, "U1", "Topic", at(0)).await;
    let other = propose(&db, CHANNEL, "U1", "Other", at(0)).await;
    // Reply ts 1700000000.000300 is a decision by U2; ts …000200 an item by U9, stored later
    // (its event was redelivered); ts 999999999.999999 (numerically older) an item too.
    let decision = items::insert_decision(
        &db.pool,
        &entry("we use Kafka", topic.id, "U2", Some("1700000000.000300")),
    )
    .await
    .unwrap();
    let item = add(
        &db,
        CHANNEL,
        "try it",
        &["U1"],
        at(5),
        Some(topic.id),
        Some("1700000000.000200"),
    )
    .await;
    add(
        &db,
        CHANNEL,
        "ancient",
        &["U1"],
        at(6),
        Some(topic.id),
        Some("999999999.999999"),
    )
    .await;
    add(
        &db,
        CHANNEL,
        "elsewhere",
        &["U1"],
        at(7),
        Some(other.id),
        Some("1700000000.000900"),
    )
    .await;

    let newest = items::last_captured(&db.pool, &ChannelId::from(CHANNEL), topic.id, None)
        .await
        .unwrap();
    assert_eq!(
        newest,
        Some(Captured::Decision {
            id: decision,
            source_ts: "1700000000.000300".to_string()
        })
    );
    let by_u9 = items::last_captured(
        &db.pool,
        &ChannelId::from(CHANNEL),
        topic.id,
        Some(&UserId::from("U9")),
    )
    .await
    .unwrap();
    assert_eq!(
        by_u9,
        Some(Captured::Item {
            id: item.id,
            source_ts: "1700000000.000200".to_string()
        })
    );
    assert_eq!(
        items::last_captured(
            &db.pool,
            &ChannelId::from(CHANNEL),
            topic.id,
            Some(&UserId::from("U7"))
        )
        .await
        .unwrap(),
        None
    );

    items::delete_captured(&db.pool, &newest.unwrap())
        .await
        .unwrap();
    assert_eq!(
        items::last_captured(&db.pool, &ChannelId::from(CHANNEL), topic.id, None)
            .await
            .unwrap(),
        by_u9.clone()
    );
    items::delete_captured(&db.pool, &by_u9.unwrap())
        .await
        .unwrap();
    let left = items::last_captured(&db.pool, &ChannelId::from(CHANNEL), topic.id, None)
        .await
        .unwrap();
    assert_eq!(reply_of(&left), Some("999999999.999999"));
    assert_eq!(
        items::find(&db.pool, &TeamId::from(TEAM), item.id)
            .await
            .unwrap(),
        None,
        "the item is gone"
    );
}
