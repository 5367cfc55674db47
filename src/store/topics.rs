//! Topics and the per-workspace counter that numbers them.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::people::Person;
use crate::domain::topics::{Intents, Topic, TopicState};

/// A topic about to be stored.
#[derive(Debug, Clone)]
pub struct NewTopic<'a> {
    pub team_id: &'a TeamId,
    pub channel_id: &'a ChannelId,
    pub author_id: &'a UserId,
    pub intents: &'a Intents,
    pub title: &'a str,
    pub created_at: DateTime<Utc>,
    /// The challenges-log issue it was proposed from.
    pub challenge_id: Option<i64>,
}

struct TopicRow {
    id: i64,
    number: i32,
    team_id: String,
    channel_id: String,
    author_id: Option<String>,
    proposers: Vec<String>,
    intents: Vec<String>,
    title: String,
    state: String,
    card_ts: Option<String>,
    times_deferred: i32,
    discussed_in: Option<i64>,
    imported_votes: i32,
    created_at: DateTime<Utc>,
    challenge_id: Option<i64>,
}

impl From<TopicRow> for Topic {
    fn from(row: TopicRow) -> Self {
        Topic {
            id: row.id,
            number: TopicNumber(row.number),
            team_id: TeamId::from(row.team_id),
            channel_id: ChannelId::from(row.channel_id),
            author_id: row.author_id.map(UserId::from),
            proposers: row.proposers.iter().map(|p| Person::read(p)).collect(),
            intents: Intents::from_stored(&row.intents),
            title: row.title,
            // The column's check constraint admits only known states.
            state: TopicState::parse(&row.state).unwrap_or(TopicState::Open),
            card_ts: row.card_ts,
            times_deferred: row.times_deferred,
            discussed_in: row.discussed_in,
            imported_votes: row.imported_votes,
            created_at: row.created_at,
            challenge_id: row.challenge_id,
        }
    }
}

/// A checked `sqlx::query_as!` reading [`TopicRow`]s from the statement `$head`, the columns
/// and `$tail` (the query macros join `+`-separated literals; they cannot expand `concat!`).
macro_rules! query_topics {
    ($head:literal, $tail:literal $(+ $more:literal)* $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            TopicRow,
            $head
                + "id, number, team_id, channel_id, author_id, proposers, intents, title, state, \
                   card_ts, times_deferred, discussed_in, imported_votes, created_at, challenge_id"
                + $tail
                $(+ $more)*
            $(, $arg)*
        )
    };
}

/// Takes the workspace's next topic number. The row lock taken here is held until the
/// caller's transaction ends, so concurrent proposals get distinct numbers.
pub async fn take_next_number(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
) -> sqlx::Result<TopicNumber> {
    sqlx::query_scalar!(
        "insert into workspaces (team_id, last_topic_number) values ($1, 1)
         on conflict (team_id) do update set last_topic_number = workspaces.last_topic_number + 1
         returning last_topic_number",
        team_id.as_str()
    )
    .fetch_one(db)
    .await
    .map(TopicNumber)
}

