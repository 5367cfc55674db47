//! The group's history: storing an imported notes page, and reading a meeting back as notes
//! for minutes.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;

use super::items::{NewEntry, NewItem};
use crate::notes::{ActionNotes, MeetingNotes, Note, Page, Person, TopicNotes};
use crate::topics::Intents;

/// Who imports: stands in for the Slack user that created live records.
const IMPORTER: &str = "import";

/// What an import added, and what it found already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub meetings_added: usize,
    pub meetings_already_there: usize,
    pub topics_added: usize,
    pub backlog_added: usize,
    pub backlog_already_there: usize,
}

/// Stores a page's meetings (with their topics, notes, decisions and items) and backlog.
/// Meetings already imported (same channel, day and heading) and backlog topics already open
/// under the same title are skipped, so importing a page twice adds nothing.
pub async fn import_page(
    tx: &mut PgConnection,
    page: &Page,
    team_id: &str,
    channel_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<ImportOutcome> {
    let mut outcome = ImportOutcome::default();
    for meeting in &page.meetings {
        // The day at noon UTC: the same calendar day in every time zone people work in.
        let at = meeting
            .date
            .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default())
            .and_utc();
        let meeting_id: Option<i64> = sqlx::query_scalar(
            "insert into meetings (team_id, channel_id, started_by, started_at, ended_at, phase,
                                   version, title, held_on, imported)
             values ($1, $2, $3, $4, $4, 'ended', 1, $5, $6, true)
             on conflict (channel_id, held_on, title) where imported do nothing
             returning id",
        )
        .bind(team_id)
        .bind(channel_id)
        .bind(IMPORTER)
        .bind(at)
        .bind(&meeting.title)
        .bind(meeting.date)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(meeting_id) = meeting_id else {
            outcome.meetings_already_there += 1;
            continue;
        };
        outcome.meetings_added += 1;
        for (position, topic) in meeting.topics.iter().enumerate() {
            let topic_id =
                insert_topic(tx, team_id, channel_id, topic, Some(meeting_id), at).await?;
            sqlx::query(
                "insert into meeting_topics (meeting_id, topic_id, position, votes, rounds,
                                             planned_seconds, started_at, ended_at)
                 values ($1, $2, $3, $4, 1, 0, $5, $5)",
            )
            .bind(meeting_id)
            .bind(topic_id)
            .bind(i32::try_from(position + 1).unwrap_or(i32::MAX))
            .bind(i32::try_from(topic.votes).unwrap_or(i32::MAX))
            .bind(at)
            .execute(&mut *tx)
            .await?;
            insert_contents(tx, team_id, channel_id, topic, topic_id, meeting_id, at).await?;
            outcome.topics_added += 1;
        }
        for action in &meeting.actions {
            insert_action(tx, team_id, channel_id, action, None, Some(meeting_id), at).await?;
        }
    }
    for topic in &page.backlog {
        let exists: bool = sqlx::query_scalar(
            "select exists (select 1 from topics
                            where channel_id = $1 and title = $2 and state = 'open')",
        )
        .bind(channel_id)
        .bind(&topic.title)
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            outcome.backlog_already_there += 1;
            continue;
        }
        insert_topic(tx, team_id, channel_id, topic, None, now).await?;
        outcome.backlog_added += 1;
    }
    Ok(outcome)
}

/// An imported topic: discussed in `meeting_id`, or open (the backlog) without one.
async fn insert_topic(
    tx: &mut PgConnection,
    team_id: &str,
    channel_id: &str,
    topic: &TopicNotes,
    meeting_id: Option<i64>,
    at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let number = super::topics::take_next_number(&mut *tx, team_id).await?;
    let (author, name) = match &topic.proposer {
        Some(Person::Slack(id)) => (Some(id.as_str()), None),
        Some(Person::Name(name)) => (None, Some(name.as_str())),
        None => (None, None),
    };
    let intents: Vec<&str> = topic.intents.iter().map(|i| i.as_str()).collect();
    sqlx::query_scalar(
        "insert into topics (team_id, number, channel_id, author_id, proposer_name, intents,
                             title, state, discussed_in, imported, imported_votes, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)
         returning id",
    )
    .bind(team_id)
    .bind(number)
    .bind(channel_id)
    .bind(author)
    .bind(name)
    .bind(intents)
    .bind(&topic.title)
    .bind(if meeting_id.is_some() {
        "discussed"
    } else {
        "open"
    })
    .bind(meeting_id)
    .bind(i32::try_from(topic.votes).unwrap_or(i32::MAX))
    .bind(at)
    .fetch_one(&mut *tx)
    .await
}

