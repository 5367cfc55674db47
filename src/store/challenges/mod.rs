//! The challenges log: issues and their anecdotes, recorded from Slack or imported from a page,
//! and the topics proposed from them.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::domain::challenges::{
    Anecdote, ChallengeIssue, NewAnecdote, PageIssue, RecentAnecdote, Recorded, When,
};

#[derive(sqlx::FromRow)]
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
            channel_id: row.channel_id,
            category: row.category,
            title: row.title,
            occurrences: row.occurrences,
            last_seen: row.last_seen,
            status: row.status,
            topic_number: row.topic_number,
        }
    }
}

/// Selects [`IssueRow`]s from `challenge_issues i` filtered by `$where`.
macro_rules! select_issues {
    ($where:literal) => {
        concat!(
            "select i.id, i.number, i.channel_id, i.category, i.title, i.occurrences, i.status,
                    (select max(a.happened_on) from challenge_anecdotes a
                     where a.issue_id = i.id) as last_seen,
                    (select t.number from topics t
                     where t.challenge_id = i.id and t.state in ('open', 'discussing')
                     limit 1) as topic_number
             from challenge_issues i where ",
            $where
        )
    };
}

#[derive(sqlx::FromRow)]
struct AnecdoteRow {
    text: String,
    team: Option<String>,
    when_written: Option<String>,
    happened_on: Option<NaiveDate>,
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

/// Which issue an anecdote is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueChoice {
    /// One picked from the log (the modal's menu).
    Existing(i64),
    /// Named: found by category and title whatever their case, or started.
    Named { category: String, title: String },
}

/// An anecdote recorded from Slack.
#[derive(Debug, Clone)]
pub struct Recording<'a> {
    pub team_id: &'a str,
    pub channel_id: &'a str,
    pub user_id: &'a str,
    pub issue: IssueChoice,
    pub anecdote: NewAnecdote,
    /// What recorded it ("view:V123"), so the same submission records once.
    pub source: Option<String>,
    pub at: DateTime<Utc>,
}

/// The channel's issues, in no particular order.
pub async fn in_channel(
    db: impl PgExecutor<'_>,
    channel_id: &str,
) -> sqlx::Result<Vec<ChallengeIssue>> {
    let rows: Vec<IssueRow> = sqlx::query_as(select_issues!("i.channel_id = $1"))
        .bind(channel_id)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(ChallengeIssue::from).collect())
}

pub async fn find(db: impl PgExecutor<'_>, issue_id: i64) -> sqlx::Result<Option<ChallengeIssue>> {
    let row: Option<IssueRow> = sqlx::query_as(select_issues!("i.id = $1"))
        .bind(issue_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(ChallengeIssue::from))
}

/// `challenge N` in a channel: the workspace's issue numbered `number`, if it is this
/// channel's. Another channel's issues (perhaps a private channel's) are not found from here.
pub async fn find_by_number(
    db: impl PgExecutor<'_>,
    team_id: &str,
    channel_id: &str,
    number: i32,
) -> sqlx::Result<Option<ChallengeIssue>> {
    let row: Option<IssueRow> = sqlx::query_as(select_issues!(
        "i.team_id = $1 and i.channel_id = $2 and i.number = $3"
    ))
    .bind(team_id)
    .bind(channel_id)
    .bind(number)
    .fetch_optional(db)
    .await?;
    Ok(row.map(ChallengeIssue::from))
}

/// An issue's anecdotes in the order they were told.
pub async fn anecdotes(db: impl PgExecutor<'_>, issue_id: i64) -> sqlx::Result<Vec<Anecdote>> {
    let rows: Vec<AnecdoteRow> = sqlx::query_as(
        "select text, team, when_written, happened_on from challenge_anecdotes
         where issue_id = $1 order by position, id",
    )
    .bind(issue_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Anecdote::from).collect())
}

/// The channel's categories, in the order they were started.
pub async fn categories(db: impl PgExecutor<'_>, channel_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "select category from (
             select distinct on (lower(category)) category, id from challenge_issues
             where channel_id = $1 order by lower(category), id
         ) first order by id",
    )
    .bind(channel_id)
    .fetch_all(db)
    .await
}

/// The category as the log already spells it, if it has one of that name in any case.
async fn spelling(
    db: &mut PgConnection,
    channel_id: &str,
    category: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "select category from challenge_issues
         where channel_id = $1 and lower(category) = lower($2) order by id limit 1",
    )
    .bind(channel_id)
    .bind(category)
    .fetch_optional(db)
    .await
}

/// The issue named so in the channel, locked for the rest of the transaction.
async fn lock_by_name(
    db: &mut PgConnection,
    channel_id: &str,
    category: &str,
    title: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select id from challenge_issues
         where channel_id = $1 and lower(category) = lower($2) and lower(title) = lower($3)
         for update",
    )
    .bind(channel_id)
    .bind(category)
    .bind(title)
    .fetch_optional(db)
    .await
}

