//! An imported meeting: stored with its topics the first time, brought in line with the page
//! when imported again.

use chrono::NaiveTime;
use sqlx::PgConnection;

use super::contents::{insert_action, insert_contents, repair_contents};
use super::topics::{StoredTopic, insert_topic, repair_topic};
use super::{IMPORTER, ImportOutcome, Place, position, votes};
use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::notes::{MeetingNotes, TopicNotes, rematch};

/// Stores a meeting of the page, or, when it was imported before (same channel, day and
/// heading), brings it in line with the page.
pub(super) async fn import_meeting(
    tx: &mut PgConnection,
    meeting: &MeetingNotes,
    team_id: &TeamId,
    channel_id: &ChannelId,
    outcome: &mut ImportOutcome,
) -> sqlx::Result<()> {
    // The day at noon UTC: the same calendar day in every time zone people work in.
    let at = meeting
        .date
        .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default())
        .and_utc();
    let added: Option<i64> = sqlx::query_scalar!(
        "insert into meetings (team_id, channel_id, started_by, started_at, ended_at, phase,
                               version, title, held_on, imported)
         values ($1, $2, $3, $4, $4, 'ended', 1, $5, $6, true)
         on conflict (channel_id, held_on, title) where imported do nothing
         returning id",
        team_id.as_str(),
        channel_id.as_str(),
        IMPORTER,
        at,
        &meeting.title,
        meeting.date
    )
    .fetch_optional(&mut *tx)
    .await?;
    let place = Place {
        team_id,
        channel_id,
        at,
    };
    match added {
        Some(meeting_id) => {
            outcome.meetings_added += 1;
            for (index, topic) in meeting.topics.iter().enumerate() {
                add_to_meeting(tx, &place, meeting_id, index, topic).await?;
                outcome.topics_added += 1;
            }
            for action in &meeting.actions {
                insert_action(tx, &place, action, None, Some(meeting_id)).await?;
            }
        }
        None => {
            outcome.meetings_already_there += 1;
            let meeting_id: i64 = sqlx::query_scalar!(
                "select id from meetings
                 where channel_id = $1 and held_on = $2 and title = $3 and imported",
                channel_id.as_str(),
                meeting.date,
                &meeting.title
            )
            .fetch_one(&mut *tx)
            .await?;
            reimport_meeting(tx, &place, meeting_id, meeting, outcome).await?;
        }
    }
    Ok(())
}

/// A new topic in an imported meeting, at `index` (0-based) of its topics, with its contents.
async fn add_to_meeting(
    tx: &mut PgConnection,
    place: &Place<'_>,
    meeting_id: i64,
    index: usize,
    topic: &TopicNotes,
) -> sqlx::Result<()> {
    let topic_id = insert_topic(tx, place, topic, Some(meeting_id)).await?;
    sqlx::query!(
        "insert into meeting_topics (meeting_id, topic_id, position, votes, rounds,
                                     planned_seconds, started_at, ended_at)
         values ($1, $2, $3, $4, 1, 0, $5, $5)",
        meeting_id,
        topic_id,
        position(index),
        votes(topic.votes),
        place.at
    )
    .execute(&mut *tx)
    .await?;
    insert_contents(tx, place, topic, topic_id, meeting_id).await
}

/// A meeting imported before, brought in line with the page.
async fn reimport_meeting(
    tx: &mut PgConnection,
    place: &Place<'_>,
    meeting_id: i64,
    meeting: &MeetingNotes,
    outcome: &mut ImportOutcome,
) -> sqlx::Result<()> {
    let stored = topics_in(tx, meeting_id).await?;
    let stored_titles: Vec<&str> = stored.iter().map(|t| t.title.as_str()).collect();
    let page_titles: Vec<&str> = meeting.topics.iter().map(|t| t.title.as_str()).collect();
    let pairs = rematch(&stored_titles, &page_titles);
    for (index, (topic, pair)) in meeting.topics.iter().zip(&pairs).enumerate() {
        let Some(found) = pair.map(|s| &stored[s]) else {
            add_to_meeting(tx, place, meeting_id, index, topic).await?;
            outcome.topics_added += 1;
            continue;
        };
        let mut repaired = repair_topic(tx, found, topic).await?;
        let moved = sqlx::query!(
            "update meeting_topics set position = $3, votes = $4
             where meeting_id = $1 and topic_id = $2 and (position <> $3 or votes <> $4)",
            meeting_id,
            found.id,
            position(index),
            votes(topic.votes)
        )
        .execute(&mut *tx)
        .await?;
        repaired |= moved.rows_affected() > 0;
        repaired |= repair_contents(tx, place, found.id, meeting_id, topic).await?;
        outcome.topics_repaired += usize::from(repaired);
    }
    // Topics the page no longer has stay, after the page's.
    let kept: Vec<i64> = stored
        .iter()
        .enumerate()
        .filter(|(s, _)| !pairs.contains(&Some(*s)))
        .map(|(_, t)| t.id)
        .collect();
    for (offset, topic_id) in kept.iter().enumerate() {
        sqlx::query!(
            "update meeting_topics set position = $3
             where meeting_id = $1 and topic_id = $2 and position <> $3",
            meeting_id,
            topic_id,
            position(meeting.topics.len() + offset)
        )
        .execute(&mut *tx)
        .await?;
    }
    for action in &meeting.actions {
        let known: bool = sqlx::query_scalar!(
            "select exists (select 1 from action_items
                            where meeting_id = $1 and topic_id is null and text = $2) as \"exists!\"",
            meeting_id,
            &action.text
        )
        .fetch_one(&mut *tx)
        .await?;
        if !known {
            insert_action(tx, place, action, None, Some(meeting_id)).await?;
        }
    }
    Ok(())
}

/// A meeting's topics in its order.
async fn topics_in(tx: &mut PgConnection, meeting_id: i64) -> sqlx::Result<Vec<StoredTopic>> {
    sqlx::query_as!(
        StoredTopic,
        "select t.id, t.title, t.intents, t.proposers, t.author_id, t.imported_votes
         from meeting_topics mt join topics t on t.id = mt.topic_id
         where mt.meeting_id = $1 order by mt.position, t.id",
        meeting_id
    )
    .fetch_all(tx)
    .await
}
