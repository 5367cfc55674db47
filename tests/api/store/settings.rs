//! `store::settings`: a channel without a row has the documented defaults; a saved row reads
//! back as saved; a change made under `load_for_update` waits for one in progress.

use archhour::domain::meeting::{Schedule, Span, WeeklyTime};
use archhour::domain::settings::ChannelSettings;
use archhour::store::settings;

use super::{
    CHANNEL, Db, OTHER_CHANNEL, assert_lock_not_available, at, impatient_transaction, save_settings,
};
use archhour::domain::ids::{ChannelId, UserId};

/// Every field away from its default.
fn customised() -> ChannelSettings {
    ChannelSettings {
        schedule: Schedule::parse("fri 15:30 Europe/Berlin 45m").expect("a schedule"),
        timebox: vec![Span::from_secs(300), Span::from_secs(120)],
        warning: Span::from_secs(0),
        vote_window: Span::from_secs(30),
        vote_emoji: "heavy_plus_sign".to_string(),
        votes_per_person: 3,
        digest: None,
        reminders: WeeklyTime::parse("thu 08:15"),
        facilitators: vec![UserId::from("U2"), UserId::from("U1")],
    }
}

#[tokio::test]
async fn a_channel_without_a_row_has_the_defaults() {
    let db = Db::fresh().await;
    assert_eq!(
        settings::load(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        ChannelSettings::default()
    );
}

/// The migrations' column defaults are the documented defaults too: a row holding only its
/// channel reads back as `ChannelSettings::default()` (Wednesday 11:00 UTC for 60 minutes,
/// boxes of 10, 5 and 5 minutes, a 2-minute warning, a 1-minute vote, :+1:, no budget, the
/// digest Monday 09:00 and reminders Tuesday 10:00, anyone may facilitate).
#[tokio::test]
async fn the_column_defaults_are_the_documented_defaults() {
    let db = Db::fresh().await;
    sqlx::query("insert into channel_settings (channel_id) values ($1)")
        .bind(CHANNEL)
        .execute(&db.pool)
        .await
        .expect("a bare row");
    assert_eq!(
        settings::load(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        ChannelSettings::default()
    );
}

#[tokio::test]
async fn saved_settings_read_back_as_saved_and_saving_again_replaces_them() {
    let db = Db::fresh().await;
    save_settings(&db, &customised(), "U1", 0).await;
    assert_eq!(
        settings::load(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        customised()
    );

    // Turning the digest back on and the reminders off, by someone else.
    let changed = ChannelSettings {
        digest: WeeklyTime::parse("sun 18:45"),
        reminders: None,
        ..customised()
    };
    save_settings(&db, &changed, "U2", 5).await;
    assert_eq!(
        settings::load(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        changed
    );
    let who: (String, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("select updated_by, updated_at from channel_settings where channel_id = $1")
            .bind(CHANNEL)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(who, ("U2".to_string(), at(5)));
    assert_eq!(db.count("channel_settings").await, 1);
}

#[tokio::test]
async fn settings_of_several_channels_leave_out_those_with_defaults() {
    let db = Db::fresh().await;
    save_settings(&db, &customised(), "U1", 0).await;
    let loaded = settings::load_many(
        &db.pool,
        &[
            ChannelId::from(CHANNEL.to_string()),
            ChannelId::from(OTHER_CHANNEL.to_string()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded.get(&ChannelId::from(CHANNEL)), Some(&customised()));
}

/// While one change holds the channel's settings (before its row even exists), a second cannot
/// read them; once the first commits, the second reads its result.
#[tokio::test]
async fn a_change_in_progress_holds_off_another_until_it_commits() {
    let db = Db::fresh().await;
    let mut first = db.pool.begin().await.unwrap();
    let before = settings::load_for_update(&mut first, &ChannelId::from(CHANNEL))
        .await
        .unwrap();
    assert_eq!(before, ChannelSettings::default());

    let mut second = impatient_transaction(&db).await;
    assert_lock_not_available(
        settings::load_for_update(&mut second, &ChannelId::from(CHANNEL)).await,
        "the second change waits for the first",
    );
    second.rollback().await.unwrap();

    settings::save(
        &mut *first,
        &ChannelId::from(CHANNEL),
        &customised(),
        &UserId::from("U1"),
        at(0),
    )
    .await
    .unwrap();
    first.commit().await.unwrap();

    let mut second = db.pool.begin().await.unwrap();
    assert_eq!(
        settings::load_for_update(&mut second, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        customised()
    );
}
