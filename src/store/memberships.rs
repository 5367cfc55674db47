//! Which channels the bot is in, as it last learned, and which workspace a channel is in.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::membership::{Membership, Outside};

/// What the bot last learned about `channel_id`; `None` when it never looked.
pub async fn get(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Option<Membership>> {
    let row = sqlx::query!(
        "select is_member, reason from channel_memberships where channel_id = $1",
        channel_id.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| {
        if row.is_member {
            Membership::Member
        } else {
            Membership::Outside(Outside::parse(row.reason.as_deref().unwrap_or("")))
        }
    }))
}

/// Records what the bot learned about `channel_id` at `now`.
pub async fn set(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    membership: Membership,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (is_member, reason) = match membership {
        Membership::Member => (true, None),
        Membership::Outside(why) => (false, Some(why.as_str())),
    };
    sqlx::query!(
        "insert into channel_memberships (channel_id, is_member, reason, updated_at)
         values ($1, $2, $3, $4)
         on conflict (channel_id) do update
             set is_member = excluded.is_member, reason = excluded.reason,
                 updated_at = excluded.updated_at",
        channel_id.as_str(),
        is_member,
        reason,
        now
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The channels the bot was removed from (or that were archived) where it has topics: what the
/// App Home tab warns about.
pub async fn left_with_topics(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
) -> sqlx::Result<Vec<(String, Membership)>> {
    let rows = sqlx::query!(
        "select m.channel_id, m.reason from channel_memberships m
         where not m.is_member and m.reason in ('removed', 'archived')
           and exists (select 1 from topics t
                       where t.channel_id = m.channel_id and t.team_id = $1)
         order by m.channel_id",
        team_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let why = Outside::parse(row.reason.as_deref().unwrap_or(""));
            (row.channel_id, Membership::Outside(why))
        })
        .collect())
}

/// The workspace a channel's topics were proposed in (`None`: it has none). A channel belongs
/// to one workspace; a channel shared between workspaces is answered for by its first topic's.
pub async fn team_of_channel(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Option<TeamId>> {
    sqlx::query_scalar!(
        "select team_id from topics where channel_id = $1 order by created_at limit 1",
        channel_id.as_str()
    )
    .fetch_optional(db)
    .await
    .map(|team| team.map(TeamId::from))
}
