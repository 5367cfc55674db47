//! `store::imports`: a notes page stored as the channel's history, losslessly enough for minutes
//! to print it back; importing it again adds nothing; importing a better reading repairs what
//! an earlier one stored, in place.

use archhour::domain::actions::ItemState;
use archhour::domain::notes::{ActionNotes, MeetingNotes, Note, Page, Person, TopicNotes};
use archhour::domain::topics::Intent;
use archhour::store::imports::{ImportOutcome, import_page};
use archhour::store::{history, items};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::{CHANNEL, Db, TEAM, at, propose};
use archhour::domain::ids::{ChannelId, ItemNumber, TeamId, UserId};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 11).expect("a date")
}

fn note(text: &str, children: Vec<Note>) -> Note {
    Note {
        text: text.to_string(),
        children,
    }
}

fn action(text: &str, owners: Vec<Person>) -> ActionNotes {
    ActionNotes {
        text: text.to_string(),
        owners,
        due: None,
    }
}

fn name(name: &str) -> Person {
    Person::Name(name.to_string())
}

fn topic(title: &str, votes: u32) -> TopicNotes {
    TopicNotes {
        votes,
        ..TopicNotes::titled(title)
    }
}

fn page(topics: Vec<TopicNotes>, actions: Vec<ActionNotes>, backlog: Vec<TopicNotes>) -> Page {
    Page {
        meetings: vec![MeetingNotes {
            title: "Arch Hour".to_string(),
            date: day(),
            topics,
            actions,
        }],
        backlog,
        ..Page::default()
    }
}

/// A topic line as an early, crude reading left it: markup in the title, no intents, votes or
/// proposers; with a note and a note under it.
fn crude_pinning() -> TopicNotes {
    TopicNotes {
        notes: vec![note(
            "tox 4 broke the plugins",
            vec![note("pin below 4", vec![])],
        )],
        ..topic("(4) [Question, Priya] Should we pin tox?", 0)
    }
}

fn constraints() -> TopicNotes {
    TopicNotes {
        intents: vec![Intent::Discuss],
        proposers: vec![Person::Slack(UserId::from("U5")), name("Sam")],
        decisions: vec!["one file".to_string()],
        actions: vec![action("Jo to merge the files", vec![name("Jo")])],
        ..topic("One constraints file or two?", 2)
    }
}

/// The first reading of the page: two topics and one the page will later drop, an item on no
/// topic, a backlog topic.
fn first_reading() -> Page {
    page(
        vec![crude_pinning(), constraints(), topic("Dropped later", 1)],
        vec![action(
            "book a room",
            vec![Person::Slack(UserId::from("U7"))],
        )],
        vec![topic("Deep topics for next time", 0)],
    )
}

async fn import(db: &Db, page: &Page, now: DateTime<Utc>) -> ImportOutcome {
    let mut tx = db.pool.begin().await.unwrap();
    let outcome = import_page(
        &mut tx,
        page,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        now,
    )
    .await
    .expect("importing a page");
    tx.commit().await.unwrap();
    outcome
}

async fn imported_meeting(db: &Db) -> i64 {
    let mut conn = db.conn().await;
    history::find_meeting(&mut conn, &ChannelId::from(CHANNEL), Some(day()))
        .await
        .unwrap()
        .expect("the imported meeting")
}

async fn minutes(db: &Db) -> MeetingNotes {
    let meeting = imported_meeting(db).await;
    let mut conn = db.conn().await;
    history::meeting_notes(&mut conn, meeting)
        .await
        .unwrap()
        .expect("the meeting's notes")
}

/// How many items of the channel have this text.
async fn items_titled(db: &Db, text: &str) -> i64 {
    sqlx::query_scalar("select count(*) from action_items where channel_id = $1 and text = $2")
        .bind(CHANNEL)
        .bind(text)
        .fetch_one(&db.pool)
        .await
        .expect("counting items")
}

/// Every row the import wrote, as text: what "changes nothing" compares.
async fn everything(db: &Db) -> String {
    let mut all = String::new();
    for table in [
        "meetings",
        "topics",
        "meeting_topics",
        "notes",
        "decisions",
        "action_items",
        "action_owners",
        "workspaces",
    ] {
        let rows: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select json_agg(r order by r::text)::text from {table} r"
        )))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        all.push_str(&rows.unwrap_or_default());
        all.push('\n');
    }
    all
}