/// Takes the workspace's next challenge number (the row lock lasts until commit).
async fn take_next_number(db: &mut PgConnection, team_id: &str) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "insert into workspaces (team_id, last_challenge_number) values ($1, 1)
         on conflict (team_id) do update
             set last_challenge_number = workspaces.last_challenge_number + 1
         returning last_challenge_number",
    )
    .bind(team_id)
    .fetch_one(db)
    .await
}

/// A new issue to start.
struct NewIssue<'a> {
    team_id: &'a str,
    channel_id: &'a str,
    category: &'a str,
    title: &'a str,
    imported: bool,
    created_by: Option<&'a str>,
    at: DateTime<Utc>,
}

/// Finds the issue by name or starts it; the category keeps the spelling it already has.
/// Returns its id and whether it is new.
async fn find_or_start(db: &mut PgConnection, issue: &NewIssue<'_>) -> sqlx::Result<(i64, bool)> {
    let category = spelling(&mut *db, issue.channel_id, issue.category)
        .await?
        .unwrap_or_else(|| issue.category.to_string());
    if let Some(id) = lock_by_name(&mut *db, issue.channel_id, &category, issue.title).await? {
        return Ok((id, false));
    }
    let number = take_next_number(&mut *db, issue.team_id).await?;
    let started: Option<i64> = sqlx::query_scalar(
        "insert into challenge_issues (team_id, number, channel_id, category, title, imported,
                                       created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (channel_id, lower(category), lower(title)) do nothing
         returning id",
    )
    .bind(issue.team_id)
    .bind(number)
    .bind(issue.channel_id)
    .bind(&category)
    .bind(issue.title)
    .bind(issue.imported)
    .bind(issue.created_by)
    .bind(issue.at)
    .fetch_optional(&mut *db)
    .await?;
    match started {
        Some(id) => Ok((id, true)),
        // Started by someone else since we looked: theirs it is.
        None => {
            let id = lock_by_name(&mut *db, issue.channel_id, &category, issue.title)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?;
            Ok((id, false))
        }
    }
}

/// Records an anecdote, starting its issue if need be, and counts one more occurrence. `None`
/// when an issue picked by id is not in the channel.
pub async fn record(
    db: &mut PgConnection,
    recording: &Recording<'_>,
) -> sqlx::Result<Option<Recorded>> {
    let (issue_id, new_issue) = match &recording.issue {
        IssueChoice::Existing(id) => {
            let found: Option<i64> = sqlx::query_scalar(
                "select id from challenge_issues where id = $1 and channel_id = $2 for update",
            )
            .bind(id)
            .bind(recording.channel_id)
            .fetch_optional(&mut *db)
            .await?;
            match found {
                Some(id) => (id, false),
                None => return Ok(None),
            }
        }
        IssueChoice::Named { category, title } => {
            find_or_start(
                &mut *db,
                &NewIssue {
                    team_id: recording.team_id,
                    channel_id: recording.channel_id,
                    category,
                    title,
                    imported: false,
                    created_by: Some(recording.user_id),
                    at: recording.at,
                },
            )
            .await?
        }
    };
    let anecdote = &recording.anecdote;
    let when = When::of(anecdote.on);
    let inserted: Option<i64> = sqlx::query_scalar(
        "insert into challenge_anecdotes (issue_id, channel_id, text, team, when_written,
                                          happened_on, recorded_by, recorded_at, source, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (select coalesce(max(position), 0) + 1 from challenge_anecdotes
                  where issue_id = $1))
         on conflict (source) do nothing
         returning id",
    )
    .bind(issue_id)
    .bind(recording.channel_id)
    .bind(&anecdote.text)
    .bind(&anecdote.team)
    .bind(&when.written)
    .bind(when.on)
    .bind(recording.user_id)
    .bind(recording.at)
    .bind(&recording.source)
    .fetch_optional(&mut *db)
    .await?;
    if inserted.is_some() {
        sqlx::query(
            "update challenge_issues set occurrences = coalesce(occurrences, 0) + 1
             where id = $1",
        )
        .bind(issue_id)
        .execute(&mut *db)
        .await?;
    }
    let issue = find(&mut *db, issue_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(Some(Recorded {
        issue,
        new_issue,
        added: inserted.is_some(),
    }))
}

