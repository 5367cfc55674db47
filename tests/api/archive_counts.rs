//! The intent mix per quarter (the channel page's chart) that migration 0019's statement
//! triggers keep in `topic_intent_counts`, checked against a count of `topics` itself: after
//! proposing, editing, withdrawing and importing, and when two transactions change topics at
//! once (the second waits for the first's count row, then adds to what the first left).

use std::time::Duration;

use chrono::NaiveDate;
use sqlx::PgPool;

use archhour::domain::ids::ChannelId;
use archhour::tools;

use crate::support::{CHANNEL, spawn_app};

/// (quarter, intent, topics) of `C_ARCH` as the triggers keep them.
async fn kept(db: &PgPool) -> Vec<(NaiveDate, String, i64)> {
    sqlx::query_as(
        "select quarter, intent, topics from topic_intent_counts
         where channel_id = $1 and topics <> 0 order by 1, 2",
    )
    .bind(CHANNEL)
    .fetch_all(db)
    .await
    .expect("the kept counts")
}

/// The same, counted from the topics.
async fn counted(db: &PgPool) -> Vec<(NaiveDate, String, i64)> {
    sqlx::query_as(
        "select date_trunc('quarter', created_at at time zone 'UTC')::date, intent, count(*)
         from topics, unnest(intents) as intent
         where channel_id = $1 and state <> 'withdrawn' group by 1, 2 order by 1, 2",
    )
    .bind(CHANNEL)
    .fetch_all(db)
    .await
    .expect("the counted counts")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// Runs `first` in a transaction, then `second` in another while the first is still open, and
/// checks that the second waits (both change the same count) until the first commits.
async fn at_once(db: &PgPool, first: &'static str, second: &'static str) {
    let mut one = db.begin().await.expect("a transaction");
    sqlx::query(first)
        .execute(&mut *one)
        .await
        .unwrap_or_else(|error| panic!("{error}: {first}"));
    let pool = db.clone();
    let other = tokio::spawn(async move {
        let mut two = pool.begin().await.expect("a transaction");
        sqlx::query(second)
            .execute(&mut *two)
            .await
            .unwrap_or_else(|error| panic!("{error}: {second}"));
        two.commit().await.expect("the second commits");
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !other.is_finished(),
        "the second statement waits for the first's count row: {second}"
    );
    one.commit().await.expect("the first commits");
    other.await.expect("the second ran");
}

/// Topic `number` of `C_ARCH` with `intents`, proposed at `at`.
macro_rules! topic {
    ($number:literal, $intents:literal, $at:literal) => {
        concat!(
            "insert into topics (team_id, number, channel_id, author_id, intents, title, created_at)
             values ('T1', ", $number, ", 'C_ARCH', 'U_ANN', '", $intents, "', 'topic ', timestamptz '", $at, "')"
        )
    };
}

#[tokio::test]
async fn two_transactions_changing_topics_at_once_lose_no_count() {
    let app = spawn_app().await;
    sqlx::query("insert into workspaces (team_id, last_topic_number) values ('T1', 0) on conflict do nothing")
        .execute(&app.db)
        .await
        .expect("the workspace");
    sqlx::query(topic!(1, "{discuss}", "2026-11-01 09:00Z"))
        .execute(&app.db)
        .await
        .expect("topic 1");

    // Two more discuss topics in 2026 Q4, whose count row exists: 3 in all.
    at_once(
        &app.db,
        topic!(2, "{discuss}", "2026-11-02 09:00Z"),
        topic!(3, "{discuss}", "2026-11-03 09:00Z"),
    )
    .await;
    // Two inform topics in 2026 Q3, a count neither transaction could see when it began.
    at_once(
        &app.db,
        topic!(4, "{inform}", "2026-08-01 09:00Z"),
        topic!(5, "{inform,discuss}", "2026-08-02 09:00Z"),
    )
    .await;
    assert_eq!(
        kept(&app.db).await,
        [
            (day(2026, 7, 1), "discuss".to_string(), 1),
            (day(2026, 7, 1), "inform".to_string(), 2),
            (day(2026, 10, 1), "discuss".to_string(), 3),
        ]
    );
    // #2 withdrawn while #3 becomes a quest: both take one from 2026 Q4's discuss.
    at_once(
        &app.db,
        "update topics set state = 'withdrawn' where number = 2",
        "update topics set intents = '{quest}' where number = 3",
    )
    .await;
    // #5 moved into Q4 while #4 loses its intents: both change 2026 Q3's inform.
    at_once(
        &app.db,
        "update topics set created_at = timestamptz '2026-10-05 09:00Z' where number = 5",
        "update topics set intents = '{}' where number = 4",
    )
    .await;
    let expected = [
        (day(2026, 10, 1), "discuss".to_string(), 2),
        (day(2026, 10, 1), "inform".to_string(), 1),
        (day(2026, 10, 1), "quest".to_string(), 1),
    ];
    assert_eq!(kept(&app.db).await, expected);
    assert_eq!(counted(&app.db).await, expected);
}

#[tokio::test]
async fn the_kept_counts_follow_proposing_editing_withdrawing_and_importing() {
    let app = spawn_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    app.propose("[inform/quest] The new CI runners").await;
    app.propose("[analysis] Split the monolith").await;
    app.command("edit 1 [quest] Adopt a message queue").await;
    app.command("withdraw 3").await;
    // Proposed on the test clock's day, 2026-11-18: #1 a quest, #2 inform and quest.
    assert_eq!(
        kept(&app.db).await,
        [
            (day(2026, 10, 1), "inform".to_string(), 1),
            (day(2026, 10, 1), "quest".to_string(), 2),
        ]
    );

    // A notes page imported, then imported again after an edit: the second import updates the
    // topics the first brought in (Kafka's line became a quest). Its topics date from the
    // meeting's day, in 2021 Q1.
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("arch-hour-2021-03-04.txt");
    let page = |kafka: &str| {
        format!(
            "Arch Hour: 2021-03-04\n\nTopics\n\n  • ({kafka}) [Omar K] Kafka or SNS for events?\n\n  \
             • [ideation] (Wen) Design review in PRs\n\n  • (4) [Question, Priya] Should we pin tox?\n"
        )
    };
    let ours = [
        (day(2026, 10, 1), "inform".to_string(), 1),
        (day(2026, 10, 1), "quest".to_string(), 2),
    ];
    for (kafka, discuss, quest) in [("discuss", 1, 1), ("quest", 0, 2)] {
        std::fs::write(&file, page(kafka)).expect("the page");
        let report = tools::import::import(
            &app.db,
            app.clock.as_ref(),
            &file,
            &ChannelId::from(CHANNEL),
            Default::default(),
        )
        .await
        .expect("the import runs");
        assert!(report.contains("Imported into"), "{report}");
        let mut expected: Vec<(NaiveDate, String, i64)> =
            [("discuss", discuss), ("ideation", 1), ("quest", quest)]
                .into_iter()
                .filter(|(_, topics)| *topics > 0)
                .map(|(intent, topics)| (day(2021, 1, 1), intent.to_string(), topics))
                .collect();
        expected.extend(ours.iter().cloned());
        assert_eq!(kept(&app.db).await, expected, "{report}");
        assert_eq!(counted(&app.db).await, expected);
    }
}
