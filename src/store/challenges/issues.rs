//! An issue found by its name in any case, or started with the workspace's next number:
//! shared by recording from Slack and importing a page.

use crate::domain::ids::{ChannelId, TeamId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A new issue to start.
pub(super) struct NewIssue<'a> {
    pub(super) team_id: &'a TeamId,
    pub(super) channel_id: &'a ChannelId,
    pub(super) category: &'a str,
    pub(super) title: &'a str,
    pub(super) imported: bool,
    pub(super) created_by: Option<&'a UserId>,
    pub(super) at: DateTime<Utc>,
}

/// Finds the issue by name or starts it; the category keeps the spelling it already has.
/// Returns its id and whether it is new.
pub(super) async fn find_or_start(
    db: &mut PgConnection,
    issue: &NewIssue<'_>,
) -> sqlx::Result<(i64, bool)> {
    let category = spelling(&mut *db, issue.channel_id, issue.category)
        .await?
        .unwrap_or_else(|| issue.category.to_string());
    if let Some(id) = lock_by_name(&mut *db, issue.channel_id, &category, issue.title).await? {
        return Ok((id, false));
    }
    let number = take_next_number(&mut *db, issue.team_id).await?;
    let started: Option<i64> = sqlx::query_scalar!(
        "insert into challenge_issues (team_id, number, channel_id, category, title, imported,
                                       created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (channel_id, lower(category), lower(title)) do nothing
         returning id",
        issue.team_id.as_str(),
        number,
        issue.channel_id.as_str(),
        &category,
        issue.title,
        issue.imported,
        issue.created_by.map(UserId::as_str),
        issue.at
    )
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

/// The category as the log already spells it, if it has one of that name in any case.
async fn spelling(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    category: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select category from challenge_issues
         where channel_id = $1 and lower(category) = lower($2) order by id limit 1",
        channel_id.as_str(),
        category
    )
    .fetch_optional(db)
    .await
}

/// The issue named so in the channel, locked for the rest of the transaction.
async fn lock_by_name(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    category: &str,
    title: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from challenge_issues
         where channel_id = $1 and lower(category) = lower($2) and lower(title) = lower($3)
         for update",
        channel_id.as_str(),
        category,
        title
    )
    .fetch_optional(db)
    .await
}

/// Takes the workspace's next challenge number (the row lock lasts until commit).
async fn take_next_number(db: &mut PgConnection, team_id: &TeamId) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "insert into workspaces (team_id, last_challenge_number) values ($1, 1)
         on conflict (team_id) do update
             set last_challenge_number = workspaces.last_challenge_number + 1
         returning last_challenge_number",
        team_id.as_str()
    )
    .fetch_one(db)
    .await
}
