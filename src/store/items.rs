//! Action items and their owners, decisions and notes.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::domain::actions::{ActionItem, ItemState};
use crate::domain::ids::{ChannelId, ItemNumber, TeamId, UserId};

/// An item about to be stored.
#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    pub team_id: &'a TeamId,
    pub channel_id: &'a ChannelId,
    pub text: &'a str,
    pub owners: &'a [UserId],
    /// Owners named without a Slack account (imports).
    pub owner_names: &'a [String],
    pub due_on: Option<NaiveDate>,
    pub topic_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub created_by: &'a UserId,
    pub created_at: DateTime<Utc>,
    /// The thread reply it was captured from.
    pub source: Option<(&'a ChannelId, &'a str)>,
}

struct ItemRow {
    id: i64,
    number: i32,
    team_id: String,
    channel_id: String,
    text: String,
    owners: Vec<String>,
    owner_names: Vec<String>,
    due_on: Option<NaiveDate>,
    topic_id: Option<i64>,
    meeting_id: Option<i64>,
    created_by: String,
    created_at: DateTime<Utc>,
    state: String,
    snoozed_until: Option<DateTime<Utc>>,
}

impl From<ItemRow> for ActionItem {
    fn from(row: ItemRow) -> Self {
        ActionItem {
            id: row.id,
            number: ItemNumber(row.number),
            team_id: TeamId::from(row.team_id),
            channel_id: ChannelId::from(row.channel_id),
            text: row.text,
            owners: row.owners.into_iter().map(UserId::from).collect(),
            owner_names: row.owner_names,
            due_on: row.due_on,
            topic_id: row.topic_id,
            meeting_id: row.meeting_id,
            created_by: UserId::from(row.created_by),
            created_at: row.created_at,
            // The column's check constraint admits only known states.
            state: ItemState::parse(&row.state).unwrap_or(ItemState::Open),
            snoozed_until: row.snoozed_until,
        }
    }
}

/// A checked `sqlx::query_as!` reading items with their owners (sorted) as [`ItemRow`]s,
/// selected by a `where` clause on `i` (the query macros join `+`-separated literals; they
/// cannot expand `concat!`).
macro_rules! query_items {
    ($where:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            ItemRow,
            "select i.id, i.number, i.team_id, i.channel_id, i.text,
                    coalesce(array(select o.user_id from action_owners o
                                   where o.item_id = i.id order by o.user_id), '{}') as \"owners!\",
                    i.owner_names, i.due_on, i.topic_id, i.meeting_id, i.created_by, i.created_at, i.state,
                    i.snoozed_until
             from action_items i where "
                + $where
                + " order by i.created_at, i.number"
            $(, $arg)*
        )
    };
}

/// Stores an item and its owners under the workspace's next item number and a new id.
pub async fn insert(db: &mut PgConnection, item: &NewItem<'_>) -> sqlx::Result<ActionItem> {
    let number = take_next_number(&mut *db, item.team_id).await?;
    let id = take_next_id(&mut *db).await?;
    insert_taken(&mut *db, id, number, item).await?;
    let stored = find(&mut *db, item.team_id, id).await?;
    stored.ok_or(sqlx::Error::RowNotFound)
}

/// Takes the workspace's next item number (the row lock lasts until the transaction ends, and a
/// rollback gives the number back).
pub async fn take_next_number(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
) -> sqlx::Result<ItemNumber> {
    let number: i32 = sqlx::query_scalar!(
        "insert into workspaces (team_id, last_action_number) values ($1, 1)
         on conflict (team_id) do update
             set last_action_number = workspaces.last_action_number + 1
         returning last_action_number",
        team_id.as_str()
    )
    .fetch_one(db)
    .await?;
    Ok(ItemNumber(number))
}

