//! An imported topic's own row: its title, intents, proposers and votes, inserted or
//! repaired to match the page.

use sqlx::PgConnection;

use super::{Place, votes};
use crate::domain::notes::{Person, TopicNotes};

/// An imported topic as stored.
pub(super) struct StoredTopic {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) intents: Vec<String>,
    pub(super) proposers: Vec<String>,
    pub(super) author_id: Option<String>,
    pub(super) imported_votes: i32,
}

/// Title, intents, proposers and votes as the page reads them now. Returns whether anything
/// changed.
pub(super) async fn repair_topic(
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
    sqlx::query!(
        "update topics set title = $2, intents = $3, proposers = $4, author_id = $5,
                           imported_votes = $6
         where id = $1",
        stored.id,
        &topic.title,
        &fields.intents,
        &fields.proposers,
        fields.author,
        votes(topic.votes)
    )
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

/// An imported topic: discussed in `meeting_id`, or open (the backlog) without one.
pub(super) async fn insert_topic(
    tx: &mut PgConnection,
    place: &Place<'_>,
    topic: &TopicNotes,
    meeting_id: Option<i64>,
) -> sqlx::Result<i64> {
    let number = crate::store::topics::take_next_number(&mut *tx, place.team_id).await?;
    let fields = TopicFields::of(topic);
    sqlx::query_scalar!(
        "insert into topics (team_id, number, channel_id, author_id, proposers, intents,
                             title, state, discussed_in, imported, imported_votes, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)
         returning id",
        place.team_id.as_str(),
        number.0,
        place.channel_id.as_str(),
        fields.author,
        &fields.proposers,
        &fields.intents,
        &topic.title,
        if meeting_id.is_some() {
            "discussed"
        } else {
            "open"
        },
        meeting_id,
        votes(topic.votes),
        place.at
    )
    .fetch_one(&mut *tx)
    .await
}
