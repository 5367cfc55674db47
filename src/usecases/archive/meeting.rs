//! One meeting's page: its minutes (the notes `archhour minutes` prints), with what only the
//! page shows beside them: each topic's number, thread and time, and each item's state.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::PgPool;

use super::{names_of, people_in};
use crate::compose::charts::{self, Chart};
use crate::compose::minutes::{self, Minutes};
use crate::domain::actions::ActionItem;
use crate::domain::ids::{ChannelId, TopicNumber};
use crate::domain::notes::MeetingNotes;
use crate::domain::people::{Names, slack_users};
use crate::slack::identity::BotIdentity;
use crate::store;

/// A topic of the meeting, beyond its notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingTopic {
    pub topic_id: i64,
    pub number: TopicNumber,
    /// Its card's thread in Slack, when it has a card.
    pub thread: Option<String>,
    pub planned_seconds: i32,
    /// `None` while it is being discussed.
    pub used_seconds: Option<i64>,
}

/// What a meeting's page shows.
#[derive(Debug, Clone)]
pub struct MeetingPage {
    pub notes: MeetingNotes,
    /// One per topic of `notes`, in the same order.
    pub topics: Vec<MeetingTopic>,
    pub items: Vec<ActionItem>,
    /// Time planned and used per topic; `None` when the meeting recorded no times (one imported
    /// from a notes page), which would draw empty axes.
    pub time_chart: Option<Chart>,
    /// The votes per topic, in the order they were taken up.
    pub votes_chart: Chart,
    /// The names of the people it mentions.
    pub names: Names,
}

/// The channel's meeting on `date` (its last that day), or `None`; `bot`, when known, makes the
/// threads' links the workspace's own.
pub async fn meeting_page(
    db: &PgPool,
    bot: Option<&BotIdentity>,
    channel_id: &ChannelId,
    date: NaiveDate,
) -> anyhow::Result<Option<MeetingPage>> {
    let mut conn = db.acquire().await.context("connecting")?;
    let Minutes::Found { meeting_id, notes } =
        minutes::find(&mut conn, channel_id, Some(date)).await?
    else {
        return Ok(None);
    };
    let discussed = store::meetings::discussed(&mut *conn, meeting_id)
        .await
        .context("loading the meeting's topics")?;
    let ids: Vec<i64> = discussed.iter().map(|topic| topic.topic_id).collect();
    let found = store::topics::find_many(&mut *conn, &ids)
        .await
        .context("loading the topics")?;
    let items = store::items::of_meeting(&mut *conn, meeting_id)
        .await
        .context("loading the meeting's action items")?;
    let topics: Vec<MeetingTopic> = discussed
        .iter()
        .filter_map(|discussed| {
            let topic = found.iter().find(|topic| topic.id == discussed.topic_id)?;
            Some(MeetingTopic {
                topic_id: topic.id,
                number: topic.number,
                thread: topic
                    .card_ts
                    .as_deref()
                    .map(|ts| thread_link(bot, channel_id, ts)),
                planned_seconds: discussed.planned_seconds,
                used_seconds: discussed
                    .ended_at
                    .map(|ended| (ended - discussed.started_at).num_seconds()),
            })
        })
        .collect();
    let timings: Vec<(TopicNumber, i32, Option<i64>)> = topics
        .iter()
        .map(|topic| (topic.number, topic.planned_seconds, topic.used_seconds))
        .collect();
    let mut people = slack_users(notes.topics.iter().flat_map(|topic| &topic.proposers));
    for topic in &notes.topics {
        people.extend(people_in(&topic.notes, &topic.decisions, &[]));
    }
    people.extend(people_in(&[], &[], &items));
    let names = names_of(&mut conn, people).await?;
    let votes: Vec<(TopicNumber, u32)> = topics
        .iter()
        .zip(&notes.topics)
        .map(|(topic, noted)| (topic.number, noted.votes))
        .collect();
    Ok(Some(MeetingPage {
        votes_chart: charts::votes_in_meeting(&votes),
        names,
        notes,
        topics,
        items,
        time_chart: times_recorded(&timings).then(|| charts::time_per_topic(&timings)),
    }))
}

/// Whether any topic had time planned or used: a meeting imported from notes has neither (its
/// topics are stored with nothing planned, started and ended at once).
fn times_recorded(timings: &[(TopicNumber, i32, Option<i64>)]) -> bool {
    timings
        .iter()
        .any(|(_, planned, used)| *planned > 0 || used.is_some_and(|used| used > 0))
}

/// A message's thread: the workspace's permalink when the bot knows its address, Slack's
/// generic one otherwise.
pub fn thread_link(bot: Option<&BotIdentity>, channel_id: &ChannelId, ts: &str) -> String {
    match bot {
        Some(bot) => bot.permalink(channel_id, ts),
        None => format!(
            "https://slack.com/archives/{channel_id}/p{}",
            ts.replace('.', "")
        ),
    }
}
