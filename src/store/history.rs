//! The group's history read back: a channel's meetings, and a meeting as notes for minutes.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::notes::{ActionNotes, MeetingNotes, Note, Person, TopicNotes};
use crate::domain::topics::Intents;

/// The workspace an imported page's channel is in until the channel is used from Slack, when
/// the database knows no workspace or more than one.
pub const UNKNOWN_TEAM: &str = "T_IMPORTED";

/// The workspaces whose rows a request from `team_id` may reach by an id it carries: its own,
/// and those of pages imported before any workspace was known ([`UNKNOWN_TEAM`]), which are
/// their channel's.
pub fn reachable_from(team_id: &TeamId) -> Vec<String> {
    vec![team_id.to_string(), UNKNOWN_TEAM.to_string()]
}

/// The channel's workspace, as its existing topics, meetings or challenges say; the only
/// workspace there is; or [`UNKNOWN_TEAM`].
pub async fn team_of_channel(
    db: &mut PgConnection,
    channel_id: &ChannelId,
) -> sqlx::Result<TeamId> {
    let known: Option<String> = sqlx::query_scalar!(
        "select team_id as \"team_id!\" from topics where channel_id = $1
         union all select team_id from meetings where channel_id = $1
         union all select team_id from challenge_issues where channel_id = $1
         limit 1",
        channel_id.as_str()
    )
    .fetch_optional(&mut *db)
    .await?;
    if let Some(team) = known {
        return Ok(TeamId::from(team));
    }
    let teams: Vec<String> = sqlx::query_scalar!("select team_id from workspaces limit 2")
        .fetch_all(&mut *db)
        .await?;
    Ok(match teams.as_slice() {
        [only] => TeamId::from(only.as_str()),
        _ => TeamId::from(UNKNOWN_TEAM),
    })
}

/// A channel's meeting: the last one held on `date`, or the last one at all.
pub async fn find_meeting(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    date: Option<NaiveDate>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from meetings
         where channel_id = $1 and ($2::date is null or held_on = $2)
         order by held_on desc nulls last, started_at desc limit 1",
        channel_id.as_str(),
        date
    )
    .fetch_optional(db)
    .await
}

/// The channel's most recent meeting that has ended.
pub async fn last_ended(
    db: &mut PgConnection,
    channel_id: &ChannelId,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from meetings where channel_id = $1 and phase = 'ended'
         order by coalesce(ended_at, started_at) desc limit 1",
        channel_id.as_str()
    )
    .fetch_optional(db)
    .await
}

/// A meeting's heading and day.
pub async fn heading(
    db: &mut PgConnection,
    meeting_id: i64,
) -> sqlx::Result<Option<(String, NaiveDate)>> {
    let row: Option<(String, Option<NaiveDate>, DateTime<Utc>)> = sqlx::query!(
        "select title, held_on, started_at from meetings where id = $1",
        meeting_id
    )
    .fetch_optional(db)
    .await?
    .map(|row| (row.title, row.held_on, row.started_at));
    Ok(row.map(|(title, held_on, started_at)| {
        (title, held_on.unwrap_or_else(|| started_at.date_naive()))
    }))
}

/// The decisions a meeting recorded, in order.
pub async fn decisions_of(db: &mut PgConnection, meeting_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select text from decisions where meeting_id = $1 order by created_at, id",
        meeting_id
    )
    .fetch_all(db)
    .await
}

struct TopicInMeeting {
    id: i64,
    title: String,
    intents: Vec<String>,
    author_id: Option<String>,
    proposers: Vec<String>,
    votes: i32,
}

/// A meeting as notes: what minutes print.
pub async fn meeting_notes(
    db: &mut PgConnection,
    meeting_id: i64,
) -> sqlx::Result<Option<MeetingNotes>> {
    let heading: Option<(String, Option<NaiveDate>, DateTime<Utc>)> = sqlx::query!(
        "select title, held_on, started_at from meetings where id = $1",
        meeting_id
    )
    .fetch_optional(&mut *db)
    .await?
    .map(|row| (row.title, row.held_on, row.started_at));
    let Some((title, held_on, started_at)) = heading else {
        return Ok(None);
    };
    let rows: Vec<TopicInMeeting> = sqlx::query_as!(
        TopicInMeeting,
        "select t.id, t.title, t.intents, t.author_id, t.proposers, mt.votes
         from meeting_topics mt join topics t on t.id = mt.topic_id
         where mt.meeting_id = $1 order by mt.position",
        meeting_id
    )
    .fetch_all(&mut *db)
    .await?;
    // Each topic's notes, decisions and action items in one statement each, not three per topic.
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut notes = notes_of_topics(db, &ids).await?;
    let mut decisions = decisions_on_topics(db, &ids).await?;
    let mut actions = actions_of_topics(db, &ids).await?;
    let topics = rows
        .into_iter()
        .map(|row| TopicNotes {
            proposers: if row.proposers.is_empty() {
                row.author_id
                    .into_iter()
                    .map(|id| Person::Slack(UserId::from(id)))
                    .collect()
            } else {
                row.proposers.iter().map(|p| Person::read(p)).collect()
            },
            title: row.title,
            intents: Intents::from_stored(&row.intents).as_slice().to_vec(),
            votes: u32::try_from(row.votes).unwrap_or(0),
            notes: notes.remove(&row.id).unwrap_or_default(),
            decisions: decisions.remove(&row.id).unwrap_or_default(),
            actions: actions.remove(&row.id).unwrap_or_default(),
        })
        .collect();
    let actions = actions_in(db, ActionScope::MeetingOnly(meeting_id)).await?;
    Ok(Some(MeetingNotes {
        title,
        date: held_on.unwrap_or_else(|| started_at.date_naive()),
        topics,
        actions,
    }))
}

