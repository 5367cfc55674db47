//! Votes: who has the vote reaction on which message, and the counts that follow from it.

use std::collections::HashMap;

use crate::domain::ids::{ChannelId, TopicNumber, UserId};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// A reaction event (or a recount finding) to apply to one person's vote on one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteChange {
    pub channel_id: ChannelId,
    pub message_ts: String,
    pub user_id: UserId,
    pub present: bool,
    pub at: DateTime<Utc>,
    /// Slack's event_ts in microseconds; a change older than the stored one is ignored.
    pub event_ts: i64,
}

/// A vote whose presence actually changed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangedVote {
    pub channel_id: ChannelId,
    pub message_ts: String,
    pub user_id: UserId,
    pub present: bool,
    pub voted_at: DateTime<Utc>,
}

/// Applies changes (at most one per channel, message and user; sort them by that key so
/// concurrent writers lock rows in the same order). Returns the votes whose presence changed.
/// Newer events win whatever order they arrive in, so the stored state is always "who has the
/// reaction now"; the same statement moves the messages' tallies.
pub async fn apply(
    db: &mut PgConnection,
    changes: &[VoteChange],
) -> sqlx::Result<Vec<ChangedVote>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    lock_channels(db, changes).await?;
    let column = |f: fn(&VoteChange) -> String| changes.iter().map(f).collect::<Vec<_>>();
    sqlx::query_as!(
        ChangedVote,
        "with incoming as (
             select * from unnest($1::text[], $2::text[], $3::text[], $4::bool[],
                                  $5::timestamptz[], $6::bigint[])
                 as t(channel_id, message_ts, user_id, present, at, event_ts)
         ),
         before as (
             select v.channel_id, v.message_ts, v.user_id, v.present
             from votes v join incoming i using (channel_id, message_ts, user_id)
         ),
         written as (
             insert into votes (channel_id, message_ts, user_id, present, voted_at, last_event_ts)
             select channel_id, message_ts, user_id, present, at, event_ts from incoming
             on conflict (channel_id, message_ts, user_id) do update
                 set present = excluded.present,
                     voted_at = case when excluded.present and not votes.present
                                     then excluded.voted_at else votes.voted_at end,
                     last_event_ts = excluded.last_event_ts
                 where votes.last_event_ts < excluded.last_event_ts
             returning channel_id, message_ts, user_id, present, voted_at
         ),
         changed as (
             select w.channel_id, w.message_ts, w.user_id, w.present, w.voted_at
             from written w left join before b using (channel_id, message_ts, user_id)
             where w.present is distinct from coalesce(b.present, false)
         ),
         tallied as (
             insert into vote_tallies (channel_id, message_ts, votes)
             select channel_id, message_ts, sum(case when present then 1 else -1 end)
             from changed c
             where not exists (select 1 from slack_users u
                               where u.user_id = c.user_id and u.is_bot)
             group by channel_id, message_ts
             order by channel_id, message_ts
             on conflict (channel_id, message_ts)
             do update set votes = vote_tallies.votes + excluded.votes
         )
         select channel_id, message_ts, user_id, present, voted_at from changed",
        &column(|c| c.channel_id.to_string()),
        &column(|c| c.message_ts.clone()),
        &column(|c| c.user_id.to_string()),
        &changes.iter().map(|c| c.present).collect::<Vec<_>>(),
        &changes.iter().map(|c| c.at).collect::<Vec<_>>(),
        &changes.iter().map(|c| c.event_ts).collect::<Vec<_>>(),
    )
    .fetch_all(db)
    .await
}

/// The vote budget's rule, in one place: each person's present votes on the channel's (`$1`)
/// open topics, numbered in the order they were cast (`nth`); under a budget of `$2` votes a
/// vote is `counted` when it is among its voter's earliest `$2`. Bots' reactions are not votes.
/// `voters` narrows the voters (a voter's numbering does not depend on anyone else's).
/// Expands to a whole checked `sqlx::$query!` call whose statement is `$head`, the rule and
/// `$tail` joined with `+`: the query macros read `+`-joined literals, not `concat!`.
macro_rules! query_budgeted_votes {
    ($query:ident!($($record:ident,)? $head:literal, voters: $voters:literal, $tail:literal
        $(, $arg:expr)* $(,)?)) => {
        sqlx::$query!(
            $($record,)?
            $head
                + "select v.user_id, v.message_ts, t.number as topic_number,
                    row_number() over cast_order as nth,
                    row_number() over cast_order <= $2 as counted
             from votes v
             join topics t on t.channel_id = v.channel_id and t.card_ts = v.message_ts
             where v.channel_id = $1 and v.present and t.state = 'open' "
                + $voters
                + " and not exists (select 1 from slack_users u
                              where u.user_id = v.user_id and u.is_bot)
             window cast_order as (partition by v.user_id order by v.voted_at, v.message_ts)"
                + $tail
            $(, $arg)*
        )
    };
}

