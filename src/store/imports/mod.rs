//! Storing an imported notes page: its meetings, topics, notes, decisions and action items,
//! and importing a page again to repair what an earlier reading stored.

use chrono::{DateTime, NaiveTime, Utc};
use sqlx::PgConnection;

use super::history::{ActionScope, actions_in, decisions_on, notes_of};
use super::items::{NewEntry, NewItem};
use crate::domain::notes::{ActionNotes, MeetingNotes, Note, Page, Person, TopicNotes, rematch};

/// Who imports: stands in for the Slack user that created live records.
const IMPORTER: &str = "import";

/// What an import added, repaired, and found already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub meetings_added: usize,
    pub meetings_already_there: usize,
    /// Topics stored for the first time (in new meetings or in meetings imported before).
    pub topics_added: usize,
    /// Topics imported before whose title, votes, intents, proposers or contents the page now
    /// reads differently, brought in line with it.
    pub topics_repaired: usize,
    pub backlog_added: usize,
    pub backlog_repaired: usize,
    pub backlog_already_there: usize,
}

impl ImportOutcome {
    /// Whether the import changed anything.
    pub fn changed_anything(&self) -> bool {
        self.meetings_added
            + self.topics_added
            + self.topics_repaired
            + self.backlog_added
            + self.backlog_repaired
            > 0
    }
}

/// Stores a page's meetings (with their topics, notes, decisions and items) and backlog.
/// A meeting imported before (same channel, day and heading) is brought in line with the page:
/// its topics are matched to the page's ([`rematch`]) and repaired where they differ, topics it
/// lacks are added, and nothing is added twice. Backlog topics are matched the same way against
/// the channel's open imported topics; one already open under the same title is left as it is.
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
        let added: Option<i64> = sqlx::query_scalar(
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
                let meeting_id: i64 = sqlx::query_scalar(
                    "select id from meetings
                     where channel_id = $1 and held_on = $2 and title = $3 and imported",
                )
                .bind(channel_id)
                .bind(meeting.date)
                .bind(&meeting.title)
                .fetch_one(&mut *tx)
                .await?;
                reimport_meeting(tx, &place, meeting_id, meeting, &mut outcome).await?;
            }
        }
    }
    import_backlog(tx, page, team_id, channel_id, now, &mut outcome).await?;
    Ok(outcome)
}

/// Where imported rows go, and the time they carry.
struct Place<'a> {
    team_id: &'a str,
    channel_id: &'a str,
    at: DateTime<Utc>,
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
    sqlx::query(
        "insert into meeting_topics (meeting_id, topic_id, position, votes, rounds,
                                     planned_seconds, started_at, ended_at)
         values ($1, $2, $3, $4, 1, 0, $5, $5)",
    )
    .bind(meeting_id)
    .bind(topic_id)
    .bind(position(index))
    .bind(votes(topic.votes))
    .bind(place.at)
    .execute(&mut *tx)
    .await?;
    insert_contents(tx, place, topic, topic_id, meeting_id).await
}

fn position(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}

fn votes(count: u32) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
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
        let moved = sqlx::query(
            "update meeting_topics set position = $3, votes = $4
             where meeting_id = $1 and topic_id = $2 and (position <> $3 or votes <> $4)",
        )
        .bind(meeting_id)
        .bind(found.id)
        .bind(position(index))
        .bind(votes(topic.votes))
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
        sqlx::query(
            "update meeting_topics set position = $3
             where meeting_id = $1 and topic_id = $2 and position <> $3",
        )
        .bind(meeting_id)
        .bind(topic_id)
        .bind(position(meeting.topics.len() + offset))
        .execute(&mut *tx)
        .await?;
    }
    for action in &meeting.actions {
        let known: bool = sqlx::query_scalar(
            "select exists (select 1 from action_items
                            where meeting_id = $1 and topic_id is null and text = $2)",
        )
        .bind(meeting_id)
        .bind(&action.text)
        .fetch_one(&mut *tx)
        .await?;
        if !known {
            insert_action(tx, place, action, None, Some(meeting_id)).await?;
        }
    }
    Ok(())
}

