//! `store::reminders`: a reminder run happens once per key, each owner gets one DM per run
//! listing the items fixed when it started, and where each DM went is remembered.

use archhour::domain::users::UserKind;
use archhour::store::reminders::{self, ReminderDm};
use archhour::store::users;

use super::{CHANNEL, Db, assert_lock_not_available, at, impatient_transaction};
use archhour::domain::ids::{ChannelId, UserId};

const RUN: &str = "reminders:C_ARCH:2026-11-17T10:00:00Z";

#[tokio::test]
async fn a_run_happens_once_per_key() {
    let db = Db::fresh().await;
    assert_eq!(
        reminders::run_started_at(&db.pool, RUN).await.unwrap(),
        None
    );
    assert!(
        reminders::start_run(&db.pool, RUN, &ChannelId::from(CHANNEL), None, at(0))
            .await
            .unwrap()
    );
    assert!(
        !reminders::start_run(
            &db.pool,
            RUN,
            &ChannelId::from(CHANNEL),
            Some(&UserId::from("U1")),
            at(5)
        )
        .await
        .unwrap(),
        "a retried or duplicated run does nothing"
    );
    assert_eq!(
        reminders::run_started_at(&db.pool, RUN).await.unwrap(),
        Some(at(0))
    );
    assert!(
        reminders::start_run(
            &db.pool,
            "remind:U1:1",
            &ChannelId::from(CHANNEL),
            Some(&UserId::from("U1")),
            at(5)
        )
        .await
        .unwrap()
    );
}

/// An owner's DM in a run lists the items fixed when it was added; adding it again keeps those.
/// Once sent, it is found by its message, and listed for each of its items so closing one
/// edits it; a DM not yet sent is not.
#[tokio::test]
async fn each_owner_gets_one_dm_per_run() {
    let db = Db::fresh().await;
    reminders::start_run(&db.pool, RUN, &ChannelId::from(CHANNEL), None, at(0))
        .await
        .unwrap();
    reminders::add_dm(&db.pool, RUN, &UserId::from("U1"), &[3, 1])
        .await
        .unwrap();
    reminders::add_dm(&db.pool, RUN, &UserId::from("U1"), &[3, 1, 7])
        .await
        .unwrap();
    reminders::add_dm(&db.pool, RUN, &UserId::from("U2"), &[1])
        .await
        .unwrap();
    let unsent = ReminderDm {
        run_key: RUN.to_string(),
        user_id: UserId::from("U1"),
        item_ids: vec![3, 1],
        dm_channel_id: None,
        message_ts: None,
    };
    assert_eq!(
        reminders::dm(&db.pool, RUN, &UserId::from("U1"))
            .await
            .unwrap(),
        Some(unsent.clone())
    );
    assert_eq!(
        reminders::dm(&db.pool, RUN, &UserId::from("U3"))
            .await
            .unwrap(),
        None
    );
    assert!(
        reminders::dms_listing(&db.pool, 1)
            .await
            .unwrap()
            .is_empty(),
        "none sent yet"
    );

    reminders::record_dm(
        &db.pool,
        RUN,
        &UserId::from("U1"),
        &ChannelId::from("D1"),
        "1.1",
    )
    .await
    .unwrap();
    let sent = ReminderDm {
        dm_channel_id: Some(ChannelId::from("D1")),
        message_ts: Some("1.1".to_string()),
        ..unsent
    };
    assert_eq!(
        reminders::dm_by_message(&db.pool, &ChannelId::from("D1"), "1.1")
            .await
            .unwrap(),
        Some(sent)
    );
    assert_eq!(
        reminders::dm_by_message(&db.pool, &ChannelId::from("D1"), "1.2")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        reminders::dms_listing(&db.pool, 1).await.unwrap(),
        [(RUN.to_string(), UserId::from("U1"))]
    );
    assert!(
        reminders::dms_listing(&db.pool, 7)
            .await
            .unwrap()
            .is_empty(),
        "not in U1's list"
    );
}

/// A user's DM channel with the bot is remembered, replaced when it changes, and kept apart
/// from what users.info told us about them.
#[tokio::test]
async fn a_user_s_dm_channel_is_remembered() {
    let db = Db::fresh().await;
    assert_eq!(
        reminders::dm_channel(&db.pool, &UserId::from("U1"))
            .await
            .unwrap(),
        None
    );
    reminders::save_dm_channel(&db.pool, &UserId::from("U1"), &ChannelId::from("D1"))
        .await
        .unwrap();
    assert_eq!(
        reminders::dm_channel(&db.pool, &UserId::from("U1"))
            .await
            .unwrap(),
        Some(ChannelId::from("D1"))
    );

    let admin = UserKind {
        is_bot: false,
        is_admin: true,
    };
    users::save(&db.pool, &UserId::from("U1"), admin, at(0))
        .await
        .unwrap();
    reminders::save_dm_channel(&db.pool, &UserId::from("U1"), &ChannelId::from("D2"))
        .await
        .unwrap();
    assert_eq!(
        reminders::dm_channel(&db.pool, &UserId::from("U1"))
            .await
            .unwrap(),
        Some(ChannelId::from("D2"))
    );
    assert_eq!(
        users::get(&db.pool, &UserId::from("U1"), at(0))
            .await
            .unwrap(),
        Some(admin)
    );
}

/// Deciding a run holds its key: a second process deciding the same run waits until the first
/// commits, then finds the run happened; another run's key is not held.
#[tokio::test]
async fn a_run_being_decided_holds_off_the_same_run_until_it_commits() {
    let db = Db::fresh().await;
    let mut first = db.pool.begin().await.unwrap();
    assert!(!reminders::lock_run(&mut first, RUN).await.unwrap());

    let mut second = impatient_transaction(&db).await;
    assert_lock_not_available(
        reminders::lock_run(&mut second, RUN).await,
        "the second run waits for the first",
    );
    second.rollback().await.unwrap();

    let mut other = impatient_transaction(&db).await;
    assert!(
        !reminders::lock_run(&mut other, "remind:C_ARCH:2026-11-17")
            .await
            .unwrap()
    );
    other.rollback().await.unwrap();

    reminders::start_run(&mut *first, RUN, &ChannelId::from(CHANNEL), None, at(0))
        .await
        .unwrap();
    first.commit().await.unwrap();

    let mut second = db.pool.begin().await.unwrap();
    assert!(reminders::lock_run(&mut second, RUN).await.unwrap());
}