/// A topic's notes (nested), decisions and action items.
async fn insert_contents(
    tx: &mut PgConnection,
    team_id: &str,
    channel_id: &str,
    topic: &TopicNotes,
    topic_id: i64,
    meeting_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    // Depth-first, keeping each note's parent and place among its siblings.
    let mut stack: Vec<(Option<i64>, usize, &Note)> = topic
        .notes
        .iter()
        .enumerate()
        .rev()
        .map(|(position, note)| (None, position, note))
        .collect();
    while let Some((parent, position, note)) = stack.pop() {
        let entry = NewEntry {
            parent,
            channel_id,
            topic_id: Some(topic_id),
            meeting_id: Some(meeting_id),
            text: &note.text,
            by: IMPORTER,
            at,
            source_ts: None,
        };
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        let id = super::items::insert_note(&mut *tx, &entry, position).await?;
        stack.extend(
            note.children
                .iter()
                .enumerate()
                .rev()
                .map(|(position, child)| (id, position, child)),
        );
    }
    for decision in &topic.decisions {
        let entry = NewEntry {
            parent: None,
            channel_id,
            topic_id: Some(topic_id),
            meeting_id: Some(meeting_id),
            text: decision,
            by: IMPORTER,
            at,
            source_ts: None,
        };
        super::items::insert_decision(&mut *tx, &entry).await?;
    }
    for action in &topic.actions {
        insert_action(
            tx,
            team_id,
            channel_id,
            action,
            Some(topic_id),
            Some(meeting_id),
            at,
        )
        .await?;
    }
    Ok(())
}

async fn insert_action(
    tx: &mut PgConnection,
    team_id: &str,
    channel_id: &str,
    action: &ActionNotes,
    topic_id: Option<i64>,
    meeting_id: Option<i64>,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (slack, names): (Vec<String>, Vec<String>) =
        action
            .owners
            .iter()
            .fold((Vec::new(), Vec::new()), |(mut slack, mut names), owner| {
                match owner {
                    Person::Slack(id) => slack.push(id.clone()),
                    Person::Name(name) => names.push(name.clone()),
                }
                (slack, names)
            });
    super::items::insert(
        tx,
        &NewItem {
            team_id,
            channel_id,
            text: &action.text,
            owners: &slack,
            owner_names: &names,
            due_on: action.due,
            topic_id,
            meeting_id,
            created_by: IMPORTER,
            created_at: at,
            source: None,
        },
    )
    .await
    .map(|_| ())
}

/// A channel's meeting: the last one held on `date`, or the last one at all.
pub async fn find_meeting(
    db: &mut PgConnection,
    channel_id: &str,
    date: Option<NaiveDate>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select id from meetings
         where channel_id = $1 and ($2::date is null or held_on = $2)
         order by held_on desc nulls last, started_at desc limit 1",
    )
    .bind(channel_id)
    .bind(date)
    .fetch_optional(db)
    .await
}

/// The channel's most recent meeting that has ended.
pub async fn last_ended(db: &mut PgConnection, channel_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select id from meetings where channel_id = $1 and phase = 'ended'
         order by coalesce(ended_at, started_at) desc limit 1",
    )
    .bind(channel_id)
    .fetch_optional(db)
    .await
}

/// A meeting's heading and day.
pub async fn heading(
    db: &mut PgConnection,
    meeting_id: i64,
) -> sqlx::Result<Option<(String, NaiveDate)>> {
    let row: Option<(String, Option<NaiveDate>, DateTime<Utc>)> =
        sqlx::query_as("select title, held_on, started_at from meetings where id = $1")
            .bind(meeting_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(title, held_on, started_at)| {
        (title, held_on.unwrap_or_else(|| started_at.date_naive()))
    }))
}

/// The decisions a meeting recorded, in order.
pub async fn decisions_of(db: &mut PgConnection, meeting_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("select text from decisions where meeting_id = $1 order by created_at, id")
        .bind(meeting_id)
        .fetch_all(db)
        .await
}

#[derive(sqlx::FromRow)]
struct TopicInMeeting {
    id: i64,
    title: String,
    intents: Vec<String>,
    author_id: Option<String>,
    proposer_name: Option<String>,
    votes: i32,
}

