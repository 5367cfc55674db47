//! What users.info told us about Slack users.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::ids::{TeamId, UserId};
use crate::domain::users::UserKind;

pub async fn get(
    db: impl PgExecutor<'_>,
    user_id: &UserId,
    fresh_since: DateTime<Utc>,
) -> sqlx::Result<Option<UserKind>> {
    let row: Option<(bool, bool)> = sqlx::query!(
        "select is_bot, is_admin from slack_users where user_id = $1 and fetched_at >= $2",
        user_id.as_str(),
        fresh_since
    )
    .fetch_optional(db)
    .await?
    .map(|row| (row.is_bot, row.is_admin));
    Ok(row.map(|(is_bot, is_admin)| UserKind { is_bot, is_admin }))
}

/// Stores what users.info said. A user newly known as a bot stops counting in vote tallies.
pub async fn save(
    db: impl PgExecutor<'_>,
    user_id: &UserId,
    kind: UserKind,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "with before as (select is_bot from slack_users where user_id = $1),
         saved as (
             insert into slack_users (user_id, is_bot, is_admin, fetched_at)
             values ($1, $2, $3, $4)
             on conflict (user_id) do update
                 set is_bot = excluded.is_bot, is_admin = excluded.is_admin,
                     fetched_at = excluded.fetched_at
         ),
         bot_votes as (
             select channel_id, message_ts, count(*) as n from votes
             where user_id = $1 and present
               and $2 and not coalesce((select is_bot from before), false)
             group by channel_id, message_ts
         )
         update vote_tallies t set votes = t.votes - b.n
         from bot_votes b
         where t.channel_id = b.channel_id and t.message_ts = b.message_ts",
        user_id.as_str(),
        kind.is_bot,
        kind.is_admin,
        now
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores the name `users.info` gave `user_id`, `""` when it gave none (so that the user is
/// not looked up again for it).
pub async fn save_name(
    db: impl PgExecutor<'_>,
    user_id: &UserId,
    name: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update slack_users set display_name = $2 where user_id = $1",
        user_id.as_str(),
        name.unwrap_or("")
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The names stored for those of `user_ids` that have one.
pub async fn names_of(
    db: impl PgExecutor<'_>,
    user_ids: &[UserId],
) -> sqlx::Result<HashMap<UserId, String>> {
    let rows = sqlx::query!(
        "select user_id, display_name as \"display_name!\" from slack_users
         where user_id = any($1) and display_name <> ''",
        user_ids as _
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (UserId::from(row.user_id), row.display_name))
        .collect())
}

/// Notes those of `user_ids` the directory does not know, for the background look-up to ask
/// Slack about them (a page showing them names them once it has).
pub async fn note_unknown(db: impl PgExecutor<'_>, user_ids: &[UserId]) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into slack_users (user_id) select distinct unnest($1::text[])
         on conflict (user_id) do nothing",
        user_ids as _
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Users known but not by name: looked up before names were kept, or asked about through the
/// outbox (an admin check), which keeps only their kind.
pub async fn to_name(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<MetUser>> {
    let rows = sqlx::query_as!(
        MetUserRow,
        "select user_id, team_id from slack_users
         where display_name is null and fetched_at is not null
         order by user_id limit $1",
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(MetUser::from).collect())
}

/// Users noted but not yet looked up.
pub async fn to_look_up(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<MetUser>> {
    let rows = sqlx::query_as!(
        MetUserRow,
        "select user_id, team_id from slack_users where fetched_at is null
         order by user_id limit $1",
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(MetUser::from).collect())
}

/// A user to ask Slack about, and the workspace they were met in (whose token asks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetUser {
    pub user_id: UserId,
    /// `None`: met before workspaces were recorded, or outside a workspace's card.
    pub team: Option<TeamId>,
}

struct MetUserRow {
    user_id: String,
    team_id: Option<String>,
}

impl From<MetUserRow> for MetUser {
    fn from(row: MetUserRow) -> Self {
        MetUser {
            user_id: UserId::from(row.user_id),
            team: row.team_id.map(TeamId::from),
        }
    }
}

/// Open topics (ids, and their workspaces) a user votes on, to refresh once we learn they
/// are a bot.
pub async fn open_topics_voted_by(
    db: impl PgExecutor<'_>,
    user_id: &UserId,
) -> sqlx::Result<Vec<(i64, TeamId)>> {
    sqlx::query!(
        "select distinct t.id, t.team_id from votes v
         join topics t on t.channel_id = v.channel_id and t.card_ts = v.message_ts
         where v.user_id = $1 and v.present and t.state in ('open', 'discussing')
         order by t.id",
        user_id.as_str()
    )
    .fetch_all(db)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|row| (row.id, TeamId::from(row.team_id)))
            .collect()
    })
}

/// Which of `user_ids` are known bots.
pub async fn bots_among(db: impl PgExecutor<'_>, user_ids: &[UserId]) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar!(
        "select user_id from slack_users where is_bot and user_id = any($1)",
        user_ids as _
    )
    .fetch_all(db)
    .await
    .map(|ids| ids.into_iter().map(UserId::from).collect())
}
