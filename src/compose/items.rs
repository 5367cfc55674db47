//! Action-item messages built from stored state: reminder DMs, `mine`, the App Home tab.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::compose;
use crate::domain::actions::ActionItem;
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::membership::{Membership, Outside};
use crate::domain::topics::Topic;
use crate::slack::blocks::home::{ChannelOutlook, HomeView, home};
use crate::slack::blocks::items::{TopicRef, reminder_dm};
use crate::slack::blocks::{self, Reply};
use crate::slack::call::SlackCall;
use crate::slack::identity::BotIdentity;
use crate::store;
use crate::store::history::reachable_from;

/// The topics items came from, with links to their cards when the workspace is known.
pub async fn topic_refs(
    db: &mut PgConnection,
    items: &[ActionItem],
    bot: Option<&BotIdentity>,
) -> anyhow::Result<HashMap<i64, TopicRef>> {
    let mut refs = HashMap::new();
    for topic_id in items.iter().filter_map(|item| item.topic_id) {
        if refs.contains_key(&topic_id) {
            continue;
        }
        let Some(topic) = store::topics::find(&mut *db, topic_id)
            .await
            .context("loading a topic")?
        else {
            continue;
        };
        refs.insert(topic_id, topic_ref(&topic, bot));
    }
    Ok(refs)
}

/// How an item names the topic it came from: its number and title, and a link to its card
/// when the workspace is known and the card posted.
pub fn topic_ref(topic: &Topic, bot: Option<&BotIdentity>) -> TopicRef {
    let link = match (bot, &topic.card_ts) {
        (Some(bot), Some(ts)) => Some(bot.permalink(&topic.channel_id, ts)),
        _ => None,
    };
    TopicRef {
        number: topic.number,
        title: topic.title.clone(),
        link,
    }
}

/// The day it is in a channel's time zone.
pub async fn today_in(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    now: DateTime<Utc>,
) -> anyhow::Result<NaiveDate> {
    let settings = store::settings::load(&mut *db, channel_id)
        .await
        .context("loading settings")?;
    Ok(now.with_timezone(&settings.schedule.tz).date_naive())
}

/// A run's DM to one owner as it should read now, and the channel it is about.
pub async fn reminder(
    db: &mut PgConnection,
    run_key: &str,
    user_id: &UserId,
    bot: Option<&BotIdentity>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(store::reminders::ReminderDm, Reply)>> {
    let Some(dm) = store::reminders::dm(&mut *db, run_key, user_id)
        .await
        .context("loading a reminder DM")?
    else {
        return Ok(None);
    };
    let mut items = store::items::find_many(&mut *db, &dm.item_ids)
        .await
        .context("loading the DM's items")?;
    // Oldest first, as the run listed them.
    items.sort_by_key(|item| dm.item_ids.iter().position(|id| *id == item.id));
    let Some(channel_id) = items.first().map(|item| item.channel_id.clone()) else {
        return Ok(None);
    };
    let today = today_in(db, &channel_id, now).await?;
    let topics = topic_refs(db, &items, bot).await?;
    let reply = reminder_dm(&channel_id, &items, today, &topics);
    Ok(Some((dm, reply)))
}

/// The `views.publish` for a user's App Home tab in workspace `team_id`: only the items, topics
/// and channels it may reach (`reachable_from`; every workspace's when `None`, as for a tab
/// queued before deliveries named their workspace).
pub async fn home_tab(
    db: &mut PgConnection,
    team_id: Option<&TeamId>,
    user_id: &UserId,
    bot: Option<&BotIdentity>,
    now: DateTime<Utc>,
) -> anyhow::Result<SlackCall> {
    let teams = team_id.map(reachable_from).unwrap_or_default();
    let items = store::items::open_owned_by(&mut *db, &teams, user_id)
        .await
        .context("loading the user's items")?;
    let item_topics = topic_refs(db, &items, bot).await?;
    let my_topics = store::topics::open_by_author(&mut *db, &teams, user_id)
        .await
        .context("loading the user's topics")?;
    let mut channels: Vec<ChannelId> = items
        .iter()
        .map(|i| i.channel_id.clone())
        .chain(my_topics.iter().map(|t| t.channel_id.clone()))
        .collect();
    // Nothing of theirs: the channels they vote in, never channels they may not see.
    if channels.is_empty() {
        channels = store::topics::channels_voted_in(&mut *db, &teams, user_id, 3)
            .await
            .context("finding channels")?;
    }
    channels.sort();
    channels.dedup();
    let mut outlooks = Vec::new();
    let mut topics_with_votes = Vec::new();
    for channel_id in &channels {
        let settings = store::settings::load(&mut *db, channel_id)
            .await
            .context("loading settings")?;
        let agenda = compose::agenda::ranked(db, channel_id).await?;
        for topic in my_topics.iter().filter(|t| &t.channel_id == channel_id) {
            let votes = agenda
                .iter()
                .find(|entry| entry.topic.id == topic.id)
                .map_or(0, |entry| entry.votes);
            topics_with_votes.push((topic.clone(), votes));
        }
        let votes_used = if settings.votes_per_person > 0 {
            let budget = settings.votes_per_person;
            let used = store::votes::budgeted_votes_of(&mut *db, channel_id, budget, user_id)
                .await
                .context("counting the user's votes")?
                .len();
            Some((used, settings.votes_per_person))
        } else {
            None
        };
        let left = match store::memberships::get(&mut *db, channel_id)
            .await
            .context("reading the bot's channel membership")?
        {
            Some(Membership::Outside(why @ (Outside::Removed | Outside::Archived))) => Some(why),
            _ => None,
        };
        outlooks.push(ChannelOutlook {
            channel_id: channel_id.clone(),
            next_meeting: settings.schedule.next_after(now),
            tz: settings.schedule.tz,
            votes_used,
            agenda: agenda.into_iter().take(5).collect(),
            left,
        });
    }
    let today = match items.first() {
        Some(item) => today_in(db, &item.channel_id, now).await?,
        None => now.date_naive(),
    };
    let blocks = home(&HomeView {
        items: &items,
        item_topics: &item_topics,
        today,
        topics: &topics_with_votes,
        channels: &outlooks,
    });
    Ok(SlackCall::publish_home(user_id, blocks))
}

/// `mine`: a person's open items that workspace `team_id` may reach.
pub async fn mine(
    db: &mut PgConnection,
    team_id: &TeamId,
    user_id: &UserId,
    bot: Option<&BotIdentity>,
    now: DateTime<Utc>,
) -> anyhow::Result<Reply> {
    let items = store::items::open_owned_by(&mut *db, &reachable_from(team_id), user_id)
        .await
        .context("loading the user's items")?;
    let topics = topic_refs(db, &items, bot).await?;
    let today = match items.first() {
        Some(item) => today_in(db, &item.channel_id, now).await?,
        None => now.date_naive(),
    };
    Ok(blocks::items::my_items(&items, today, &topics))
}
