//! Topics and the per-workspace counter that numbers them.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::topics::{Intents, Topic, TopicState};

/// A topic about to be stored.
#[derive(Debug, Clone)]
pub struct NewTopic<'a> {
    pub team_id: &'a str,
    pub channel_id: &'a str,
    pub author_id: &'a str,
    pub intents: &'a Intents,
    pub title: &'a str,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct TopicRow {
    id: i64,
    number: i32,
    team_id: String,
    channel_id: String,
    author_id: String,
    intents: Vec<String>,
    title: String,
    state: String,
    card_ts: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<TopicRow> for Topic {
    fn from(row: TopicRow) -> Self {
        Topic {
            id: row.id,
            number: row.number,
            team_id: row.team_id,
            channel_id: row.channel_id,
            author_id: row.author_id,
            intents: Intents::from_stored(&row.intents),
            title: row.title,
            // The column's check constraint admits only known states.
            state: TopicState::parse(&row.state).unwrap_or(TopicState::Open),
            card_ts: row.card_ts,
            created_at: row.created_at,
        }
    }
}

/// The columns a [`TopicRow`] reads, as a literal so queries stay `&'static str`.
macro_rules! topic_columns {
    () => {
        "id, number, team_id, channel_id, author_id, intents, title, state, card_ts, created_at"
    };
}

/// Takes the workspace's next topic number. The row lock taken here is held until the
/// caller's transaction ends, so concurrent proposals get distinct numbers.
pub async fn take_next_number(db: impl PgExecutor<'_>, team_id: &str) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "insert into workspaces (team_id, last_topic_number) values ($1, 1)
         on conflict (team_id) do update set last_topic_number = workspaces.last_topic_number + 1
         returning last_topic_number",
    )
    .bind(team_id)
    .fetch_one(db)
    .await
}

/// Stores a new open topic under `number`.
pub async fn insert(
    db: impl PgExecutor<'_>,
    topic: &NewTopic<'_>,
    number: i32,
) -> sqlx::Result<Topic> {
    let row: TopicRow = sqlx::query_as(concat!(
        "insert into topics (team_id, number, channel_id, author_id, intents, title, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning ",
        topic_columns!()
    ))
    .bind(topic.team_id)
    .bind(number)
    .bind(topic.channel_id)
    .bind(topic.author_id)
    .bind(topic.intents.names())
    .bind(topic.title)
    .bind(topic.created_at)
    .fetch_one(db)
    .await?;
    Ok(row.into())
}

/// The open topics of a channel, oldest first.
pub async fn open_in_channel(
    db: impl PgExecutor<'_>,
    channel_id: &str,
) -> sqlx::Result<Vec<Topic>> {
    let rows: Vec<TopicRow> = sqlx::query_as(concat!(
        "select ",
        topic_columns!(),
        " from topics where channel_id = $1 and state = 'open' order by created_at, number"
    ))
    .bind(channel_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Topic::from).collect())
}

/// Records where the topic's card was posted.
pub async fn set_card_ts(db: impl PgExecutor<'_>, topic_id: i64, ts: &str) -> sqlx::Result<()> {
    sqlx::query("update topics set card_ts = $2 where id = $1")
        .bind(topic_id)
        .bind(ts)
        .execute(db)
        .await
        .map(|_| ())
}