/// An imported topic as stored.
#[derive(sqlx::FromRow)]
struct StoredTopic {
    id: i64,
    title: String,
    intents: Vec<String>,
    proposers: Vec<String>,
    author_id: Option<String>,
    imported_votes: i32,
}

/// A meeting's topics in its order.
async fn topics_in(tx: &mut PgConnection, meeting_id: i64) -> sqlx::Result<Vec<StoredTopic>> {
    sqlx::query_as(
        "select t.id, t.title, t.intents, t.proposers, t.author_id, t.imported_votes
         from meeting_topics mt join topics t on t.id = mt.topic_id
         where mt.meeting_id = $1 order by mt.position, t.id",
    )
    .bind(meeting_id)
    .fetch_all(tx)
    .await
}

/// Title, intents, proposers and votes as the page reads them now. Returns whether anything
/// changed.
async fn repair_topic(
    tx: &mut PgConnection,
    stored: &StoredTopic,
    topic: &TopicNotes,
) -> sqlx::Result<bool> {
    let fields = TopicFields::of(topic);
    let same = stored.title == topic.title
        && stored.intents == fields.intents
        && stored.proposers == fields.proposers
        && stored.author_id.as_deref() == fields.author
        && stored.imported_votes == votes(topic.votes);
    if same {
        return Ok(false);
    }
    sqlx::query(
        "update topics set title = $2, intents = $3, proposers = $4, author_id = $5,
                           imported_votes = $6
         where id = $1",
    )
    .bind(stored.id)
    .bind(&topic.title)
    .bind(&fields.intents)
    .bind(&fields.proposers)
    .bind(fields.author)
    .bind(votes(topic.votes))
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

/// A topic's columns as an import stores them.
struct TopicFields<'a> {
    intents: Vec<String>,
    proposers: Vec<String>,
    /// The first Slack user among the proposers: the topic's author.
    author: Option<&'a str>,
}

impl<'a> TopicFields<'a> {
    fn of(topic: &'a TopicNotes) -> TopicFields<'a> {
        TopicFields {
            intents: topic
                .intents
                .iter()
                .map(|i| i.as_str().to_string())
                .collect(),
            proposers: topic.proposers.iter().map(Person::stored).collect(),
            author: topic.proposers.iter().find_map(|p| match p {
                Person::Slack(id) => Some(id.as_str()),
                Person::Name(_) => None,
            }),
        }
    }
}

/// Notes, decisions and action items of a topic imported before, brought in line with the
/// page: when they differ, the imported notes and decisions are replaced; action items are
/// matched by text within the meeting (kept with their state, moved to this topic if an
/// earlier reading put them under another) and added when new. Returns whether anything
/// changed.
async fn repair_contents(
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
        sqlx::query("delete from notes where topic_id = $1 and author_id = $2")
            .bind(topic_id)
            .bind(IMPORTER)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from decisions where topic_id = $1 and created_by = $2")
            .bind(topic_id)
            .bind(IMPORTER)
            .execute(&mut *tx)
            .await?;
        let contents = TopicNotes {
            actions: Vec::new(),
            ..topic.clone()
        };
        insert_contents(tx, place, &contents, topic_id, meeting_id).await?;
        changed = true;
    }
    let actions = actions_in(&mut *tx, ActionScope::Topic(topic_id)).await?;
    for action in &topic.actions {
        if actions.contains(action) {
            continue;
        }
        let moved = sqlx::query(
            "update action_items set topic_id = $3
             where id = (select id from action_items
                         where meeting_id = $1 and text = $2 and created_by = $4
                           and topic_id is distinct from $3
                         order by number limit 1)",
        )
        .bind(meeting_id)
        .bind(&action.text)
        .bind(topic_id)
        .bind(IMPORTER)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            insert_action(tx, place, action, Some(topic_id), Some(meeting_id)).await?;
        }
        changed = true;
    }
    Ok(changed)
}