/// Takes each channel's vote lock until the transaction ends, in channel order. The statement
/// in [`apply`] tells which votes changed by comparing with the rows as its snapshot saw them;
/// a second process changing the same rows at the same moment would make that comparison wrong
/// (and the tallies drift), so writers of one channel's votes take turns. Each statement after
/// the lock sees everything committed before it.
async fn lock_channels(db: &mut PgConnection, changes: &[VoteChange]) -> sqlx::Result<()> {
    let mut channels: Vec<&str> = changes.iter().map(|c| c.channel_id.as_str()).collect();
    channels.sort_unstable();
    channels.dedup();
    for channel in channels {
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended('votes:' || $1, 0))",
            channel
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// Counted votes per open card in a channel: with a budget, only each person's earliest
/// `budget` votes on open topics count (computed over the channel's votes); without one, the
/// tallies. Bots' reactions never count.
pub async fn counted_on_open_cards(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    budget: u32,
) -> sqlx::Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = if budget == 0 {
        // One tally lookup per open card: joining instead makes the planner hash the whole
        // channel's tallies, twice as slow over a long history (docs/BENCHMARKS.md).
        let rows = sqlx::query!(
            "select t.card_ts,
                    (select v.votes::bigint from vote_tallies v
                     where v.channel_id = t.channel_id and v.message_ts = t.card_ts)
             from topics t
             where t.channel_id = $1 and t.state = 'open' and t.card_ts is not null",
            channel_id.as_str(),
        )
        .fetch_all(db)
        .await?;
        rows.into_iter()
            .filter_map(|row| Some((row.card_ts?, row.votes?)))
            .collect()
    } else {
        query_budgeted_votes!(query!(
            "select message_ts, count(*) filter (where counted) as \"count!\" from (",
            voters: "",
            ") budgeted group by message_ts",
            channel_id.as_str(),
            i64::from(budget),
        ))
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|row| (row.message_ts, row.count))
        .collect()
    };
    Ok(rows.into_iter().collect())
}

/// Counted votes on one open card: all its voters (bots excluded) without a budget; with one,
/// those for whom this is among their earliest `budget` votes on the channel's open topics.
pub async fn counted_on_card(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    message_ts: &str,
    budget: u32,
) -> sqlx::Result<i64> {
    if budget == 0 {
        let tally: Option<i32> = sqlx::query_scalar!(
            "select votes from vote_tallies where channel_id = $1 and message_ts = $2",
            channel_id.as_str(),
            message_ts
        )
        .fetch_optional(db)
        .await?;
        return Ok(i64::from(tally.unwrap_or(0)));
    }
    // Only this card's voters matter, and a voter's numbering does not depend on anyone else's.
    query_budgeted_votes!(query_scalar!(
        "select count(*) as \"count!\" from (",
        voters: "and v.user_id in (select user_id from votes
                               where channel_id = $1 and message_ts = $3 and present)",
        ") budgeted where message_ts = $3 and counted",
        channel_id.as_str(),
        i64::from(budget),
        message_ts,
    ))
    .fetch_one(db)
    .await
}

/// Everyone who has the vote reaction on a message (bots excluded), in vote order.
pub async fn voters(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    message_ts: &str,
) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar!(
        "select v.user_id from votes v
         where v.channel_id = $1 and v.message_ts = $2 and v.present
           and not exists (select 1 from slack_users u where u.user_id = v.user_id and u.is_bot)
         order by v.voted_at, v.user_id",
        channel_id.as_str(),
        message_ts
    )
    .fetch_all(db)
    .await
    .map(|ids| ids.into_iter().map(UserId::from).collect())
}

/// Everyone the store says has the vote reaction on a message, bots included: what a recount
/// compares with Slack.
pub async fn holders(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    message_ts: &str,
) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar!(
        "select user_id from votes
         where channel_id = $1 and message_ts = $2 and present
         order by user_id",
        channel_id.as_str(),
        message_ts
    )
    .fetch_all(db)
    .await
    .map(|ids| ids.into_iter().map(UserId::from).collect())
}

/// One person's vote on an open topic, and whether the channel's budget counts it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BudgetedVote {
    pub topic_number: TopicNumber,
    pub message_ts: String,
    pub counted: bool,
}

/// One person's votes on open topics in a channel, earliest first, each marked counted or not
/// under a budget of `budget` votes (bots have none that count).
pub async fn budgeted_votes_of(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    budget: u32,
    user_id: &UserId,
) -> sqlx::Result<Vec<BudgetedVote>> {
    query_budgeted_votes!(query_as!(
        BudgetedVote,
        "select topic_number, message_ts, counted as \"counted!\" from (",
        voters: "and v.user_id = $3",
        ") budgeted order by nth",
        channel_id.as_str(),
        i64::from(budget),
        user_id.as_str(),
    ))
    .fetch_all(db)
    .await
}

/// Topics (ids) with open cards in a channel that any of `users` votes on.
pub async fn open_topics_voted_by(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    users: &[UserId],
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select distinct t.id from votes v
         join topics t on t.channel_id = v.channel_id and t.card_ts = v.message_ts
         where v.channel_id = $1 and v.user_id = any($2) and v.present and t.state = 'open'
         order by t.id",
        channel_id.as_str(),
        users as _
    )
    .fetch_all(db)
    .await
}