/// A page's meeting is stored ended and imported, held on its day (at noon UTC, the same day
/// in every time zone people work in); its topics discussed in it with the page's votes; its
/// backlog open, as of the import. Minutes read the meeting back as the page had it.
#[tokio::test]
async fn a_page_is_stored_as_history_that_reads_back_the_same() {
    let db = Db::fresh().await;
    let outcome = import(&db, &first_reading(), at(0)).await;
    assert_eq!(
        outcome,
        ImportOutcome {
            meetings_added: 1,
            topics_added: 3,
            backlog_added: 1,
            ..ImportOutcome::default()
        }
    );
    assert_eq!(minutes(&db).await, first_reading().meetings[0]);

    let noon = Utc.with_ymd_and_hms(2026, 11, 11, 12, 0, 0).unwrap();
    let meeting: (String, bool, DateTime<Utc>, Option<DateTime<Utc>>) =
        sqlx::query_as("select phase, imported, started_at, ended_at from meetings")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(meeting, ("ended".to_string(), true, noon, Some(noon)));
    let stored: Vec<(String, String, bool, i32, DateTime<Utc>, bool)> = sqlx::query_as(
        "select title, state, imported, imported_votes, created_at, discussed_in is not null
         from topics order by number",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [
            (
                "(4) [Question, Priya] Should we pin tox?".into(),
                "discussed".into(),
                true,
                0,
                noon,
                true
            ),
            (
                "One constraints file or two?".into(),
                "discussed".into(),
                true,
                2,
                noon,
                true
            ),
            (
                "Dropped later".into(),
                "discussed".into(),
                true,
                1,
                noon,
                true
            ),
            (
                "Deep topics for next time".into(),
                "open".into(),
                true,
                0,
                at(0),
                false
            ),
        ]
    );
    let author: Option<String> =
        sqlx::query_scalar("select author_id from topics where number = 2")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        author.as_deref(),
        Some("U5"),
        "the first Slack proposer is the author"
    );
}

#[tokio::test]
async fn importing_the_same_page_again_changes_nothing() {
    let db = Db::fresh().await;
    import(&db, &first_reading(), at(0)).await;
    let before = everything(&db).await;
    let again = import(&db, &first_reading(), at(60)).await;
    assert_eq!(
        again,
        ImportOutcome {
            meetings_already_there: 1,
            backlog_already_there: 1,
            ..ImportOutcome::default()
        }
    );
    assert!(!again.changed_anything());
    assert_eq!(everything(&db).await, before);
}