/// Takes an id for an item about to be stored, so what is decided about it can name it before
/// it is written. Ids were never gapless: one taken by a transaction that rolls back stays
/// unused.
pub async fn take_next_id(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!("select nextval(pg_get_serial_sequence('action_items', 'id')) as \"id!\"")
        .fetch_one(db)
        .await
}

/// Stores an item and its owners under an id from [`take_next_id`] and a number from
/// [`take_next_number`].
pub async fn insert_taken(
    db: &mut PgConnection,
    id: i64,
    number: ItemNumber,
    item: &NewItem<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into action_items
             (id, team_id, number, channel_id, text, due_on, topic_id, meeting_id, created_by,
              created_at, source_channel_id, source_ts, owner_names)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        id,
        item.team_id.as_str(),
        number.0,
        item.channel_id.as_str(),
        item.text,
        item.due_on,
        item.topic_id,
        item.meeting_id,
        item.created_by.as_str(),
        item.created_at,
        item.source.map(|(channel, _)| channel.as_str()),
        item.source.map(|(_, ts)| ts),
        item.owner_names
    )
    .execute(&mut *db)
    .await?;
    set_owners(db, id, item.owners).await
}

/// Replaces an item's owners.
pub async fn set_owners(
    db: &mut PgConnection,
    item_id: i64,
    owners: &[UserId],
) -> sqlx::Result<()> {
    sqlx::query!("delete from action_owners where item_id = $1", item_id)
        .execute(&mut *db)
        .await?;
    sqlx::query!(
        "insert into action_owners (item_id, user_id)
         select $1, user_id from unnest($2::text[]) as t(user_id)
         on conflict do nothing",
        item_id,
        owners as _
    )
    .execute(&mut *db)
    .await
    .map(|_| ())
}

pub async fn find(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    item_id: i64,
) -> sqlx::Result<Option<ActionItem>> {
    let teams = super::history::reachable_from(team_id);
    let row = query_items!("i.team_id = any($1) and i.id = $2", &teams, item_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(ActionItem::from))
}

pub async fn find_by_number(
    db: impl PgExecutor<'_>,
    team_id: &TeamId,
    number: ItemNumber,
) -> sqlx::Result<Option<ActionItem>> {
    let row: Option<ItemRow> = query_items!(
        "i.team_id = $1 and i.number = $2",
        team_id.as_str(),
        number.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(ActionItem::from))
}

pub async fn find_many(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<ActionItem>> {
    let rows: Vec<ItemRow> = query_items!("i.id = any($1)", ids).fetch_all(db).await?;
    Ok(rows.into_iter().map(ActionItem::from).collect())
}

/// A channel's open items, oldest first.
pub async fn open_in_channel(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<Vec<ActionItem>> {
    let rows: Vec<ItemRow> = query_items!(
        "i.channel_id = $1 and i.state = 'open'",
        channel_id.as_str()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ActionItem::from).collect())
}

/// The items a meeting recorded.
pub async fn of_meeting(db: impl PgExecutor<'_>, meeting_id: i64) -> sqlx::Result<Vec<ActionItem>> {
    let rows: Vec<ItemRow> = query_items!("i.meeting_id = $1", meeting_id)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(ActionItem::from).collect())
}

/// A topic's items, in the order they were made.
pub async fn of_topic(db: impl PgExecutor<'_>, topic_id: i64) -> sqlx::Result<Vec<ActionItem>> {
    let rows = query_items!("i.topic_id = $1", topic_id)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(ActionItem::from).collect())
}

/// A person's open items in workspaces `teams` (every workspace's when none), oldest first.
pub async fn open_owned_by(
    db: impl PgExecutor<'_>,
    teams: &[String],
    user_id: &UserId,
) -> sqlx::Result<Vec<ActionItem>> {
    let rows: Vec<ItemRow> = query_items!(
        "i.state = 'open' and (cardinality($2::text[]) = 0 or i.team_id = any($2))
         and exists (select 1 from action_owners o where o.item_id = i.id and o.user_id = $1)",
        user_id.as_str(),
        teams
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ActionItem::from).collect())
}