/// A meeting as notes: what minutes print.
pub async fn meeting_notes(
    db: &mut PgConnection,
    meeting_id: i64,
) -> sqlx::Result<Option<MeetingNotes>> {
    let heading: Option<(String, Option<NaiveDate>, DateTime<Utc>)> =
        sqlx::query_as("select title, held_on, started_at from meetings where id = $1")
            .bind(meeting_id)
            .fetch_optional(&mut *db)
            .await?;
    let Some((title, held_on, started_at)) = heading else {
        return Ok(None);
    };
    let rows: Vec<TopicInMeeting> = sqlx::query_as(
        "select t.id, t.title, t.intents, t.author_id, t.proposer_name, mt.votes
         from meeting_topics mt join topics t on t.id = mt.topic_id
         where mt.meeting_id = $1 order by mt.position",
    )
    .bind(meeting_id)
    .fetch_all(&mut *db)
    .await?;
    let mut topics = Vec::new();
    for row in rows {
        let proposer = match (row.author_id, row.proposer_name) {
            (Some(id), _) => Some(Person::Slack(id)),
            (None, Some(name)) => Some(Person::Name(name)),
            (None, None) => None,
        };
        topics.push(TopicNotes {
            title: row.title,
            intents: Intents::from_stored(&row.intents).as_slice().to_vec(),
            proposer,
            votes: u32::try_from(row.votes).unwrap_or(0),
            notes: notes_of(db, row.id).await?,
            decisions: sqlx::query_scalar(
                "select text from decisions where topic_id = $1 order by created_at, id",
            )
            .bind(row.id)
            .fetch_all(&mut *db)
            .await?,
            actions: actions_in(db, ActionScope::Topic(row.id)).await?,
        });
    }
    let actions = actions_in(db, ActionScope::MeetingOnly(meeting_id)).await?;
    Ok(Some(MeetingNotes {
        title,
        date: held_on.unwrap_or_else(|| started_at.date_naive()),
        topics,
        actions,
    }))
}

/// A topic's notes as a tree, siblings in order.
async fn notes_of(db: &mut PgConnection, topic_id: i64) -> sqlx::Result<Vec<Note>> {
    let rows: Vec<(i64, Option<i64>, String)> = sqlx::query_as(
        "select id, parent_id, text from notes where topic_id = $1
         order by position, created_at, id",
    )
    .bind(topic_id)
    .fetch_all(db)
    .await?;
    fn children(parent: Option<i64>, rows: &[(i64, Option<i64>, String)]) -> Vec<Note> {
        rows.iter()
            .filter(|(_, p, _)| *p == parent)
            .map(|(id, _, text)| Note {
                text: text.clone(),
                children: children(Some(*id), rows),
            })
            .collect()
    }
    Ok(children(None, &rows))
}

/// Which action items minutes list in one place.
#[derive(Debug, Clone, Copy)]
enum ActionScope {
    /// Those of a topic.
    Topic(i64),
    /// Those of a meeting that belong to no topic.
    MeetingOnly(i64),
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    text: String,
    due_on: Option<NaiveDate>,
    owner_names: Vec<String>,
    owners: Vec<String>,
}

/// Action items as notes: Slack owners (by id), then owners by name.
async fn actions_in(db: &mut PgConnection, scope: ActionScope) -> sqlx::Result<Vec<ActionNotes>> {
    let (query, id) = match scope {
        ActionScope::Topic(id) => (
            "select i.text, i.due_on, i.owner_names,
                    coalesce(array(select o.user_id from action_owners o
                                   where o.item_id = i.id order by o.user_id), '{}') as owners
             from action_items i where i.topic_id = $1 order by i.number",
            id,
        ),
        ActionScope::MeetingOnly(id) => (
            "select i.text, i.due_on, i.owner_names,
                    coalesce(array(select o.user_id from action_owners o
                                   where o.item_id = i.id order by o.user_id), '{}') as owners
             from action_items i where i.meeting_id = $1 and i.topic_id is null
             order by i.number",
            id,
        ),
    };
    let rows: Vec<ActionRow> = sqlx::query_as(query).bind(id).fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|row| ActionNotes {
            text: row.text,
            due: row.due_on,
            owners: row
                .owners
                .into_iter()
                .map(Person::Slack)
                .chain(row.owner_names.into_iter().map(Person::Name))
                .collect(),
        })
        .collect())
}