/// A better reading of the same page. "Should we pin tox?" loses its markup and gets its
/// votes, intent, proposer and notes: repaired in place (the same topic, the same number). "A
/// new topic" is added in second place, which moves the constraints topic to third (a
/// repair too). "Dropped later", which the page no longer has, stays, after the page's
/// topics. The backlog topic's votes are repaired, and the item on no topic is not added
/// again. Minutes then read as the new page, with the kept topic last.
#[tokio::test]
async fn a_better_reading_repairs_the_topics_in_place() {
    let db = Db::fresh().await;
    import(&db, &first_reading(), at(0)).await;
    let pinning_before: (i64, i32) =
        sqlx::query_as("select id, number from topics where title like '%pin tox%'")
            .fetch_one(&db.pool)
            .await
            .unwrap();

    let pinning = TopicNotes {
        title: "Should we pin tox?".to_string(),
        intents: vec![Intent::Quest],
        proposers: vec![name("Priya")],
        votes: 4,
        notes: vec![
            note("tox 4 broke the plugins", vec![]),
            note("pin below 4", vec![]),
        ],
        decisions: vec![],
        actions: vec![],
    };
    let better = page(
        vec![pinning.clone(), topic("A new topic", 0), constraints()],
        vec![action(
            "book a room",
            vec![Person::Slack(UserId::from("U7"))],
        )],
        vec![topic("Deep topics for next time", 3)],
    );
    let outcome = import(&db, &better, at(60)).await;
    assert_eq!(
        outcome,
        ImportOutcome {
            meetings_already_there: 1,
            topics_added: 1,
            topics_repaired: 2,
            backlog_repaired: 1,
            ..ImportOutcome::default()
        }
    );

    let pinning_after: (i64, i32) =
        sqlx::query_as("select id, number from topics where title = 'Should we pin tox?'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(pinning_after, pinning_before);
    let mut expected = better.meetings[0].clone();
    expected.topics.push(topic("Dropped later", 1));
    assert_eq!(minutes(&db).await, expected);
    let backlog: (String, i32) =
        sqlx::query_as("select title, imported_votes from topics where state = 'open'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(backlog, ("Deep topics for next time".to_string(), 3));

    // And once repaired, importing the better reading again changes nothing.
    let before = everything(&db).await;
    assert!(!import(&db, &better, at(120)).await.changed_anything());
    assert_eq!(everything(&db).await, before);
}

/// An item an earlier reading put under the wrong topic is moved to the right one, keeping
/// its state (someone closed it meanwhile); it is not added a second time.
#[tokio::test]
async fn an_item_under_the_wrong_topic_moves_with_its_state() {
    let db = Db::fresh().await;
    let adr = || action("write the ADR", vec![name("Jo")]);
    let wrong = page(
        vec![
            TopicNotes {
                actions: vec![adr()],
                ..topic("Logging", 1)
            },
            topic("Decision records", 1),
        ],
        vec![],
        vec![],
    );
    import(&db, &wrong, at(0)).await;
    let item = items::find_by_number(&db.pool, &TeamId::from(TEAM), ItemNumber(1))
        .await
        .unwrap()
        .unwrap();
    items::close(
        &db.pool,
        item.id,
        ItemState::Done,
        &UserId::from("U1"),
        at(10),
    )
    .await
    .unwrap();

    let right = page(
        vec![
            topic("Logging", 1),
            TopicNotes {
                actions: vec![adr()],
                ..topic("Decision records", 1)
            },
        ],
        vec![],
        vec![],
    );
    let outcome = import(&db, &right, at(20)).await;
    assert_eq!(outcome.topics_repaired, 1);
    let moved = items::find(&db.pool, &TeamId::from(TEAM), item.id)
        .await
        .unwrap()
        .unwrap();
    let records: i64 = sqlx::query_scalar("select id from topics where title = 'Decision records'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        (moved.topic_id, moved.state),
        (Some(records), ItemState::Done)
    );
    assert_eq!(items_titled(&db, "write the ADR").await, 1);
}

/// An item is matched by its text within the meeting: a better reading that gives it other
/// owners ("Jo Smith" where an earlier one read "Jo") finds the item stored before, and does
/// not store it a second time.
#[tokio::test]
async fn an_item_read_with_other_owners_is_not_stored_twice() {
    let db = Db::fresh().await;
    import(&db, &first_reading(), at(0)).await;
    let better = page(
        vec![
            crude_pinning(),
            TopicNotes {
                actions: vec![action("Jo to merge the files", vec![name("Jo Smith")])],
                ..constraints()
            },
            topic("Dropped later", 1),
        ],
        vec![action(
            "book a room",
            vec![Person::Slack(UserId::from("U7"))],
        )],
        vec![topic("Deep topics for next time", 0)],
    );
    import(&db, &better, at(60)).await;
    assert_eq!(items_titled(&db, "Jo to merge the files").await, 1);
}

/// Someone reassigns an imported item in Slack (`action 1 owner @U8`); importing the same page
/// again keeps the item as it is and changes nothing.
#[tokio::test]
async fn an_item_reassigned_in_slack_survives_importing_the_page_again() {
    let db = Db::fresh().await;
    import(&db, &first_reading(), at(0)).await;
    let item = items::find_by_number(&db.pool, &TeamId::from(TEAM), ItemNumber(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.text, "Jo to merge the files");
    let mut conn = db.conn().await;
    items::set_owners(&mut conn, item.id, &[UserId::from("U8")])
        .await
        .unwrap();
    let before = everything(&db).await;

    let again = import(&db, &first_reading(), at(60)).await;
    assert!(!again.changed_anything(), "{again:?}");
    assert_eq!(everything(&db).await, before);
}

/// A backlog topic already open in the channel under the same title (proposed in Slack) is
/// left as it is: nothing is added.
#[tokio::test]
async fn a_backlog_topic_already_open_is_not_added_again() {
    let db = Db::fresh().await;
    propose(&db, CHANNEL, "U1", "Rename master to main", at(0)).await;
    let outcome = import(
        &db,
        &Page {
            backlog: vec![topic("Rename master to main", 2)],
            ..Page::default()
        },
        at(10),
    )
    .await;
    assert_eq!(
        outcome,
        ImportOutcome {
            backlog_already_there: 1,
            ..ImportOutcome::default()
        }
    );
    assert_eq!(db.count("topics").await, 1);
}
