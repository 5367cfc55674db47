//! What only the web archive reads: a channel's past meetings a page at a time, and the counts
//! its charts are drawn from.

use chrono::NaiveDate;
use sqlx::PgExecutor;

use crate::domain::ids::{ChannelId, TeamId};

/// A meeting as a channel's list of past meetings shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastMeeting {
    pub held_on: NaiveDate,
    pub title: String,
    pub topics: i64,
}

/// The channel's meetings, newest first, `limit` of them after skipping `offset`; and how many
/// it has in all.
pub async fn past_meetings(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<PastMeeting>, i64)> {
    let rows = sqlx::query!(
        "select coalesce(m.held_on, m.started_at::date) as \"held_on!\", m.title,
                (select count(*) from meeting_topics mt where mt.meeting_id = m.id) as \"topics!\",
                count(*) over () as \"total!\"
         from meetings m where m.channel_id = $1
         order by m.held_on desc nulls last, m.started_at desc
         limit $2 offset $3",
        channel_id.as_str(),
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    let meetings = rows
        .into_iter()
        .map(|row| PastMeeting {
            held_on: row.held_on,
            title: row.title,
            topics: row.topics,
        })
        .collect();
    Ok((meetings, total))
}

/// How many meetings the channel has held (for a page past the last one).
pub async fn meeting_count(db: impl PgExecutor<'_>, channel_id: &ChannelId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "select count(*) as \"count!\" from meetings where channel_id = $1",
        channel_id.as_str()
    )
    .fetch_one(db)
    .await
}

/// How many of the channel's topics (not withdrawn) proposed in each quarter carry each intent
/// (a topic with two intents counts for both; one with none is not counted), by quarter. Read
/// from the counts the database keeps as topics change (migration 0019), not counted here.
pub async fn intents_per_quarter(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<(NaiveDate, String, i64)>> {
    let rows = sqlx::query!(
        "select quarter, intent, topics from topic_intent_counts
         where channel_id = $1 and topics > 0
         order by quarter, intent",
        channel_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.quarter, row.intent, row.topics))
        .collect())
}

/// The channel's action items opened and closed (done or dropped) in each month, by month.
pub async fn items_per_month(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<(NaiveDate, i64, i64)>> {
    let rows = sqlx::query!(
        "with events as (
             select date_trunc('month', created_at at time zone 'UTC')::date as month,
                    1 as opened, 0 as closed
             from action_items where channel_id = $1
             union all
             select date_trunc('month', closed_at at time zone 'UTC')::date, 0, 1
             from action_items
             where channel_id = $1 and state <> 'open' and closed_at is not null
         )
         select month as \"month!\", sum(opened)::bigint as \"opened!\",
                sum(closed)::bigint as \"closed!\"
         from events group by month order by month",
        channel_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.month, row.opened, row.closed))
        .collect())
}

/// Whether `team_id` has topics, meetings or a challenges log in `channel_id`: whether the
/// archive has anything to show of it.
pub async fn channel_known(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_id: &ChannelId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        "select exists (select 1 from topics where channel_id = $1 and team_id = $2)
             or exists (select 1 from meetings where channel_id = $1 and team_id = $2)
             or exists (select 1 from challenge_issues where channel_id = $1 and team_id = $2)
             as \"known!\"",
        channel_id.as_str(),
        team_id.as_str()
    )
    .fetch_one(db)
    .await
}
