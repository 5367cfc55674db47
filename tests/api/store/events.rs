//! `store::events`: the Events API deliveries already applied, so a redelivery changes nothing.

use archhour::store::events;

use super::{Db, at};

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

#[tokio::test]
async fn an_event_id_is_new_once_however_often_it_arrives() {
    let db = Db::fresh().await;

    // A batch that repeats an id names it once among the new ones.
    let mut first = events::record_new(&db.pool, &ids(&["Ev1", "Ev2", "Ev1"]), at(0))
        .await
        .expect("recording events");
    first.sort();
    assert_eq!(first, ids(&["Ev1", "Ev2"]));

    // Slack redelivers Ev2 with a new Ev3: only Ev3 is new.
    let second = events::record_new(&db.pool, &ids(&["Ev2", "Ev3"]), at(1))
        .await
        .expect("recording events");
    assert_eq!(second, ids(&["Ev3"]));

    // The first sighting's time is kept.
    let received: Vec<(String, chrono::DateTime<chrono::Utc>)> =
        sqlx::query_as("select event_id, received_at from slack_events order by event_id")
            .fetch_all(&db.pool)
            .await
            .expect("reading events");
    assert_eq!(
        received,
        [
            ("Ev1".to_string(), at(0)),
            ("Ev2".to_string(), at(0)),
            ("Ev3".to_string(), at(1)),
        ]
    );
}

#[tokio::test]
async fn an_empty_batch_records_nothing() {
    let db = Db::fresh().await;
    let new = events::record_new(&db.pool, &[], at(0))
        .await
        .expect("recording no events");
    assert!(new.is_empty());
    assert_eq!(db.count("slack_events").await, 0);
}