/// A topic's decisions, in order.
pub async fn decisions_on(db: &mut PgConnection, topic_id: i64) -> sqlx::Result<Vec<String>> {
    Ok(decisions_on_topics(db, &[topic_id])
        .await?
        .remove(&topic_id)
        .unwrap_or_default())
}

/// The decisions on each of `topic_ids` that has any, in order.
async fn decisions_on_topics(
    db: &mut PgConnection,
    topic_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<String>>> {
    let rows = sqlx::query!(
        "select topic_id as \"topic_id!\", text from decisions where topic_id = any($1)
         order by created_at, id",
        topic_ids
    )
    .fetch_all(db)
    .await?;
    let mut decisions: HashMap<i64, Vec<String>> = HashMap::new();
    for row in rows {
        decisions.entry(row.topic_id).or_default().push(row.text);
    }
    Ok(decisions)
}

/// A topic's notes as a tree, siblings in order.
pub async fn notes_of(db: &mut PgConnection, topic_id: i64) -> sqlx::Result<Vec<Note>> {
    Ok(notes_of_topics(db, &[topic_id])
        .await?
        .remove(&topic_id)
        .unwrap_or_default())
}

/// The notes of each of `topic_ids` that has any, as a tree, siblings in order.
async fn notes_of_topics(
    db: &mut PgConnection,
    topic_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<Note>>> {
    let rows = sqlx::query!(
        "select topic_id as \"topic_id!\", id, parent_id, text from notes
         where topic_id = any($1) order by position, created_at, id",
        topic_ids
    )
    .fetch_all(db)
    .await?;
    let mut by_topic: HashMap<i64, Vec<(i64, Option<i64>, String)>> = HashMap::new();
    for row in rows {
        by_topic
            .entry(row.topic_id)
            .or_default()
            .push((row.id, row.parent_id, row.text));
    }
    fn children(parent: Option<i64>, rows: &[(i64, Option<i64>, String)]) -> Vec<Note> {
        rows.iter()
            .filter(|(_, p, _)| *p == parent)
            .map(|(id, _, text)| Note {
                text: text.clone(),
                children: children(Some(*id), rows),
            })
            .collect()
    }
    Ok(by_topic
        .into_iter()
        .map(|(topic_id, rows)| (topic_id, children(None, &rows)))
        .collect())
}

/// Which action items minutes list in one place.
#[derive(Debug, Clone, Copy)]
pub(super) enum ActionScope {
    /// Those of a topic.
    Topic(i64),
    /// Those of a meeting that belong to no topic.
    MeetingOnly(i64),
}

struct ActionRow {
    topic_id: Option<i64>,
    text: String,
    due_on: Option<NaiveDate>,
    owner_names: Vec<String>,
    owners: Vec<String>,
}

impl From<ActionRow> for ActionNotes {
    fn from(row: ActionRow) -> ActionNotes {
        ActionNotes {
            text: row.text,
            due: row.due_on,
            owners: row
                .owners
                .into_iter()
                .map(|id| Person::Slack(UserId::from(id)))
                .chain(row.owner_names.into_iter().map(Person::Name))
                .collect(),
        }
    }
}

/// Action items as notes: Slack owners (by id), then owners by name.
pub(super) async fn actions_in(
    db: &mut PgConnection,
    scope: ActionScope,
) -> sqlx::Result<Vec<ActionNotes>> {
    match scope {
        ActionScope::Topic(id) => Ok(actions_of_topics(db, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default()),
        ActionScope::MeetingOnly(id) => {
            let rows = sqlx::query_as!(
                ActionRow,
                "select i.topic_id, i.text, i.due_on, i.owner_names,
                    coalesce(array(select o.user_id from action_owners o
                                   where o.item_id = i.id order by o.user_id), '{}') as \"owners!\"
             from action_items i where i.meeting_id = $1 and i.topic_id is null
             order by i.number",
                id,
            )
            .fetch_all(db)
            .await?;
            Ok(rows.into_iter().map(ActionNotes::from).collect())
        }
    }
}

/// The action items of each of `topic_ids` that has any, as notes, in number order.
async fn actions_of_topics(
    db: &mut PgConnection,
    topic_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<ActionNotes>>> {
    let rows = sqlx::query_as!(
        ActionRow,
        "select i.topic_id, i.text, i.due_on, i.owner_names,
            coalesce(array(select o.user_id from action_owners o
                           where o.item_id = i.id order by o.user_id), '{}') as \"owners!\"
         from action_items i where i.topic_id = any($1) order by i.number",
        topic_ids,
    )
    .fetch_all(db)
    .await?;
    let mut actions: HashMap<i64, Vec<ActionNotes>> = HashMap::new();
    for row in rows {
        if let Some(topic_id) = row.topic_id {
            actions.entry(topic_id).or_default().push(row.into());
        }
    }
    Ok(actions)
}
