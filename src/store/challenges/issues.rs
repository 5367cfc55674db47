//! An issue found by its name in any case, or started with the workspace's next number:
//! shared by recording from Slack and importing a page. Looking a name up holds the name's lock
//! until the transaction ends, so two recordings of one new issue take turns and the second
//! finds the issue the first started.

use crate::domain::ids::{ChannelId, TeamId, UserId};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// A new issue to start.
#[derive(Debug, Clone)]
pub struct NewIssue<'a> {
    pub team_id: &'a TeamId,
    pub channel_id: &'a ChannelId,
    pub category: &'a str,
    pub title: &'a str,
    pub imported: bool,
    pub created_by: Option<&'a UserId>,
    pub at: DateTime<Utc>,
}

/// What the log holds under a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// The issue of that name in any case, locked until the transaction ends.
    Found(i64),
    /// None yet; a new one goes in `category` as the log already spells it (else as typed).
    Absent { category: String },
}

/// Finds the issue by name or starts it; the category keeps the spelling it already has.
/// Returns its id and whether it is new.
pub(super) async fn find_or_start(
    db: &mut PgConnection,
    issue: &NewIssue<'_>,
) -> sqlx::Result<(i64, bool)> {
    match look_up(&mut *db, issue.channel_id, issue.category, issue.title).await? {
        Named::Found(id) => Ok((id, false)),
        Named::Absent { category } => {
            let number = take_next_number(&mut *db, issue.team_id).await?;
            let id = take_next_id(&mut *db).await?;
            let new = NewIssue {
                category: &category,
                ..issue.clone()
            };
            start(&mut *db, id, number, &new).await?;
            Ok((id, true))
        }
    }
}

/// The issue named `category` › `title` in the channel, whatever their case, with the name's
/// lock (and the issue's row lock, if found) held until the transaction ends.
pub async fn look_up(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    category: &str,
    title: &str,
) -> sqlx::Result<Named> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended(
             'challenge_issue:' || $1 || ':' || lower($2) || ':' || lower($3), 0))",
        channel_id.as_str(),
        category,
        title
    )
    .execute(&mut *db)
    .await?;
    let category = spelling(&mut *db, channel_id, category)
        .await?
        .unwrap_or_else(|| category.to_string());
    Ok(
        match lock_by_name(&mut *db, channel_id, &category, title).await? {
            Some(id) => Named::Found(id),
            None => Named::Absent { category },
        },
    )
}

/// Stores a new issue under an id from [`take_next_id`] and a number from
/// [`take_next_number`]; the caller holds its name's lock ([`look_up`]).
pub async fn start(
    db: impl PgExecutor<'_>,
    id: i64,
    number: i32,
    issue: &NewIssue<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into challenge_issues (id, team_id, number, channel_id, category, title,
                                       imported, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        issue.team_id.as_str(),
        number,
        issue.channel_id.as_str(),
        issue.category,
        issue.title,
        issue.imported,
        issue.created_by.map(UserId::as_str),
        issue.at
    )
    .execute(db)
    .await
    .map(|_| ())
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

/// Takes the workspace's next challenge number (the row lock lasts until the transaction
/// ends, and a rollback gives the number back).
pub async fn take_next_number(db: impl PgExecutor<'_>, team_id: &TeamId) -> sqlx::Result<i32> {
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

/// Takes an id for an issue about to be started, so what is decided about it can name it
/// before it is written. Ids were never gapless.
pub async fn take_next_id(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "select nextval(pg_get_serial_sequence('challenge_issues', 'id')) as \"id!\""
    )
    .fetch_one(db)
    .await
}
