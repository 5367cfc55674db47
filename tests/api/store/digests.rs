//! `store::digests`: at most one digest per channel per period, and when the last was posted.

use archhour::store::digests;

use super::{CHANNEL, Db, OTHER_CHANNEL, assert_lock_not_available, at, impatient_transaction};
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

/// Deciding a period's digest holds it: a second process deciding the same one waits until
/// the first commits, then finds it posted; another channel's is not held.
#[tokio::test]
async fn a_digest_being_decided_holds_off_the_same_one_until_it_commits() {
    let db = Db::fresh().await;
    let week = "from 2026-11-16T09:00:00+00:00";
    let mut first = db.pool.begin().await.unwrap();
    assert!(
        !digests::lock_period(&mut first, &ChannelId::from(CHANNEL), week)
            .await
            .unwrap()
    );

    let mut second = impatient_transaction(&db).await;
    assert_lock_not_available(
        digests::lock_period(&mut second, &ChannelId::from(CHANNEL), week).await,
        "the second digest waits for the first",
    );
    second.rollback().await.unwrap();

    let mut other = impatient_transaction(&db).await;
    assert!(
        !digests::lock_period(&mut other, &ChannelId::from(OTHER_CHANNEL), week)
            .await
            .unwrap()
    );
    other.rollback().await.unwrap();

    digests::claim(&mut *first, &ChannelId::from(CHANNEL), week, at(0))
        .await
        .unwrap();
    first.commit().await.unwrap();

    let mut second = db.pool.begin().await.unwrap();
    assert!(
        digests::lock_period(&mut second, &ChannelId::from(CHANNEL), week)
            .await
            .unwrap()
    );
    assert!(
        !digests::lock_period(&mut second, &ChannelId::from(OTHER_CHANNEL), week)
            .await
            .unwrap(),
        "another channel's is its own"
    );
}
