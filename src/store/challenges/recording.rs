//! Adding to the log from Slack: an anecdote (starting its issue if need be), in one go or in
//! the pieces a use case loads and writes around its decision; an issue's status; and the lock
//! that makes two presses take turns.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use super::issues::{NewIssue, find_or_start};
use super::reading::find;
use crate::domain::challenges::{NewAnecdote, Recorded, When};
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::store::history::reachable_from;

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
    pub team_id: &'a TeamId,
    pub channel_id: &'a ChannelId,
    pub user_id: &'a UserId,
    pub issue: IssueChoice,
    pub anecdote: NewAnecdote,
    /// What recorded it ("view:V123"), so the same submission records once.
    pub source: Option<String>,
    pub at: DateTime<Utc>,
}

/// Records an anecdote, starting its issue if need be, and counts one more occurrence. `None`
/// when an issue picked by id is not in the channel.
pub async fn record(
    db: &mut PgConnection,
    recording: &Recording<'_>,
) -> sqlx::Result<Option<Recorded>> {
    let (issue_id, new_issue) = match &recording.issue {
        IssueChoice::Existing(id) => {
            match lock_in_channel(&mut *db, recording.team_id, *id, recording.channel_id).await? {
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
    let added = add_anecdote(
        &mut *db,
        issue_id,
        &Told {
            channel_id: recording.channel_id,
            user_id: recording.user_id,
            anecdote: &recording.anecdote,
            source: recording.source.as_deref(),
            at: recording.at,
        },
    )
    .await?;
    let issue = find(&mut *db, issue_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(Some(Recorded {
        issue,
        new_issue,
        added,
    }))
}

/// Issue `issue_id` if it is in `channel_id`'s log and `team_id` may reach it
/// ([`reachable_from`]), locked until the transaction ends.
pub async fn lock_in_channel(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    issue_id: i64,
    channel_id: &ChannelId,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from challenge_issues
         where id = $1 and channel_id = $2 and team_id = any($3) for update",
        issue_id,
        channel_id.as_str(),
        &reachable_from(team_id)
    )
    .fetch_optional(db)
    .await
}

/// An anecdote told in Slack: where, by whom, from what (a form's view) and when.
#[derive(Debug, Clone, Copy)]
pub struct Told<'a> {
    pub channel_id: &'a ChannelId,
    pub user_id: &'a UserId,
    pub anecdote: &'a NewAnecdote,
    /// What recorded it ("view:V123"), so the same submission records once.
    pub source: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Adds an anecdote to an issue and counts one more occurrence. Returns false (and adds
/// nothing) when its source was recorded already.
pub async fn add_anecdote(
    db: &mut PgConnection,
    issue_id: i64,
    told: &Told<'_>,
) -> sqlx::Result<bool> {
    let anecdote = told.anecdote;
    let when = When::of(anecdote.on);
    let inserted: Option<i64> = sqlx::query_scalar!(
        "insert into challenge_anecdotes (issue_id, channel_id, text, team, when_written,
                                          happened_on, recorded_by, recorded_at, source, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (select coalesce(max(position), 0) + 1 from challenge_anecdotes
                  where issue_id = $1))
         on conflict (source) do nothing
         returning id",
        issue_id,
        told.channel_id.as_str(),
        &anecdote.text,
        anecdote.team.as_deref(),
        &when.written,
        when.on,
        told.user_id.as_str(),
        told.at,
        told.source
    )
    .fetch_optional(&mut *db)
    .await?;
    if inserted.is_some() {
        sqlx::query!(
            "update challenge_issues set occurrences = coalesce(occurrences, 0) + 1
             where id = $1",
            issue_id
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(inserted.is_some())
}

/// Whether an anecdote from `source` ("view:V123") was recorded already.
pub async fn recorded_from(db: impl PgExecutor<'_>, source: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        "select exists (select 1 from challenge_anecdotes where source = $1) as \"exists!\"",
        source
    )
    .fetch_one(db)
    .await
}

/// `challenge N status …`.
pub async fn set_status(
    db: impl PgExecutor<'_>,
    issue_id: i64,
    status: &str,
    by: &UserId,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update challenge_issues set status = $2, status_set_by = $3, status_set_at = $4
         where id = $1",
        issue_id,
        status,
        by.as_str(),
        at
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Locks an issue `team_id` may reach ([`reachable_from`]) for the rest of the transaction (so
/// two presses of "Discuss at Arch Hour" take turns); false when there is no such issue.
pub async fn lock(db: &mut PgConnection, team_id: &TeamId, issue_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar!(
        "select id from challenge_issues where id = $1 and team_id = any($2) for update",
        issue_id,
        &reachable_from(team_id)
    )
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}
