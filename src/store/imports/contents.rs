//! What an imported topic holds: its notes (nested), decisions and action items, inserted
//! or repaired to match the page.

use sqlx::PgConnection;

use super::{IMPORTER, IMPORTER_ID, Place};
use crate::domain::ids::UserId;
use crate::domain::notes::{ActionNotes, Note, Person, TopicNotes};
use crate::store::history::{ActionScope, actions_in, decisions_on, notes_of};
use crate::store::items::{self, NewEntry, NewItem};

/// Notes, decisions and action items of a topic imported before, brought in line with the
/// page: when they differ, the imported notes and decisions are replaced; action items are
/// matched by text within the meeting (kept with their state and owners, moved to this topic
/// if an earlier reading put them under another) and added when new. Returns whether
/// anything changed.
pub(super) async fn repair_contents(
    tx: &mut PgConnection,
    place: &Place<'_>,
    topic_id: i64,
    meeting_id: i64,
    topic: &TopicNotes,
) -> sqlx::Result<bool> {
    let mut changed = false;
    let notes = notes_of(&mut *tx, topic_id).await?;
    let decisions = decisions_on(&mut *tx, topic_id).await?;
    if notes != topic.notes || decisions != topic.decisions {
        sqlx::query!(
            "delete from notes where topic_id = $1 and author_id = $2",
            topic_id,
            IMPORTER
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "delete from decisions where topic_id = $1 and created_by = $2",
            topic_id,
            IMPORTER
        )
        .execute(&mut *tx)
        .await?;
        let contents = TopicNotes {
            actions: Vec::new(),
            ..topic.clone()
        };
        insert_contents(tx, place, &contents, topic_id, meeting_id).await?;
        changed = true;
    }
    // Matched by text only: owners may read differently on a better reading, or have been
    // reassigned in Slack since, and the item is still the one stored before. Each stored item
    // matches one line of the page.
    let mut stored: Vec<String> = actions_in(&mut *tx, ActionScope::Topic(topic_id))
        .await?
        .into_iter()
        .map(|item| item.text)
        .collect();
    for action in &topic.actions {
        if let Some(found) = stored.iter().position(|text| *text == action.text) {
            stored.swap_remove(found);
            continue;
        }
        let moved = sqlx::query!(
            "update action_items set topic_id = $3
             where id = (select id from action_items
                         where meeting_id = $1 and text = $2 and created_by = $4
                           and topic_id is distinct from $3
                         order by number limit 1)",
            meeting_id,
            &action.text,
            topic_id,
            IMPORTER
        )
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            insert_action(tx, place, action, Some(topic_id), Some(meeting_id)).await?;
        }
        changed = true;
    }
    Ok(changed)
}

/// A topic's notes (nested), decisions and action items.
pub(super) async fn insert_contents(
    tx: &mut PgConnection,
    place: &Place<'_>,
    topic: &TopicNotes,
    topic_id: i64,
    meeting_id: i64,
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
            channel_id: place.channel_id,
            topic_id: Some(topic_id),
            meeting_id: Some(meeting_id),
            text: &note.text,
            by: &IMPORTER_ID,
            at: place.at,
            source_ts: None,
        };
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        let id = items::insert_note(&mut *tx, &entry, position).await?;
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
            channel_id: place.channel_id,
            topic_id: Some(topic_id),
            meeting_id: Some(meeting_id),
            text: decision,
            by: &IMPORTER_ID,
            at: place.at,
            source_ts: None,
        };
        items::insert_decision(&mut *tx, &entry).await?;
    }
    for action in &topic.actions {
        insert_action(tx, place, action, Some(topic_id), Some(meeting_id)).await?;
    }
    Ok(())
}

/// An imported action item, its owners split into Slack users and names.
pub(super) async fn insert_action(
    tx: &mut PgConnection,
    place: &Place<'_>,
    action: &ActionNotes,
    topic_id: Option<i64>,
    meeting_id: Option<i64>,
) -> sqlx::Result<()> {
    let (slack, names): (Vec<UserId>, Vec<String>) =
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
    items::insert(
        tx,
        &NewItem {
            team_id: place.team_id,
            channel_id: place.channel_id,
            text: &action.text,
            owners: &slack,
            owner_names: &names,
            due_on: action.due,
            topic_id,
            meeting_id,
            created_by: &IMPORTER_ID,
            created_at: place.at,
            source: None,
        },
    )
    .await
    .map(|_| ())
}