/// The page's backlog: topics matched against the channel's open imported topics that no
/// meeting discussed, repaired or added.
async fn import_backlog(
    tx: &mut PgConnection,
    page: &Page,
    team_id: &str,
    channel_id: &str,
    now: DateTime<Utc>,
    outcome: &mut ImportOutcome,
) -> sqlx::Result<()> {
    let stored: Vec<StoredTopic> = sqlx::query_as(
        "select id, title, intents, proposers, author_id, imported_votes from topics
         where channel_id = $1 and imported and state = 'open' and discussed_in is null
         order by id",
    )
    .bind(channel_id)
    .fetch_all(&mut *tx)
    .await?;
    let stored_titles: Vec<&str> = stored.iter().map(|t| t.title.as_str()).collect();
    let page_titles: Vec<&str> = page.backlog.iter().map(|t| t.title.as_str()).collect();
    let pairs = rematch(&stored_titles, &page_titles);
    let place = Place {
        team_id,
        channel_id,
        at: now,
    };
    for (topic, pair) in page.backlog.iter().zip(pairs) {
        if let Some(found) = pair.map(|s| &stored[s]) {
            if repair_topic(tx, found, topic).await? {
                outcome.backlog_repaired += 1;
            } else {
                outcome.backlog_already_there += 1;
            }
            continue;
        }
        let open: bool = sqlx::query_scalar(
            "select exists (select 1 from topics
                            where channel_id = $1 and title = $2 and state = 'open')",
        )
        .bind(channel_id)
        .bind(&topic.title)
        .fetch_one(&mut *tx)
        .await?;
        if open {
            outcome.backlog_already_there += 1;
            continue;
        }
        insert_topic(tx, &place, topic, None).await?;
        outcome.backlog_added += 1;
    }
    Ok(())
}

/// An imported topic: discussed in `meeting_id`, or open (the backlog) without one.
async fn insert_topic(
    tx: &mut PgConnection,
    place: &Place<'_>,
    topic: &TopicNotes,
    meeting_id: Option<i64>,
) -> sqlx::Result<i64> {
    let number = super::topics::take_next_number(&mut *tx, place.team_id).await?;
    let fields = TopicFields::of(topic);
    sqlx::query_scalar(
        "insert into topics (team_id, number, channel_id, author_id, proposers, intents,
                             title, state, discussed_in, imported, imported_votes, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)
         returning id",
    )
    .bind(place.team_id)
    .bind(number)
    .bind(place.channel_id)
    .bind(fields.author)
    .bind(&fields.proposers)
    .bind(&fields.intents)
    .bind(&topic.title)
    .bind(if meeting_id.is_some() {
        "discussed"
    } else {
        "open"
    })
    .bind(meeting_id)
    .bind(votes(topic.votes))
    .bind(place.at)
    .fetch_one(&mut *tx)
    .await
}

/// A topic's notes (nested), decisions and action items.
async fn insert_contents(
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
            by: IMPORTER,
            at: place.at,
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
            channel_id: place.channel_id,
            topic_id: Some(topic_id),
            meeting_id: Some(meeting_id),
            text: decision,
            by: IMPORTER,
            at: place.at,
            source_ts: None,
        };
        super::items::insert_decision(&mut *tx, &entry).await?;
    }
    for action in &topic.actions {
        insert_action(tx, place, action, Some(topic_id), Some(meeting_id)).await?;
    }
    Ok(())
}

async fn insert_action(
    tx: &mut PgConnection,
    place: &Place<'_>,
    action: &ActionNotes,
    topic_id: Option<i64>,
    meeting_id: Option<i64>,
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
            team_id: place.team_id,
            channel_id: place.channel_id,
            text: &action.text,
            owners: &slack,
            owner_names: &names,
            due_on: action.due,
            topic_id,
            meeting_id,
            created_by: IMPORTER,
            created_at: place.at,
            source: None,
        },
    )
    .await
    .map(|_| ())
}
