//! The weekly digest's contents, gathered from the store for one channel, and the months its
//! chart draws.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use crate::compose;
use crate::domain::actions::ActionItem;
use crate::domain::challenges::ranking;
use crate::domain::digest_chart::{self, MonthEnd};
use crate::domain::ids::ChannelId;
use crate::domain::meeting::DiscussedTopic;
use crate::domain::topics::Intent;
use crate::slack::blocks::digest::{ChallengesDigest, Digest, LastMeeting, MeetingTopic};
use crate::store;

/// Everything the digest shows for `channel_id` at `now`.
pub async fn gather(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    now: DateTime<Utc>,
) -> anyhow::Result<Digest> {
    let settings = store::settings::load(&mut *db, channel_id)
        .await
        .context("loading settings")?;
    let agenda = compose::agenda::ranked(db, channel_id).await?;
    let since = store::digests::last_posted(&mut *db, channel_id)
        .await
        .context("finding the last digest")?
        .unwrap_or(now - Duration::days(7));
    let (new_topics, new_total) = store::topics::proposed_since(&mut *db, channel_id, since, 10)
        .await
        .context("loading new topics")?;
    let last_meeting = last_meeting(db, channel_id).await?;
    let challenges = challenges(db, channel_id, since).await?;
    let today = now.with_timezone(&settings.schedule.tz).date_naive();
    let mut open_items = store::items::open_in_channel(&mut *db, channel_id)
        .await
        .context("loading open items")?;
    open_items.sort_by_key(|item| (!item.is_overdue(today), item.created_at, item.number));
    let mut by_intent: BTreeMap<&'static str, usize> = BTreeMap::new();
    for entry in &agenda {
        for intent in entry.topic.intents.as_slice() {
            *by_intent.entry(intent.as_str()).or_default() += 1;
        }
    }
    let intent_counts = Intent::ALL
        .iter()
        .filter_map(|intent| by_intent.get(intent.as_str()).map(|n| (*intent, *n)))
        .collect();
    Ok(Digest {
        next_meeting: settings.schedule.next_after(now),
        tz: settings.schedule.tz,
        agenda,
        new_topics,
        new_total: usize::try_from(new_total).unwrap_or(0),
        last_meeting,
        open_items,
        today,
        intent_counts,
        challenges,
    })
}

/// The channel's open and closed action items at the end of each month up to `now`'s, as the
/// digest's chart draws them; empty when the channel never had an item. Months are UTC months,
/// as the channel page's chart counts them.
pub async fn chart_months(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<MonthEnd>> {
    let rows = store::archive::items_per_month(&mut *db, channel_id)
        .await
        .context("counting action items per month")?;
    Ok(digest_chart::month_ends(&rows, now.date_naive()))
}

/// Anecdotes recorded since `since`, and the three issues hit most often.
async fn challenges(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    since: chrono::DateTime<Utc>,
) -> anyhow::Result<ChallengesDigest> {
    let (recent, recent_total) = store::challenges::recorded_since(&mut *db, channel_id, since, 10)
        .await
        .context("loading new anecdotes")?;
    let issues = store::challenges::in_channel(&mut *db, channel_id)
        .await
        .context("loading the challenges log")?;
    let mut top = ranking::by_occurrences(issues);
    top.truncate(3);
    Ok(ChallengesDigest {
        recent,
        recent_total: usize::try_from(recent_total).unwrap_or(0),
        top,
    })
}

/// The channel's most recent ended meeting, with what it discussed, decided and assigned.
async fn last_meeting(
    db: &mut PgConnection,
    channel_id: &ChannelId,
) -> anyhow::Result<Option<LastMeeting>> {
    let Some(meeting_id) = store::history::last_ended(&mut *db, channel_id)
        .await
        .context("finding the last meeting")?
    else {
        return Ok(None);
    };
    let Some((title, date)) = store::history::heading(&mut *db, meeting_id)
        .await
        .context("loading the last meeting")?
    else {
        return Ok(None);
    };
    let discussed = store::meetings::discussed(&mut *db, meeting_id)
        .await
        .context("loading the meeting record")?;
    let ids: Vec<i64> = discussed.iter().map(|record| record.topic_id).collect();
    let mut topics_by_id = store::topics::find_many(&mut *db, &ids)
        .await
        .context("loading the meeting's topics")?;
    let topics = discussed
        .iter()
        .filter_map(|record| {
            let at = topics_by_id.iter().position(|t| t.id == record.topic_id)?;
            Some(MeetingTopic {
                minutes_used: minutes_used(record),
                record: record.clone(),
                topic: topics_by_id.swap_remove(at),
            })
        })
        .collect();
    let decisions = store::history::decisions_of(&mut *db, meeting_id)
        .await
        .context("loading the meeting's decisions")?;
    let items: Vec<ActionItem> = store::items::of_meeting(&mut *db, meeting_id)
        .await
        .context("loading the meeting's items")?;
    Ok(Some(LastMeeting {
        title,
        date,
        topics,
        decisions,
        items,
    }))
}

/// Whole minutes a topic was discussed (rounded to the nearest).
fn minutes_used(record: &DiscussedTopic) -> i64 {
    record.ended_at.map_or(0, |end| {
        ((end - record.started_at).num_seconds() + 30).div_euclid(60)
    })
}
