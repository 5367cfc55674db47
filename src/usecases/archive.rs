//! What the web archive shows a signed-in person: the channels they may see, each with its next
//! meeting and open-topic count. Public channels are for everyone in the workspace; a private
//! one only for its members, asked of Slack (`conversations.members`) and remembered briefly. A
//! channel Slack cannot tell about right now is left out: the archive never guesses in favour
//! of showing.
//!
//! The pages of one channel: `channel` (the agenda, past meetings and charts), `meeting`, `topic`
//! (a topic's history and similar earlier ones); search and the challenges log reuse what the
//! slash command and `archhour challenges` read.

mod channel;
mod meeting;
mod topic;

pub use channel::{ChannelPage, MEETINGS_PER_PAGE, channel_page};
pub use meeting::{MeetingPage, MeetingTopic, meeting_page};
pub use topic::{TopicPage, topic_page};

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};

use super::{AppState, lock};
use crate::domain::actions::ActionItem;
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::notes::Note;
use crate::domain::people::{Names, mentioned};
use crate::slack::api::CallError;
use crate::store;

/// How long what Slack said about a channel (its name, whether it is private, who is in it) is
/// trusted: someone removed from a private channel loses sight of it within this.
pub const FRESH_FOR: Duration = Duration::minutes(2);

/// One channel as the archive's first page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSummary {
    pub channel_id: ChannelId,
    /// The name without `#`, or the id when Slack did not say.
    pub name: String,
    pub private: bool,
    pub open_topics: i64,
    pub next_meeting: DateTime<Utc>,
    pub tz: Tz,
}

/// A channel a signed-in person opened and may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenChannel {
    pub channel_id: ChannelId,
    /// The name without `#`, or the id when Slack did not say.
    pub name: String,
    pub private: bool,
}

/// What Slack said about a channel.
#[derive(Debug, Clone)]
struct Facts {
    name: Option<String>,
    private: bool,
}

/// A value and when Slack said it.
#[derive(Debug, Clone)]
struct Remembered<T> {
    at: DateTime<Utc>,
    value: T,
}

/// What Slack said about channels lately, for deciding who sees them.
#[derive(Debug, Default)]
pub struct ChannelAccess {
    facts: Mutex<HashMap<ChannelId, Remembered<Facts>>>,
    members: Mutex<HashMap<ChannelId, Remembered<HashSet<UserId>>>>,
}

impl ChannelAccess {
    async fn facts(
        &self,
        state: &AppState,
        team: &TeamId,
        channel: &ChannelId,
    ) -> Result<Facts, CallError> {
        let now = state.clock.now();
        if let Some(known) = fresh(&lock(&self.facts), channel, now) {
            return Ok(known);
        }
        let standing = state
            .workspaces
            .slack_in(team)
            .await?
            .standing_in(channel)
            .await?;
        let facts = Facts {
            name: standing.name,
            private: !standing.is_public,
        };
        lock(&self.facts).insert(
            channel.clone(),
            Remembered {
                at: now,
                value: facts.clone(),
            },
        );
        Ok(facts)
    }

    async fn is_member(
        &self,
        state: &AppState,
        team: &TeamId,
        channel: &ChannelId,
        user: &UserId,
    ) -> Result<bool, CallError> {
        let now = state.clock.now();
        if let Some(members) = fresh(&lock(&self.members), channel, now) {
            return Ok(members.contains(user));
        }
        let slack = state.workspaces.slack_in(team).await?;
        let members: HashSet<UserId> = slack.members_of(channel).await?.into_iter().collect();
        let found = members.contains(user);
        lock(&self.members).insert(
            channel.clone(),
            Remembered {
                at: now,
                value: members,
            },
        );
        Ok(found)
    }

    /// What the archive may say about `channel` of `team` to `user`: its facts when they may
    /// see it (asked of Slack with that workspace's bot).
    async fn visible_to(
        &self,
        state: &AppState,
        team: &TeamId,
        channel: &ChannelId,
        user: &UserId,
    ) -> Result<Option<Facts>, CallError> {
        let facts = self.facts(state, team, channel).await?;
        if facts.private && !self.is_member(state, team, channel, user).await? {
            return Ok(None);
        }
        Ok(Some(facts))
    }
}

fn fresh<T: Clone>(
    known: &HashMap<ChannelId, Remembered<T>>,
    channel: &ChannelId,
    now: DateTime<Utc>,
) -> Option<T> {
    known
        .get(channel)
        .filter(|remembered| now - remembered.at < FRESH_FOR)
        .map(|remembered| remembered.value.clone())
}

