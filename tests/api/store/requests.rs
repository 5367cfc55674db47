//! `store::requests`: signatures of the commands and interactions already handled, so a
//! replayed request is refused, and forgotten once too old to be accepted anyway.

use archhour::store::requests::first_sighting;
use chrono::Duration;

use super::{Db, at};

async fn remembered(db: &Db) -> Vec<String> {
    sqlx::query_scalar("select signature from seen_requests order by signature")
        .fetch_all(&db.pool)
        .await
        .expect("reading seen requests")
}

#[tokio::test]
async fn a_signature_seen_before_is_a_replay() {
    let db = Db::fresh().await;
    assert!(first_sighting(&db.pool, "v0=aaa", at(0)).await.unwrap());
    assert!(
        !first_sighting(&db.pool, "v0=aaa", at(0)).await.unwrap(),
        "the same signature again is a replay"
    );
    assert!(
        !first_sighting(&db.pool, "v0=aaa", at(4)).await.unwrap(),
        "still a replay minutes later, inside Slack's 5-minute window"
    );
    assert!(
        first_sighting(&db.pool, "v0=bbb", at(4)).await.unwrap(),
        "another request is not"
    );
}

/// Signatures are remembered for 10 minutes: one seen exactly 10 minutes ago is kept, one seen
/// longer ago is forgotten when the next request arrives.
#[tokio::test]
async fn signatures_are_forgotten_after_ten_minutes() {
    let db = Db::fresh().await;
    first_sighting(&db.pool, "v0=old", at(0)).await.unwrap();
    first_sighting(&db.pool, "v0=newer", at(1)).await.unwrap();

    first_sighting(&db.pool, "v0=next", at(10)).await.unwrap();
    assert_eq!(remembered(&db).await, ["v0=newer", "v0=next", "v0=old"]);

    first_sighting(&db.pool, "v0=later", at(10) + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(remembered(&db).await, ["v0=later", "v0=newer", "v0=next"]);
}
