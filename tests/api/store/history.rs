//! `store::history`: a channel's meetings found by day, the last one ended, and a meeting read
//! back as notes for minutes: topics in the order taken, notes as a tree, decisions, and
//! action items with their owners.

use archhour::domain::meeting::rules::Phase;
use archhour::domain::notes::{ActionNotes, MeetingNotes, Note, Person, TopicNotes};
use archhour::domain::topics::Intent;
use archhour::store::items::{self, NewEntry, NewItem};
use archhour::store::{history, meetings};
use chrono::{DateTime, NaiveDate, Utc};

use super::{CHANNEL, Db, OTHER_CHANNEL, TEAM, at, propose, propose_in};
use archhour::domain::ids::{ChannelId, TeamId, UserId};

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).expect("a date")
}

async fn start(db: &Db, now: DateTime<Utc>, held_on: NaiveDate) -> i64 {
    meetings::insert_starting(
        &db.pool,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        &UserId::from("U1"),
        now,
        held_on,
    )
    .await
    .unwrap()
    .expect("no meeting running")
}

async fn end(db: &Db, meeting: i64, now: DateTime<Utc>) {
    meetings::set_phase(&db.pool, meeting, Phase::Ended, 9, now)
        .await
        .unwrap();
}

fn users(list: &[&str]) -> Vec<UserId> {
    list.iter().map(|&id| UserId::from(id)).collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// An item of `meeting` due 25 November.
fn item<'a>(
    text: &'a str,
    topic_id: Option<i64>,
    meeting: i64,
    owners: &'a [UserId],
    owner_names: &'a [String],
) -> NewItem<'a> {
    NewItem {
        team_id: Box::leak(Box::new(TeamId::from(TEAM))),
        channel_id: Box::leak(Box::new(ChannelId::from(CHANNEL))),
        text,
        owners,
        owner_names,
        due_on: Some(date(11, 25)),
        topic_id,
        meeting_id: Some(meeting),
        created_by: Box::leak(Box::new(UserId::from("U1"))),
        created_at: at(20),
        source: None,
    }
}

fn note(text: &str, children: Vec<Note>) -> Note {
    Note {
        text: text.to_string(),
        children,
    }
}

