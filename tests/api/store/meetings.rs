//! `store::meetings`: one running meeting per channel, its phase under a version, the topics it
//! took in order with their time boxes, and deferring the backlog it did not reach.

use archhour::domain::meeting::rules::Phase;
use archhour::domain::meeting::{DiscussedTopic, Meeting};
use archhour::domain::topics::TopicState;
use archhour::store::{meetings, topics};
use chrono::{DateTime, NaiveDate, Utc};

use super::{CHANNEL, Db, OTHER_CHANNEL, TEAM, at, propose};
use archhour::domain::ids::{ChannelId, TeamId, UserId};

fn day() -> NaiveDate {
    at(0).date_naive()
}

async fn start(db: &Db, channel: &str, now: DateTime<Utc>) -> Option<i64> {
    meetings::insert_starting(
        &db.pool,
        &TeamId::from(TEAM),
        &ChannelId::from(channel),
        &UserId::from("U1"),
        now,
        day(),
    )
    .await
    .expect("starting a meeting")
}

async fn running(db: &Db) -> Meeting {
    meetings::running_in(&db.pool, &TeamId::from(TEAM), &ChannelId::from(CHANNEL))
        .await
        .unwrap()
        .expect("a running meeting")
}

/// A channel runs one meeting at a time: a second start is refused until the first has ended.
#[tokio::test]
async fn a_channel_runs_one_meeting_at_a_time() {
    let db = Db::fresh().await;
    let first = start(&db, CHANNEL, at(0)).await.expect("the first meeting");
    assert_eq!(start(&db, CHANNEL, at(1)).await, None);
    assert!(
        start(&db, OTHER_CHANNEL, at(1)).await.is_some(),
        "another channel's own"
    );
    assert_eq!(
        running(&db).await,
        Meeting {
            id: first,
            team_id: TeamId::from(TEAM.to_string()),
            channel_id: ChannelId::from(CHANNEL.to_string()),
            started_by: UserId::from("U1"),
            started_at: at(0),
            phase: Phase::Starting,
            version: 1,
            vote_message_ts: None,
        }
    );

    meetings::set_phase(&db.pool, first, Phase::Ended, 2, at(50))
        .await
        .unwrap();
    assert_eq!(
        meetings::running_in(&db.pool, &TeamId::from(TEAM), &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        None
    );
    let ended = meetings::find(&db.pool, first).await.unwrap().unwrap();
    assert_eq!((ended.phase, ended.version), (Phase::Ended, 2));
    let ended_at: Option<DateTime<Utc>> =
        sqlx::query_scalar("select ended_at from meetings where id = $1")
            .bind(first)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(ended_at, Some(at(50)));
    let next = start(&db, CHANNEL, at(60))
        .await
        .expect("a new meeting after the end");
    assert_ne!(next, first);
}

/// Each phase reads back as stored, with its topic, round and deadline. The "Time's up"
/// message is recorded only for the phase it was posted in, and a new phase clears it.
#[tokio::test]
async fn a_phase_reads_back_and_owns_its_vote_message() {
    let db = Db::fresh().await;
    let topic = propose(&db, CHANNEL, "U2", "Topic", at(0)).await;
    let meeting = start(&db, CHANNEL, at(0)).await.unwrap();
    let discussing = Phase::Discussing {
        topic_id: topic.id,
        round: 1,
        ends_at: at(10),
    };
    meetings::set_phase(&db.pool, meeting, discussing, 2, at(0))
        .await
        .unwrap();
    assert_eq!(
        (running(&db).await.phase, running(&db).await.version),
        (discussing, 2)
    );

    let voting = Phase::Voting {
        topic_id: topic.id,
        round: 1,
        closes_at: at(11),
    };
    meetings::set_phase(&db.pool, meeting, voting, 3, at(10))
        .await
        .unwrap();
    meetings::set_vote_message(&db.pool, meeting, 2, "1.1")
        .await
        .unwrap();
    assert_eq!(
        running(&db).await.vote_message_ts,
        None,
        "posted for an earlier phase"
    );
    meetings::set_vote_message(&db.pool, meeting, 3, "1.2")
        .await
        .unwrap();
    let locked = {
        let mut tx = db.pool.begin().await.unwrap();
        meetings::lock(&mut *tx, meeting).await.unwrap().unwrap()
    };
    assert_eq!(
        (locked.phase, locked.vote_message_ts.as_deref()),
        (voting, Some("1.2"))
    );

    let second_box = Phase::Discussing {
        topic_id: topic.id,
        round: 2,
        ends_at: at(16),
    };
    meetings::set_phase(&db.pool, meeting, second_box, 4, at(11))
        .await
        .unwrap();
    let meeting_now = running(&db).await;
    assert_eq!(
        (meeting_now.phase, meeting_now.vote_message_ts),
        (second_box, None)
    );
    meetings::set_phase(&db.pool, meeting, Phase::Idle, 5, at(16))
        .await
        .unwrap();
    assert_eq!(running(&db).await.phase, Phase::Idle);
}

/// The record of the topics a meeting took: in the order taken, the votes when each started,
/// the boxes granted (rounds and planned seconds adding up), when each ended, and whether the
/// room wanted more.
#[tokio::test]
async fn the_topics_taken_are_recorded_in_order_with_their_time_boxes() {
    let db = Db::fresh().await;
    let first = propose(&db, CHANNEL, "U2", "First", at(0)).await;
    let second = propose(&db, CHANNEL, "U2", "Second", at(0)).await;
    let meeting = start(&db, CHANNEL, at(0)).await.unwrap();
    meetings::start_topic(&db.pool, meeting, second.id, 5, 600, at(1))
        .await
        .unwrap();
    meetings::grant_box(&db.pool, meeting, second.id, 2, 300)
        .await
        .unwrap();
    meetings::grant_box(&db.pool, meeting, second.id, 3, 300)
        .await
        .unwrap();
    meetings::finish_topic(&db.pool, meeting, second.id, true, at(22))
        .await
        .unwrap();
    meetings::start_topic(&db.pool, meeting, first.id, 2, 600, at(22))
        .await
        .unwrap();

    assert_eq!(
        meetings::discussed(&db.pool, meeting).await.unwrap(),
        [
            DiscussedTopic {
                topic_id: second.id,
                position: 1,
                votes: 5,
                rounds: 3,
                planned_seconds: 1200,
                started_at: at(1),
                ended_at: Some(at(22)),
                needs_follow_up: true,
            },
            DiscussedTopic {
                topic_id: first.id,
                position: 2,
                votes: 2,
                rounds: 1,
                planned_seconds: 600,
                started_at: at(22),
                ended_at: None,
                needs_follow_up: false,
            },
        ]
    );
}

/// Ending a meeting defers the channel's topics still open that were proposed by the time it
/// started (at 09:30 here): not those proposed during it, not those taken, withdrawn or in
/// another channel.
#[tokio::test]
async fn ending_defers_the_open_topics_proposed_before_the_start() {
    let db = Db::fresh().await;
    let early = propose(&db, CHANNEL, "U2", "Early", at(0)).await;
    let on_the_minute = propose(&db, CHANNEL, "U2", "On the minute", at(30)).await;
    let during = propose(&db, CHANNEL, "U2", "During", at(31)).await;
    let taken = propose(&db, CHANNEL, "U2", "Taken", at(0)).await;
    let withdrawn = propose(&db, CHANNEL, "U2", "Withdrawn", at(0)).await;
    let elsewhere = propose(&db, OTHER_CHANNEL, "U2", "Elsewhere", at(0)).await;
    topics::set_state(&db.pool, taken.id, TopicState::Discussed, None)
        .await
        .unwrap();
    topics::withdraw(&db.pool, withdrawn.id, &UserId::from("U2"), at(1))
        .await
        .unwrap();

    let mut deferred = meetings::defer_open_topics(&db.pool, &ChannelId::from(CHANNEL), at(30))
        .await
        .unwrap();
    deferred.sort();
    assert_eq!(deferred, [early.id, on_the_minute.id]);
    meetings::defer_open_topics(&db.pool, &ChannelId::from(CHANNEL), at(30))
        .await
        .unwrap();

    let mut times = Vec::new();
    for topic in [
        &early,
        &on_the_minute,
        &during,
        &taken,
        &withdrawn,
        &elsewhere,
    ] {
        let stored = topics::find(&db.pool, topic.id).await.unwrap().unwrap();
        times.push(stored.times_deferred);
    }
    assert_eq!(times, [2, 2, 0, 0, 0, 0]);
}