/// The open topics of a channel, oldest first.
pub async fn open_in_channel(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<Topic>> {
    let rows: Vec<TopicRow> = query_topics!(
        "select ",
        " from topics where channel_id = $1 and state = 'open' order by created_at, number",
        channel_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// Records where the topic's card was posted.
pub async fn set_card_ts(db: impl PgExecutor<'_>, topic_id: i64, ts: &str) -> sqlx::Result<()> {
    sqlx::query!("update topics set card_ts = $2 where id = $1", topic_id, ts)
        .execute(db)
        .await
        .map(|_| ())
}

/// A topic by its workspace number, if it is in `channel_id` (a command in one channel never
/// reaches or names another channel's topic), locking its row until the transaction ends: what
/// is decided about it still holds when the decision is written.
pub async fn lock_by_number(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_id: &ChannelId,
    number: TopicNumber,
) -> sqlx::Result<Option<Topic>> {
    by_number(db, team_id, channel_id, number, true).await
}

/// A topic of `channel_id` by its workspace number, read without a lock (the web archive).
pub async fn find_by_number(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_id: &ChannelId,
    number: TopicNumber,
) -> sqlx::Result<Option<Topic>> {
    by_number(db, team_id, channel_id, number, false).await
}

/// A topic of `channel_id` by its workspace number, its row locked `for update` when `lock`.
async fn by_number(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_id: &ChannelId,
    number: TopicNumber,
    lock: bool,
) -> sqlx::Result<Option<Topic>> {
    // The checked macros need each statement whole; the two differ only in their lock.
    macro_rules! by_number {
        ($lock:literal) => {
            query_topics!(
                "select ",
                " from topics where team_id = $1 and channel_id = $2 and number = $3" + $lock,
                team_id.as_str(),
                channel_id.as_str(),
                number.0
            )
            .fetch_optional(db)
            .await?
        };
    }
    let row: Option<TopicRow> = if lock {
        by_number!(" for update")
    } else {
        by_number!("")
    };
    Ok(row.map(Topic::from))
}

pub async fn find(db: impl PgExecutor<'_>, topic_id: i64) -> sqlx::Result<Option<Topic>> {
    let row: Option<TopicRow> = query_topics!("select ", " from topics where id = $1", topic_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(Topic::from))
}

/// The topics of `team_id` whose cards are these messages (`channel_ids[i]`, `message_ts[i]`).
pub async fn find_by_cards(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    channel_ids: &[ChannelId],
    message_ts: &[String],
) -> sqlx::Result<Vec<Topic>> {
    let rows: Vec<TopicRow> = query_topics!(
        "select ",
        " from topics where (channel_id, card_ts) in \
          (select * from unnest($1::text[], $2::text[])) and team_id = $3",
        channel_ids as _,
        message_ts,
        team_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// Marks an open topic withdrawn. Returns false if it was no longer open.
pub async fn withdraw(
    db: impl PgExecutor<'_>,
    topic_id: i64,
    by: &UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update topics set state = 'withdrawn', withdrawn_by = $2, withdrawn_at = $3
         where id = $1 and state = 'open'",
        topic_id,
        by.as_str(),
        now
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Gives an open topic new intents and title. `None` if it was no longer open.
pub async fn edit(
    db: impl PgExecutor<'_>,
    topic_id: i64,
    intents: &Intents,
    title: &str,
) -> sqlx::Result<Option<Topic>> {
    let row: Option<TopicRow> = query_topics!(
        "update topics set intents = $2, title = $3 where id = $1 and state = 'open' returning ",
        "",
        topic_id,
        &intents.names(),
        title
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Topic::from))
}

/// Moves a topic into discussion, or marks it discussed in a meeting.
pub async fn set_state(
    db: impl PgExecutor<'_>,
    topic_id: i64,
    state: TopicState,
    meeting_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update topics set state = $2, discussed_in = coalesce($3, discussed_in) where id = $1",
        topic_id,
        state.as_str(),
        meeting_id
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A person's open topics in workspaces `teams` (every workspace's when none), oldest first.
pub async fn open_by_author(
    db: impl PgExecutor<'_>,
    teams: &[String],
    author_id: &UserId,
) -> sqlx::Result<Vec<Topic>> {
    let rows: Vec<TopicRow> = query_topics!(
        "select ",
        " from topics where author_id = $1 and state = 'open'
           and (cardinality($2::text[]) = 0 or team_id = any($2)) order by created_at, number",
        author_id.as_str(),
        teams
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// Channels where `user_id` votes on an open topic, most recent vote first: channels the person
/// is known to see, for an App Home tab that has no items or topics of theirs to go by. Only
/// topics of workspaces `teams` count (every workspace's when none).
pub async fn channels_voted_in(
    db: impl PgExecutor<'_>,
    teams: &[String],
    user_id: &UserId,
    limit: i64,
) -> sqlx::Result<Vec<ChannelId>> {
    sqlx::query_scalar!(
        "select v.channel_id from votes v
         join topics t on t.channel_id = v.channel_id and t.card_ts = v.message_ts
         where v.user_id = $1 and v.present and t.state = 'open'
           and (cardinality($3::text[]) = 0 or t.team_id = any($3))
         group by v.channel_id order by max(v.voted_at) desc limit $2",
        user_id.as_str(),
        limit,
        teams
    )
    .fetch_all(db)
    .await
    .map(|ids| ids.into_iter().map(ChannelId::from).collect())
}

/// The first `limit` topics proposed in a channel after `since`, oldest first, and how many
/// there are in all.
pub async fn proposed_since(
    db: &mut sqlx::PgConnection,
    channel_id: &ChannelId,
    since: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<(Vec<Topic>, i64)> {
    let rows: Vec<TopicRow> = query_topics!(
        "select ",
        " from topics where channel_id = $1 and created_at > $2 and not imported
          order by created_at, number limit $3",
        channel_id.as_str(),
        since,
        limit
    )
    .fetch_all(&mut *db)
    .await?;
    let total: i64 = sqlx::query_scalar!(
        "select count(*) as \"count!\" from topics where channel_id = $1 and created_at > $2 and not imported",
        channel_id.as_str(),
        since
    )
    .fetch_one(&mut *db)
    .await?;
    Ok((rows.into_iter().map(Topic::from).collect(), total))
}

/// Topics by id, in no particular order.
pub async fn find_many(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<Topic>> {
    let rows: Vec<TopicRow> = query_topics!("select ", " from topics where id = any($1)", ids)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// Whether any topic was ever proposed (or imported) in `channel_id`.
pub async fn channel_has_topics(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        "select exists (select 1 from topics where channel_id = $1) as \"exists!\"",
        channel_id.as_str()
    )
    .fetch_one(db)
    .await
}

/// The channel's open topics whose card was never posted (Slack refused it) and is not on its
/// way (no card of theirs waits in the outbox).
pub async fn open_without_card(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<Topic>> {
    let rows: Vec<TopicRow> = query_topics!(
        "select ",
        " from topics t where channel_id = $1 and state = 'open' and card_ts is null
           and not imported
           and not exists (select 1 from outbox o
                           where o.state = 'pending'
                             and (o.idempotency_key = 'topic-card:' || t.id
                                  or o.idempotency_key like 'topic-card:' || t.id || ':%'))
         order by number",
        channel_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// Every channel of `team_id` with topics, with how many of them are open, by channel id.
/// The channels are found by skipping through `topics_by_team_channel` one channel at a time
/// (a loose index scan: the team's next channel id above the last one), and each one's open
/// topics are counted from `topics_open_by_channel_team` alone, so no channel's closed history
/// is read: grouping every topic of a 100,000-topic channel took 40 ms, this takes 0.5 ms.
pub async fn channels_with_open_counts(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
) -> sqlx::Result<Vec<(ChannelId, i64)>> {
    let rows = sqlx::query!(
        "with recursive channels (channel_id) as (
             select min(channel_id) from topics where team_id = $1
             union all
             select (select min(t.channel_id) from topics t
                     where t.team_id = $1 and t.channel_id > c.channel_id)
             from channels c where c.channel_id is not null
         )
         select c.channel_id as \"channel_id!\",
                (select count(*) from topics t
                 where t.channel_id = c.channel_id and t.state = 'open' and t.team_id = $1)
                    as \"open!\"
         from channels c where c.channel_id is not null
         order by c.channel_id",
        team_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (ChannelId::from(row.channel_id), row.open))
        .collect())
}
