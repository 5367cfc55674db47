//! Adding to the log from Slack: an anecdote (starting its issue if need be), an issue's
//! status, and the lock that makes two presses take turns.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use super::issues::{NewIssue, find_or_start};
use super::reading::find;
use crate::domain::challenges::{NewAnecdote, Recorded, When};
use crate::domain::ids::{ChannelId, TeamId, UserId};

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
            let found: Option<i64> = sqlx::query_scalar!(
                "select id from challenge_issues where id = $1 and channel_id = $2 for update",
                id,
                recording.channel_id.as_str()
            )
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
    let inserted: Option<i64> = sqlx::query_scalar!(
        "insert into challenge_anecdotes (issue_id, channel_id, text, team, when_written,
                                          happened_on, recorded_by, recorded_at, source, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (select coalesce(max(position), 0) + 1 from challenge_anecdotes
                  where issue_id = $1))
         on conflict (source) do nothing
         returning id",
        issue_id,
        recording.channel_id.as_str(),
        &anecdote.text,
        anecdote.team.as_deref(),
        &when.written,
        when.on,
        recording.user_id.as_str(),
        recording.at,
        recording.source.as_deref()
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

/// Locks an issue for the rest of the transaction (so two presses of "Discuss at Arch Hour"
/// take turns).
pub async fn lock(db: &mut PgConnection, issue_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar!(
        "select id from challenge_issues where id = $1 for update",
        issue_id
    )
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}