/// Closes an open item. Returns false if it was not open.
pub async fn close(
    db: impl PgExecutor<'_>,
    item_id: i64,
    state: ItemState,
    by: &UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update action_items set state = $2, closed_by = $3, closed_at = $4
         where id = $1 and state = 'open'",
        item_id,
        state.as_str(),
        by.as_str(),
        now
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

pub async fn snooze(
    db: impl PgExecutor<'_>,
    item_id: i64,
    until: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update action_items set snoozed_until = $2 where id = $1",
        item_id,
        until
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A decision or note about to be stored.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// For a nested note (imports), the note it sits under.
    pub parent: Option<i64>,
    pub channel_id: &'a ChannelId,
    pub topic_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub text: &'a str,
    pub by: &'a UserId,
    pub at: DateTime<Utc>,
    /// The thread reply it came from.
    pub source_ts: Option<&'a str>,
}

/// Stores a decision.
pub async fn insert_decision(db: impl PgExecutor<'_>, entry: &NewEntry<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into decisions (channel_id, topic_id, meeting_id, text, created_by, created_at,
                                source_ts)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
        entry.channel_id.as_str(),
        entry.topic_id,
        entry.meeting_id,
        entry.text,
        entry.by.as_str(),
        entry.at,
        entry.source_ts
    )
    .fetch_one(db)
    .await
}

/// Stores a note (a thread reply that is neither an item nor a decision), once per message.
/// Returns its id (none if the message was stored before).
pub async fn insert_note(
    db: impl PgExecutor<'_>,
    entry: &NewEntry<'_>,
    position: i32,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into notes (channel_id, topic_id, meeting_id, text, author_id, created_at,
                            source_ts, parent_id, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (channel_id, source_ts) do nothing
         returning id",
        entry.channel_id.as_str(),
        entry.topic_id,
        entry.meeting_id,
        entry.text,
        entry.by.as_str(),
        entry.at,
        entry.source_ts,
        entry.parent,
        position
    )
    .fetch_optional(db)
    .await
}

/// What `undo` in a thread takes back: the newest item or decision captured there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Captured {
    Item { id: i64, source_ts: String },
    Decision { id: i64, source_ts: String },
}

/// The newest item or decision captured from replies in the thread of `topic_id`, by the
/// order of the replies in Slack (their ts); with `by`, the newest of those that person made.
pub async fn last_captured(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    topic_id: i64,
    by: Option<&UserId>,
) -> sqlx::Result<Option<Captured>> {
    let row: Option<(String, i64, String)> = sqlx::query!(
        "select kind as \"kind!\", id as \"id!\", source_ts as \"source_ts!\" from (
             select 'item' as kind, id, source_ts, created_by from action_items
             where source_channel_id = $1 and topic_id = $2 and source_ts is not null
             union all
             select 'decision', id, source_ts, created_by from decisions
             where channel_id = $1 and topic_id = $2 and source_ts is not null
         ) captured
         where $3::text is null or created_by = $3
         order by source_ts::numeric desc limit 1",
        channel_id.as_str(),
        topic_id,
        by.map(UserId::as_str)
    )
    .fetch_optional(db)
    .await?
    .map(|row| (row.kind, row.id, row.source_ts));
    Ok(row.map(|(kind, id, source_ts)| match kind.as_str() {
        "item" => Captured::Item { id, source_ts },
        _ => Captured::Decision { id, source_ts },
    }))
}

/// Takes back a captured item or decision.
pub async fn delete_captured(db: impl PgExecutor<'_>, captured: &Captured) -> sqlx::Result<()> {
    let query = match captured {
        Captured::Item { id, .. } => {
            sqlx::query!("delete from action_items where id = $1", *id)
        }
        Captured::Decision { id, .. } => {
            sqlx::query!("delete from decisions where id = $1", *id)
        }
    };
    query.execute(db).await.map(|_| ())
}
