//! The log and its page: importing a page's issues and anecdotes, and the log in the page's
//! shape for writing one.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::issues::{NewIssue, find_or_start};
use super::reading::AnecdoteRow;
use crate::domain::challenges::{Anecdote, PageIssue};
use crate::domain::ids::{ChannelId, TeamId};

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
    team_id: &TeamId,
    channel_id: &ChannelId,
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
        sqlx::query!(
            "update challenge_issues
             set occurrences = case when $2::int is null then occurrences
                                    else greatest(coalesce(occurrences, 0), $2) end,
                 status = case when status = '' then $3 else status end
             where id = $1",
            issue_id,
            issue.occurrences,
            &issue.status
        )
        .execute(&mut *db)
        .await?;
        for anecdote in &issue.anecdotes {
            let added = sqlx::query!(
                "insert into challenge_anecdotes (issue_id, channel_id, text, team, when_written,
                                                  happened_on, imported, recorded_at, position)
                 values ($1, $2, $3, $4, $5, $6, true, $7,
                         (select coalesce(max(position), 0) + 1 from challenge_anecdotes
                          where issue_id = $1))
                 on conflict (issue_id, md5(coalesce(when_written, '') || '|' || text))
                     where imported do nothing",
                issue_id,
                channel_id.as_str(),
                &anecdote.text,
                anecdote.team.as_deref(),
                anecdote.when.as_ref().map(|w| w.written.as_str()),
                anecdote.when.as_ref().map(|w| w.on),
                at
            )
            .execute(&mut *db)
            .await?
            .rows_affected();
            outcome.anecdotes_added += usize::try_from(added).unwrap_or(0);
        }
    }
    Ok(outcome)
}

struct PageRow {
    id: i64,
    category: String,
    title: String,
    occurrences: Option<i32>,
    status: String,
}

struct ChannelAnecdoteRow {
    issue_id: i64,
    anecdote: AnecdoteRow,
}

/// The channel's log in the page's shape: categories in the order they were started, each
/// one's issues in the order they were, with their anecdotes.
pub async fn page_of(
    db: &mut PgConnection,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<PageIssue>> {
    let rows: Vec<PageRow> = sqlx::query_as!(
        PageRow,
        "select id, category, title, occurrences, status from challenge_issues
         where channel_id = $1
         order by min(id) over (partition by lower(category)), id",
        channel_id.as_str()
    )
    .fetch_all(&mut *db)
    .await?;
    let told: Vec<ChannelAnecdoteRow> = sqlx::query!(
        "select issue_id, text, team, when_written, happened_on from challenge_anecdotes
         where channel_id = $1 order by issue_id, position, id",
        channel_id.as_str()
    )
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .map(|row| ChannelAnecdoteRow {
        issue_id: row.issue_id,
        anecdote: AnecdoteRow {
            text: row.text,
            team: row.team,
            when_written: row.when_written,
            happened_on: row.happened_on,
        },
    })
    .collect();
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