/// `challenge N status …`.
pub async fn set_status(
    db: impl PgExecutor<'_>,
    issue_id: i64,
    status: &str,
    by: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "update challenge_issues set status = $2, status_set_by = $3, status_set_at = $4
         where id = $1",
    )
    .bind(issue_id)
    .bind(status)
    .bind(by)
    .bind(at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Locks an issue for the rest of the transaction (so two presses of "Discuss at Arch Hour"
/// take turns).
pub async fn lock(db: &mut PgConnection, issue_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("select id from challenge_issues where id = $1 for update")
            .bind(issue_id)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

#[derive(sqlx::FromRow)]
struct RecentRow {
    number: i32,
    category: String,
    title: String,
    #[sqlx(flatten)]
    anecdote: AnecdoteRow,
}

/// Anecdotes recorded in Slack after `since`, oldest first, up to `limit`; and how many there
/// are in all.
pub async fn recorded_since(
    db: &mut PgConnection,
    channel_id: &str,
    since: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<(Vec<RecentAnecdote>, i64)> {
    let rows: Vec<RecentRow> = sqlx::query_as(
        "select i.number, i.category, i.title, a.text, a.team, a.when_written, a.happened_on
         from challenge_anecdotes a join challenge_issues i on i.id = a.issue_id
         where a.channel_id = $1 and not a.imported and a.recorded_at > $2
         order by a.recorded_at, a.id limit $3",
    )
    .bind(channel_id)
    .bind(since)
    .bind(limit)
    .fetch_all(&mut *db)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "select count(*) from challenge_anecdotes
         where channel_id = $1 and not imported and recorded_at > $2",
    )
    .bind(channel_id)
    .bind(since)
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

/// What importing a page added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub issues_added: usize,
    pub issues_already_there: usize,
    pub anecdotes_added: usize,
}

/// Stores a page's issues and anecdotes. Idempotent: an issue is found by name, its count
/// only ever rises to the page's, its status is filled only when it has none, and an
/// anecdote already imported is not added again.
pub async fn import_page(
    db: &mut PgConnection,
    issues: &[PageIssue],
    team_id: &str,
    channel_id: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<ImportOutcome> {
    let mut outcome = ImportOutcome::default();
    for issue in issues {
        let (issue_id, new) = find_or_start(
            &mut *db,
            &NewIssue {
                team_id,
                channel_id,
                category: &issue.category,
                title: &issue.title,
                imported: true,
                created_by: None,
                at,
            },
        )
        .await?;
        if new {
            outcome.issues_added += 1;
        } else {
            outcome.issues_already_there += 1;
        }
        sqlx::query(
            "update challenge_issues
             set occurrences = case when $2::int is null then occurrences
                                    else greatest(coalesce(occurrences, 0), $2) end,
                 status = case when status = '' then $3 else status end
             where id = $1",
        )
        .bind(issue_id)
        .bind(issue.occurrences)
        .bind(&issue.status)
        .execute(&mut *db)
        .await?;
        for anecdote in &issue.anecdotes {
            let added = sqlx::query(
                "insert into challenge_anecdotes (issue_id, channel_id, text, team, when_written,
                                                  happened_on, imported, recorded_at, position)
                 values ($1, $2, $3, $4, $5, $6, true, $7,
                         (select coalesce(max(position), 0) + 1 from challenge_anecdotes
                          where issue_id = $1))
                 on conflict (issue_id, md5(coalesce(when_written, '') || '|' || text))
                     where imported do nothing",
            )
            .bind(issue_id)
            .bind(channel_id)
            .bind(&anecdote.text)
            .bind(&anecdote.team)
            .bind(anecdote.when.as_ref().map(|w| w.written.as_str()))
            .bind(anecdote.when.as_ref().map(|w| w.on))
            .bind(at)
            .execute(&mut *db)
            .await?
            .rows_affected();
            outcome.anecdotes_added += usize::try_from(added).unwrap_or(0);
        }
    }
    Ok(outcome)
}

#[derive(sqlx::FromRow)]
struct PageRow {
    id: i64,
    category: String,
    title: String,
    occurrences: Option<i32>,
    status: String,
}

#[derive(sqlx::FromRow)]
struct ChannelAnecdoteRow {
    issue_id: i64,
    #[sqlx(flatten)]
    anecdote: AnecdoteRow,
}

/// The channel's log in the page's shape: categories in the order they were started, each
/// one's issues in the order they were, with their anecdotes.
pub async fn page_of(db: &mut PgConnection, channel_id: &str) -> sqlx::Result<Vec<PageIssue>> {
    let rows: Vec<PageRow> = sqlx::query_as(
        "select id, category, title, occurrences, status from challenge_issues
         where channel_id = $1
         order by min(id) over (partition by lower(category)), id",
    )
    .bind(channel_id)
    .fetch_all(&mut *db)
    .await?;
    let told: Vec<ChannelAnecdoteRow> = sqlx::query_as(
        "select issue_id, text, team, when_written, happened_on from challenge_anecdotes
         where channel_id = $1 order by issue_id, position, id",
    )
    .bind(channel_id)
    .fetch_all(&mut *db)
    .await?;
    let mut by_issue: std::collections::HashMap<i64, Vec<Anecdote>> =
        std::collections::HashMap::new();
    for row in told {
        by_issue
            .entry(row.issue_id)
            .or_default()
            .push(row.anecdote.into());
    }
    Ok(rows
        .into_iter()
        .map(|row| PageIssue {
            anecdotes: by_issue.remove(&row.id).unwrap_or_default(),
            category: row.category,
            title: row.title,
            occurrences: row.occurrences,
            status: row.status,
        })
        .collect())
}
