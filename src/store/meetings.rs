//! Meetings and the topics they took: creating, locking, moving the phase, recording rounds and
//! time used, and ending with the backlog deferred.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::meeting::rules::Phase;
use crate::domain::meeting::{DiscussedTopic, Meeting};

struct MeetingRow {
    id: i64,
    team_id: TeamId,
    channel_id: ChannelId,
    started_by: UserId,
    started_at: DateTime<Utc>,
    phase: String,
    topic_id: Option<i64>,
    round: Option<i32>,
    phase_ends_at: Option<DateTime<Utc>>,
    version: i32,
    vote_message_ts: Option<String>,
}

/// A checked `sqlx::query_as!` reading [`MeetingRow`]s from the statement `$head`, the columns
/// and `$tail` (the query macros join `+`-separated literals; they cannot expand `concat!`).
macro_rules! query_meetings {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            MeetingRow,
            $head
                + "id, team_id, channel_id, started_by, started_at, phase, topic_id, round, \
                   phase_ends_at, version, vote_message_ts"
                + $tail
            $(, $arg)*
        )
    };
}

impl From<MeetingRow> for Meeting {
    fn from(row: MeetingRow) -> Self {
        let round = u32::try_from(row.round.unwrap_or(1)).unwrap_or(1);
        let phase = match (row.phase.as_str(), row.topic_id, row.phase_ends_at) {
            ("discussing", Some(topic_id), Some(ends_at)) => Phase::Discussing {
                topic_id,
                round,
                ends_at,
            },
            ("voting", Some(topic_id), Some(closes_at)) => Phase::Voting {
                topic_id,
                round,
                closes_at,
            },
            ("starting", ..) => Phase::Starting,
            ("idle", ..) => Phase::Idle,
            _ => Phase::Ended,
        };
        Meeting {
            id: row.id,
            team_id: row.team_id,
            channel_id: row.channel_id,
            started_by: row.started_by,
            started_at: row.started_at,
            phase,
            version: row.version,
            vote_message_ts: row.vote_message_ts,
        }
    }
}

/// Creates a meeting in the `starting` phase. `None` if the channel already runs one.
pub async fn insert_starting(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_id: &ChannelId,
    started_by: &UserId,
    now: DateTime<Utc>,
    held_on: NaiveDate,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into meetings (team_id, channel_id, started_by, started_at, held_on)
         values ($1, $2, $3, $4, $5)
         on conflict (channel_id) where phase <> 'ended' do nothing
         returning id",
        team_id.as_str(),
        channel_id.as_str(),
        started_by.as_str(),
        now,
        held_on
    )
    .fetch_optional(db)
    .await
}

/// The channel's meeting of `team_id` that has not ended, if any (in a channel shared between
/// workspaces, another workspace's meeting is not this one's to run or add to).
pub async fn running_in(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_id: &ChannelId,
) -> sqlx::Result<Option<Meeting>> {
    let row: Option<MeetingRow> = query_meetings!(
        "select ",
        " from meetings where channel_id = $1 and phase <> 'ended' and team_id = $2",
        channel_id.as_str(),
        team_id.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Meeting::from))
}

/// A meeting, locked until the caller's transaction ends: one change at a time.
pub async fn lock(db: impl PgExecutor<'_>, meeting_id: i64) -> sqlx::Result<Option<Meeting>> {
    let row: Option<MeetingRow> = query_meetings!(
        "select ",
        " from meetings where id = $1 for update",
        meeting_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Meeting::from))
}

pub async fn find(db: impl PgExecutor<'_>, meeting_id: i64) -> sqlx::Result<Option<Meeting>> {
    let row: Option<MeetingRow> =
        query_meetings!("select ", " from meetings where id = $1", meeting_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(Meeting::from))
}

