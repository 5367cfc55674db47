//! One topic's page: the topic, where it was discussed, its notes, decisions and action items,
//! and the earlier topics that look like it.

use anyhow::Context;
use sqlx::PgPool;

use super::meeting::thread_link;
use super::{names_of, people_in};
use crate::domain::actions::ActionItem;
use crate::domain::ids::{ChannelId, TeamId, TopicNumber};
use crate::domain::notes::Note;
use crate::domain::people::{Names, slack_users};
use crate::domain::topics::Found;
use crate::slack::identity::BotIdentity;
use crate::store;

/// Similar earlier topics listed on a topic's page.
pub const SIMILAR: i64 = 10;

/// What a topic's page shows.
#[derive(Debug, Clone)]
pub struct TopicPage {
    /// The topic with its votes, meeting day and decision count.
    pub found: Found,
    pub thread: Option<String>,
    pub notes: Vec<Note>,
    pub decisions: Vec<String>,
    pub items: Vec<ActionItem>,
    /// Earlier topics sharing words of its title, most alike first (at most [`SIMILAR`]).
    pub similar: Vec<Found>,
    /// The names of the people it mentions.
    pub names: Names,
}

/// Topic `number` of `channel_id`, or `None`; `bot`, when known, makes the thread's link the
/// workspace's own.
pub async fn topic_page(
    db: &PgPool,
    bot: Option<&BotIdentity>,
    team_id: &TeamId,
    channel_id: &ChannelId,
    number: TopicNumber,
) -> anyhow::Result<Option<TopicPage>> {
    let mut conn = db.acquire().await.context("connecting")?;
    let Some(topic) = store::topics::find_by_number(&mut *conn, team_id, channel_id, number)
        .await
        .context("finding the topic")?
    else {
        return Ok(None);
    };
    let similar_ids = store::search::similar_titles(&mut conn, channel_id, topic.id, SIMILAR)
        .await
        .context("finding similar topics")?;
    let similar = store::search::details(&mut conn, &similar_ids)
        .await
        .context("loading similar topics")?;
    let notes = store::history::notes_of(&mut conn, topic.id)
        .await
        .context("loading the notes")?;
    let decisions = store::history::decisions_on(&mut conn, topic.id)
        .await
        .context("loading the decisions")?;
    let items = store::items::of_topic(&mut *conn, topic.id)
        .await
        .context("loading the action items")?;
    let Some(found) = store::search::details(&mut conn, &[topic.id])
        .await
        .context("loading the topic's details")?
        .pop()
    else {
        return Ok(None);
    };
    let mut people = slack_users(&topic.proposed_by_whom());
    people.extend(people_in(&notes, &decisions, &items));
    let names = names_of(&mut conn, people).await?;
    let thread = topic
        .card_ts
        .as_deref()
        .map(|ts| thread_link(bot, channel_id, ts));
    Ok(Some(TopicPage {
        found,
        thread,
        notes,
        decisions,
        items,
        similar,
        names,
    }))
}
