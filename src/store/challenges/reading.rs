//! Reading the log: a channel's issues, one issue, its anecdotes, the categories, and what
//! was recorded lately.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::domain::challenges::{Anecdote, ChallengeIssue, RecentAnecdote, When};
use crate::domain::ids::{ChannelId, TeamId, TopicNumber};

struct IssueRow {
    id: i64,
    number: i32,
    channel_id: String,
    category: String,
    title: String,
    occurrences: Option<i32>,
    status: String,
    last_seen: Option<NaiveDate>,
    topic_number: Option<i32>,
}

impl From<IssueRow> for ChallengeIssue {
    fn from(row: IssueRow) -> Self {
        ChallengeIssue {
            id: row.id,
            number: row.number,
            channel_id: ChannelId::from(row.channel_id),
            category: row.category,
            title: row.title,
            occurrences: row.occurrences,
            last_seen: row.last_seen,
            status: row.status,
            topic_number: row.topic_number.map(TopicNumber),
        }
    }
}

/// A checked `sqlx::query_as!` reading [`IssueRow`]s from `challenge_issues i` filtered by
/// `$where` (the query macros join `+`-separated literals; they cannot expand `concat!`).
macro_rules! query_issues {
    ($where:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            IssueRow,
            "select i.id, i.number, i.channel_id, i.category, i.title, i.occurrences, i.status,
                    (select max(a.happened_on) from challenge_anecdotes a
                     where a.issue_id = i.id) as last_seen,
                    (select t.number from topics t
                     where t.challenge_id = i.id and t.state in ('open', 'discussing')
                     limit 1) as topic_number
             from challenge_issues i where "
                + $where
            $(, $arg)*
        )
    };
}

pub(super) struct AnecdoteRow {
    pub(super) text: String,
    pub(super) team: Option<String>,
    pub(super) when_written: Option<String>,
    pub(super) happened_on: Option<NaiveDate>,
}

impl From<AnecdoteRow> for Anecdote {
    fn from(row: AnecdoteRow) -> Self {
        Anecdote {
            when: match (row.when_written, row.happened_on) {
                (Some(written), Some(on)) => Some(When { written, on }),
                _ => None,
            },
            team: row.team,
            text: row.text,
        }
    }
}

/// The channel's issues, in no particular order.
pub async fn in_channel(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<ChallengeIssue>> {
    let rows: Vec<IssueRow> = query_issues!("i.channel_id = $1", channel_id.as_str())
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(ChallengeIssue::from).collect())
}

pub async fn find(db: impl PgExecutor<'_>, issue_id: i64) -> sqlx::Result<Option<ChallengeIssue>> {
    let row: Option<IssueRow> = query_issues!("i.id = $1", issue_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(ChallengeIssue::from))
}

/// `challenge N` in a channel: the workspace's issue numbered `number`, if it is this
/// channel's. Another channel's issues (perhaps a private channel's) are not found from here.
pub async fn find_by_number(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_id: &ChannelId,
    number: i32,
) -> sqlx::Result<Option<ChallengeIssue>> {
    let row: Option<IssueRow> = query_issues!(
        "i.team_id = $1 and i.channel_id = $2 and i.number = $3",
        team_id.as_str(),
        channel_id.as_str(),
        number
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(ChallengeIssue::from))
}

/// An issue's anecdotes in the order they were told.
pub async fn anecdotes(db: impl PgExecutor<'_>, issue_id: i64) -> sqlx::Result<Vec<Anecdote>> {
    let rows: Vec<AnecdoteRow> = sqlx::query_as!(
        AnecdoteRow,
        "select text, team, when_written, happened_on from challenge_anecdotes
         where issue_id = $1 order by position, id",
        issue_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Anecdote::from).collect())
}

/// The channel's categories, in the order they were started.
pub async fn categories(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select category from (
             select distinct on (lower(category)) category, id from challenge_issues
             where channel_id = $1 order by lower(category), id
         ) first order by id",
        channel_id.as_str()
    )
    .fetch_all(db)
    .await
}

struct RecentRow {
    number: i32,
    category: String,
    title: String,
    anecdote: AnecdoteRow,
}

/// Anecdotes recorded in Slack after `since`, oldest first, up to `limit`; and how many there
/// are in all.
pub async fn recorded_since(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    since: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<(Vec<RecentAnecdote>, i64)> {
    let rows: Vec<RecentRow> = sqlx::query!(
        "select i.number, i.category, i.title, a.text, a.team, a.when_written, a.happened_on
         from challenge_anecdotes a join challenge_issues i on i.id = a.issue_id
         where a.channel_id = $1 and not a.imported and a.recorded_at > $2
         order by a.recorded_at, a.id limit $3",
        channel_id.as_str(),
        since,
        limit
    )
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .map(|row| RecentRow {
        number: row.number,
        category: row.category,
        title: row.title,
        anecdote: AnecdoteRow {
            text: row.text,
            team: row.team,
            when_written: row.when_written,
            happened_on: row.happened_on,
        },
    })
    .collect();
    let total: i64 = sqlx::query_scalar!(
        "select count(*) as \"count!\" from challenge_anecdotes
         where channel_id = $1 and not imported and recorded_at > $2",
        channel_id.as_str(),
        since
    )
    .fetch_one(&mut *db)
    .await?;
    let recent = rows
        .into_iter()
        .map(|row| RecentAnecdote {
            issue_number: row.number,
            category: row.category,
            title: row.title,
            anecdote: row.anecdote.into(),
        })
        .collect();
    Ok((recent, total))
}