/// Stores a new phase under a new version; the vote message is cleared with each change.
pub async fn set_phase(
    db: impl PgExecutor<'_>,
    meeting_id: i64,
    phase: Phase,
    version: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (name, topic_id, round, ends_at) = match phase {
        Phase::Starting => ("starting", None, None, None),
        Phase::Discussing {
            topic_id,
            round,
            ends_at,
        } => ("discussing", Some(topic_id), Some(round), Some(ends_at)),
        Phase::Voting {
            topic_id,
            round,
            closes_at,
        } => ("voting", Some(topic_id), Some(round), Some(closes_at)),
        Phase::Idle => ("idle", None, None, None),
        Phase::Ended => ("ended", None, None, None),
    };
    sqlx::query!(
        "update meetings set phase = $2, topic_id = $3, round = $4, phase_ends_at = $5,
             version = $6, vote_message_ts = null,
             ended_at = case when $2 = 'ended' then $7 else ended_at end
         where id = $1",
        meeting_id,
        name,
        topic_id,
        round.map(|r| i32::try_from(r).unwrap_or(i32::MAX)),
        ends_at,
        version,
        now
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records the "Time's up" message of phase `version` (ignored if the phase moved on).
pub async fn set_vote_message(
    db: impl PgExecutor<'_>,
    meeting_id: i64,
    version: i32,
    ts: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update meetings set vote_message_ts = $3 where id = $1 and version = $2",
        meeting_id,
        version,
        ts
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records that a topic's discussion started.
pub async fn start_topic(
    db: impl PgExecutor<'_>,
    meeting_id: i64,
    topic_id: i64,
    votes: i64,
    planned_seconds: u64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into meeting_topics
             (meeting_id, topic_id, position, votes, planned_seconds, started_at)
         values ($1, $2,
                 (select count(*) + 1 from meeting_topics where meeting_id = $1),
                 $3, $4, $5)",
        meeting_id,
        topic_id,
        i32::try_from(votes).unwrap_or(i32::MAX),
        i32::try_from(planned_seconds).unwrap_or(i32::MAX),
        now
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records another time box granted to a topic.
pub async fn grant_box(
    db: impl PgExecutor<'_>,
    meeting_id: i64,
    topic_id: i64,
    round: u32,
    seconds: u64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update meeting_topics set rounds = $3, planned_seconds = planned_seconds + $4
         where meeting_id = $1 and topic_id = $2",
        meeting_id,
        topic_id,
        i32::try_from(round).unwrap_or(i32::MAX),
        i32::try_from(seconds).unwrap_or(i32::MAX)
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records the end of a topic's discussion.
pub async fn finish_topic(
    db: impl PgExecutor<'_>,
    meeting_id: i64,
    topic_id: i64,
    needs_follow_up: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update meeting_topics set ended_at = $3, needs_follow_up = $4
         where meeting_id = $1 and topic_id = $2",
        meeting_id,
        topic_id,
        now,
        needs_follow_up
    )
    .execute(db)
    .await
    .map(|_| ())
}

struct DiscussedRow {
    topic_id: i64,
    position: i32,
    votes: i32,
    rounds: i32,
    planned_seconds: i32,
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    needs_follow_up: bool,
}

/// The topics a meeting took, in order.
pub async fn discussed(
    db: impl PgExecutor<'_>,
    meeting_id: i64,
) -> sqlx::Result<Vec<DiscussedTopic>> {
    let rows: Vec<DiscussedRow> = sqlx::query_as!(
        DiscussedRow,
        "select topic_id, position, votes, rounds, planned_seconds, started_at, ended_at,
                needs_follow_up
         from meeting_topics where meeting_id = $1 order by position",
        meeting_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| DiscussedTopic {
            topic_id: row.topic_id,
            position: row.position,
            votes: row.votes,
            rounds: row.rounds,
            planned_seconds: row.planned_seconds,
            started_at: row.started_at,
            ended_at: row.ended_at,
            needs_follow_up: row.needs_follow_up,
        })
        .collect())
}

/// Adds one to the deferred count of every topic still open in the channel that was proposed
/// before the meeting started. Returns their ids.
pub async fn defer_open_topics(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    proposed_before: DateTime<Utc>,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "update topics set times_deferred = times_deferred + 1
         where channel_id = $1 and state = 'open' and created_at <= $2
         returning id",
        channel_id.as_str(),
        proposed_before
    )
    .fetch_all(db)
    .await
}
