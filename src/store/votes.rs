//! Votes: who has the vote reaction on which message, and the counts that follow from it.

use std::collections::HashMap;

use crate::domain::ids::{ChannelId, TopicNumber, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::postgres::types::PgInterval;
use std::time::Duration;

/// One change to one person's vote on one message: a reaction event, or a recount's repair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteChange {
    /// The event's id, so a redelivery changes nothing; `None` for a recount's repair, which
    /// is always applied.
    pub event_id: Option<String>,
    pub channel_id: ChannelId,
    pub message_ts: String,
    pub user_id: UserId,
    /// The reaction without colons or skin tone; `None` when known to be the vote emoji.
    pub reaction: Option<String>,
    pub present: bool,
    /// Slack's event_ts in microseconds; a change older than the stored one is ignored.
    pub event_ts: i64,
}

/// A vote whose presence actually changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedVote {
    pub channel_id: ChannelId,
    pub message_ts: String,
    pub user_id: UserId,
    pub present: bool,
    pub voted_at: DateTime<Utc>,
}

/// How a batch of changes is applied.
#[derive(Debug, Clone)]
pub struct Applying<'a> {
    pub now: DateTime<Utc>,
    /// The vote emoji of a channel without settings.
    pub default_vote_emoji: &'a str,
    /// How long a voted card's refresh waits for more votes.
    pub refresh_delay: Duration,
    /// Whether the caller commits (and may queue a budget's follow-up first). Outside a
    /// transaction a batch touching a channel with a budget writes nothing and says so.
    pub in_transaction: bool,
}

/// What applying a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Nothing was written: a channel of the batch has a budget, whose follow-up must be
    /// queued in the same transaction; apply it again in one.
    pub needs_transaction: bool,
    /// The batch's channels that have a vote budget.
    pub budgeted_channels: Vec<ChannelId>,
    /// Events not seen before.
    pub fresh_events: u64,
    /// The votes whose presence changed, in (channel, message, user) order.
    pub changed: Vec<ChangedVote>,
    /// Voted cards whose refresh was queued (none when one was already waiting).
    pub queued_refreshes: u64,
    /// Voters not seen before, for the directory to look up.
    pub new_voters: u64,
}

/// Applies a batch in one call (the `apply_votes` function of migration 0016): records the
/// event ids, keeps the latest change per person and message among the new events with the
/// channel's vote emoji, upserts the votes (newer events win whatever order they arrive in),
/// moves the tallies, queues a refresh of each voted open card unless one is waiting, and notes
/// new voters. Outside a transaction this is one round trip and one commit.
pub async fn apply(
    db: impl PgExecutor<'_>,
    changes: &[VoteChange],
    applying: &Applying<'_>,
) -> sqlx::Result<Applied> {
    let texts = |f: fn(&VoteChange) -> Option<&str>| -> Vec<Option<&str>> {
        changes.iter().map(f).collect()
    };
    let row = sqlx::query!(
        r#"select needs_transaction as "needs_transaction!", budgeted_channels as "budgeted_channels!",
                  fresh_events as "fresh_events!", changed_channel_ids as "changed_channel_ids!",
                  changed_message_ts as "changed_message_ts!", changed_user_ids as "changed_user_ids!",
                  changed_present as "changed_present!", changed_voted_at as "changed_voted_at!",
                  queued_refreshes as "queued_refreshes!", new_voters as "new_voters!"
           from apply_votes($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::boolean[], $7::bigint[], $8, $9, $10, $11)"#,
        &texts(|c| c.event_id.as_deref()) as _,
        &texts(|c| Some(c.channel_id.as_str())) as _,
        &texts(|c| Some(c.message_ts.as_str())) as _,
        &texts(|c| Some(c.user_id.as_str())) as _,
        &texts(|c| c.reaction.as_deref()) as _,
        &changes.iter().map(|c| c.present).collect::<Vec<_>>(),
        &changes.iter().map(|c| c.event_ts).collect::<Vec<_>>(),
        applying.now,
        applying.default_vote_emoji,
        PgInterval::try_from(applying.refresh_delay).unwrap_or_default(),
        applying.in_transaction,
    )
    .fetch_one(db)
    .await?;
    let changed = row
        .changed_channel_ids
        .into_iter()
        .zip(row.changed_message_ts)
        .zip(row.changed_user_ids)
        .zip(row.changed_present.into_iter().zip(row.changed_voted_at))
        .map(
            |(((channel_id, message_ts), user_id), (present, voted_at))| ChangedVote {
                channel_id: ChannelId::from(channel_id),
                message_ts,
                user_id: UserId::from(user_id),
                present,
                voted_at,
            },
        )
        .collect();
    let count = |n: i32| u64::try_from(n).unwrap_or(0);
    Ok(Applied {
        needs_transaction: row.needs_transaction,
        budgeted_channels: row
            .budgeted_channels
            .into_iter()
            .map(ChannelId::from)
            .collect(),
        fresh_events: count(row.fresh_events),
        changed,
        queued_refreshes: count(row.queued_refreshes),
        new_voters: count(row.new_voters),
    })
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
