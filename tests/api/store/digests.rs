//! `store::digests`: at most one digest per channel per period, and when the last was posted.

use archhour::store::digests;

use super::{CHANNEL, Db, OTHER_CHANNEL, at};
use archhour::domain::ids::ChannelId;

#[tokio::test]
async fn a_period_s_digest_is_claimed_once_per_channel() {
    let db = Db::fresh().await;
    let week = "2026-11-16T09:00:00Z";
    assert!(
        digests::claim(&db.pool, &ChannelId::from(CHANNEL), week, at(0))
            .await
            .unwrap()
    );
    assert!(
        !digests::claim(&db.pool, &ChannelId::from(CHANNEL), week, at(1))
            .await
            .unwrap(),
        "a second process finds it posted"
    );
    assert!(
        digests::claim(&db.pool, &ChannelId::from(OTHER_CHANNEL), week, at(1))
            .await
            .unwrap(),
        "another channel has its own"
    );
    assert!(
        digests::claim(
            &db.pool,
            &ChannelId::from(CHANNEL),
            "2026-11-23T09:00:00Z",
            at(2)
        )
        .await
        .unwrap(),
        "and so has the next week"
    );
}

#[tokio::test]
async fn the_last_digest_is_the_latest_of_the_channel_s_own() {
    let db = Db::fresh().await;
    assert_eq!(
        digests::last_posted(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        None
    );

    digests::claim(&db.pool, &ChannelId::from(CHANNEL), "week 2", at(60))
        .await
        .unwrap();
    digests::claim(&db.pool, &ChannelId::from(CHANNEL), "week 1", at(30))
        .await
        .unwrap();
    digests::claim(&db.pool, &ChannelId::from(OTHER_CHANNEL), "week 3", at(90))
        .await
        .unwrap();
    // A refused claim does not move it.
    digests::claim(&db.pool, &ChannelId::from(CHANNEL), "week 2", at(120))
        .await
        .unwrap();

    assert_eq!(
        digests::last_posted(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        Some(at(60))
    );
}