/// Three meetings: one held 11 November (ended that day), two on 18 November (09:00, ended
/// 10:00; 11:00, still running). A day finds its last meeting; no day finds the last held.
#[tokio::test]
async fn a_meeting_is_found_by_its_day_and_the_last_ended_is_known() {
    let db = Db::fresh().await;
    let mut conn = db.conn().await;
    assert_eq!(
        history::find_meeting(&mut conn, &ChannelId::from(CHANNEL), None)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        history::last_ended(&mut conn, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        None
    );

    let week_before = start(&db, at(-7 * 24 * 60), date(11, 11)).await;
    end(&db, week_before, at(-7 * 24 * 60 + 60)).await;
    let morning = start(&db, at(0), date(11, 18)).await;
    end(&db, morning, at(60)).await;
    let late = start(&db, at(120), date(11, 18)).await;

    assert_eq!(
        history::find_meeting(&mut conn, &ChannelId::from(CHANNEL), Some(date(11, 18)))
            .await
            .unwrap(),
        Some(late)
    );
    assert_eq!(
        history::find_meeting(&mut conn, &ChannelId::from(CHANNEL), None)
            .await
            .unwrap(),
        Some(late)
    );
    assert_eq!(
        history::find_meeting(&mut conn, &ChannelId::from(CHANNEL), Some(date(11, 11)))
            .await
            .unwrap(),
        Some(week_before)
    );
    assert_eq!(
        history::find_meeting(&mut conn, &ChannelId::from(CHANNEL), Some(date(11, 4)))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        history::find_meeting(&mut conn, &ChannelId::from(OTHER_CHANNEL), None)
            .await
            .unwrap(),
        None
    );

    assert_eq!(
        history::last_ended(&mut conn, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        Some(morning)
    );
    end(&db, late, at(180)).await;
    assert_eq!(
        history::last_ended(&mut conn, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        Some(late)
    );
}

/// A meeting's heading is its title and the day it was held; without a recorded day, the day
/// it started.
#[tokio::test]
async fn a_heading_falls_back_to_the_day_the_meeting_started() {
    let db = Db::fresh().await;
    let meeting = start(&db, at(0), date(11, 17)).await;
    let mut conn = db.conn().await;
    assert_eq!(
        history::heading(&mut conn, meeting).await.unwrap(),
        Some(("Arch Hour".to_string(), date(11, 17)))
    );
    sqlx::query("update meetings set held_on = null, title = 'Arch Lunch' where id = $1")
        .bind(meeting)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        history::heading(&mut conn, meeting).await.unwrap(),
        Some(("Arch Lunch".to_string(), date(11, 18)))
    );
    assert_eq!(
        history::heading(&mut conn, meeting + 1).await.unwrap(),
        None
    );
}

/// The meeting took "Pinning" (proposed on a page by <@U5> and Jo, 4 votes) and then "Kafka"
/// (U1's, 2 votes). Its notes were stored out of order and read back as the tree their
/// parents and positions make; decisions in the order made; items with Slack owners (by id)
/// before named ones, and the item on no topic under the meeting.
#[tokio::test]
async fn a_meeting_reads_back_as_notes_for_minutes() {
    let db = Db::fresh().await;
    let kafka = propose(&db, CHANNEL, "U1", "Kafka", at(0)).await;
    let pinning = propose(&db, CHANNEL, "U2", "Pinning", at(0)).await;
    sqlx::query("update topics set proposers = array['<@U5>', 'Jo'] where id = $1")
        .bind(pinning.id)
        .execute(&db.pool)
        .await
        .unwrap();
    let meeting = start(&db, at(0), date(11, 18)).await;
    meetings::start_topic(&db.pool, meeting, pinning.id, 4, 600, at(1))
        .await
        .unwrap();
    meetings::start_topic(&db.pool, meeting, kafka.id, 2, 600, at(11))
        .await
        .unwrap();

    let mut conn = db.conn().await;
    let (channel, author) = (ChannelId::from(CHANNEL), UserId::from("U3"));
    let entry = |text: &'static str, parent, when| NewEntry {
        parent,
        channel_id: &channel,
        topic_id: Some(pinning.id),
        meeting_id: Some(meeting),
        text,
        by: &author,
        at: when,
        source_ts: None,
    };
    items::insert_note(&mut *conn, &entry("second", None, at(3)), 1)
        .await
        .unwrap();
    let first = items::insert_note(&mut *conn, &entry("first", None, at(2)), 0)
        .await
        .unwrap();
    items::insert_note(&mut *conn, &entry("first, b", first, at(4)), 1)
        .await
        .unwrap();
    items::insert_note(&mut *conn, &entry("first, a", first, at(5)), 0)
        .await
        .unwrap();
    items::insert_decision(&mut *conn, &entry("pin, later", None, at(8)))
        .await
        .unwrap();
    items::insert_decision(&mut *conn, &entry("pin", None, at(7)))
        .await
        .unwrap();

    let (ship_owners, jo, sam) = (users(&["U3", "U2"]), strings(&["Jo"]), strings(&["Sam"]));
    let ship = item("ship it", Some(kafka.id), meeting, &ship_owners, &jo);
    items::insert(&mut conn, &ship).await.unwrap();
    let room = item("book a room", None, meeting, &[], &sam);
    items::insert(&mut conn, &room).await.unwrap();

    let expected = MeetingNotes {
        title: "Arch Hour".to_string(),
        date: date(11, 18),
        topics: vec![
            TopicNotes {
                title: "Pinning".to_string(),
                intents: vec![Intent::Discuss],
                proposers: vec![Person::Slack("U5".into()), Person::Name("Jo".into())],
                votes: 4,
                notes: vec![
                    note(
                        "first",
                        vec![note("first, a", vec![]), note("first, b", vec![])],
                    ),
                    note("second", vec![]),
                ],
                decisions: vec!["pin".to_string(), "pin, later".to_string()],
                actions: vec![],
            },
            TopicNotes {
                title: "Kafka".to_string(),
                intents: vec![Intent::Discuss],
                proposers: vec![Person::Slack("U1".into())],
                votes: 2,
                notes: vec![],
                decisions: vec![],
                actions: vec![ActionNotes {
                    text: "ship it".to_string(),
                    owners: vec![
                        Person::Slack("U2".into()),
                        Person::Slack("U3".into()),
                        Person::Name("Jo".into()),
                    ],
                    due: Some(date(11, 25)),
                }],
            },
        ],
        actions: vec![ActionNotes {
            text: "book a room".to_string(),
            owners: vec![Person::Name("Sam".into())],
            due: Some(date(11, 25)),
        }],
    };
    assert_eq!(
        history::meeting_notes(&mut conn, meeting).await.unwrap(),
        Some(expected)
    );
    assert_eq!(
        history::decisions_of(&mut conn, meeting).await.unwrap(),
        ["pin", "pin, later"]
    );
    assert_eq!(
        history::meeting_notes(&mut conn, meeting + 1)
            .await
            .unwrap(),
        None
    );
}

/// An imported page's channel belongs to the workspace its topics (or meetings) name; with
/// none, to the only workspace there is; with none or several, to no known one.
#[tokio::test]
async fn an_imported_channel_s_workspace_is_the_one_its_records_name() {
    let db = Db::fresh().await;
    let mut conn = db.conn().await;
    let team_of = async |conn: &mut sqlx::PgConnection, channel: &str| {
        history::team_of_channel(conn, &ChannelId::from(channel))
            .await
            .unwrap()
    };
    assert_eq!(team_of(&mut conn, CHANNEL).await, history::UNKNOWN_TEAM);

    propose(&db, OTHER_CHANNEL, "U1", "A topic", at(0)).await;
    assert_eq!(
        team_of(&mut conn, CHANNEL).await,
        TEAM,
        "the only workspace"
    );

    propose_in(&db, "T2", "C_T2", "U1", "Another", at(0)).await;
    assert_eq!(team_of(&mut conn, CHANNEL).await, history::UNKNOWN_TEAM);
    assert_eq!(team_of(&mut conn, "C_T2").await, "T2");
    assert_eq!(team_of(&mut conn, OTHER_CHANNEL).await, TEAM);

    meetings::insert_starting(
        &db.pool,
        &TeamId::from("T2"),
        &ChannelId::from("C_MEETING"),
        &UserId::from("U1"),
        at(0),
        date(11, 18),
    )
    .await
    .unwrap();
    assert_eq!(team_of(&mut conn, "C_MEETING").await, "T2");
}