/// The names of `users` as the user directory stored them, to show people by name without
/// asking Slack while a page is served; those it knows no name of are noted for its background
/// look-up (the page shows them by id meanwhile).
async fn names_of(db: &mut PgConnection, mut users: Vec<UserId>) -> anyhow::Result<Names> {
    users.sort();
    users.dedup();
    if users.is_empty() {
        return Ok(Names::default());
    }
    let known = store::users::names_of(&mut *db, &users)
        .await
        .context("reading people's names")?;
    let unknown: Vec<UserId> = users
        .into_iter()
        .filter(|user| !known.contains_key(user))
        .collect();
    if !unknown.is_empty() {
        store::users::note_unknown(&mut *db, &unknown)
            .await
            .context("noting people to look up")?;
    }
    Ok(Names::new(known))
}

/// The Slack users named in `notes` (nested ones included), `decisions` and `items` (their
/// owners and their text).
fn people_in(notes: &[Note], decisions: &[String], items: &[ActionItem]) -> Vec<UserId> {
    fn in_notes(notes: &[Note], found: &mut Vec<UserId>) {
        for note in notes {
            found.extend(mentioned(&note.text));
            in_notes(&note.children, found);
        }
    }
    let mut found = Vec::new();
    in_notes(notes, &mut found);
    found.extend(decisions.iter().flat_map(|decision| mentioned(decision)));
    for item in items {
        found.extend(item.owners.iter().cloned());
        found.extend(mentioned(&item.text));
    }
    found
}

/// The channels of `team` with topics, by id, each named by its id and taken as public until
/// Slack says otherwise: what `/archive` lists before asking who may see what.
pub async fn channels_with_topics(
    db: &PgPool,
    team: &TeamId,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<ChannelSummary>> {
    let counted = store::topics::channels_with_open_counts(db, team)
        .await
        .context("listing the channels with topics")?;
    let ids: Vec<ChannelId> = counted.iter().map(|(id, _)| id.clone()).collect();
    let settings = store::settings::load_many(db, &ids)
        .await
        .context("loading the channels' settings")?;
    Ok(counted
        .into_iter()
        .map(|(channel_id, open_topics)| {
            let schedule = settings
                .get(&channel_id)
                .map(|settings| settings.schedule)
                .unwrap_or_default();
            ChannelSummary {
                name: channel_id.to_string(),
                private: false,
                open_topics,
                next_meeting: schedule.next_after(now),
                tz: schedule.tz,
                channel_id,
            }
        })
        .collect())
}

/// The channels of `team` with topics that `user` may see, by name.
pub async fn channels_for(
    state: &AppState,
    access: &ChannelAccess,
    team: &TeamId,
    user: &UserId,
) -> anyhow::Result<Vec<ChannelSummary>> {
    let candidates = channels_with_topics(&state.db, team, state.clock.now()).await?;
    let mut shown = Vec::new();
    for mut summary in candidates {
        let channel_id = &summary.channel_id;
        let facts = match access.visible_to(state, team, channel_id, user).await {
            Ok(Some(facts)) => facts,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!(%channel_id, %error, "archive: leaving out a channel Slack could not tell about");
                continue;
            }
        };
        if let Some(name) = facts.name {
            summary.name = name;
        }
        summary.private = facts.private;
        shown.push(summary);
    }
    shown.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(shown)
}

/// `channel` for `user` of `team`, when the archive has something of it in that workspace and
/// they may see it; `None` for a channel unknown there and for a private one they are not in
/// (the same answer, so a page does not tell outsiders which private channels exist).
pub async fn open_channel(
    state: &AppState,
    access: &ChannelAccess,
    team: &TeamId,
    user: &UserId,
    channel: &ChannelId,
) -> anyhow::Result<Option<OpenChannel>> {
    let known = store::archive::channel_known(&state.db, team, channel)
        .await
        .context("looking the channel up")?;
    if !known {
        return Ok(None);
    }
    let facts = access
        .visible_to(state, team, channel, user)
        .await
        .with_context(|| format!("asking Slack about {channel}"))?;
    Ok(facts.map(|facts| OpenChannel {
        name: facts.name.unwrap_or_else(|| channel.to_string()),
        private: facts.private,
        channel_id: channel.clone(),
    }))
}
