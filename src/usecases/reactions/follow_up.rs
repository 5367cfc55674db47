//! What changed votes call for under a vote budget — which budget notices to send, which of a
//! voter's other cards to refresh — decided by a pure function of what was read after the votes
//! were applied, and the one function that queues it (refreshes coalesced in one statement).
//! Shared by the vote batch and a recount's repairs; the voted cards' own refreshes are queued
//! with the votes (`store::votes::apply`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::Context;
use sqlx::PgConnection;

use crate::clock::Clock;
use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::settings::ChannelSettings;
use crate::outbox;
use crate::slack::blocks;
use crate::slack::outgoing::{CARD_REFRESH_DELAY, Delivery};
use crate::store::{self, votes::BudgetedVote, votes::ChangedVote};

/// A person (channel, user) whose channel has a vote budget.
type Voter = (ChannelId, UserId);

/// What one voter with a budget has, read after the batch's votes were applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoterVotes {
    /// Their votes on the channel's open topics, earliest first, each counted or not.
    pub budgeted: Vec<BudgetedVote>,
    /// The open topics (ids) they vote on, whose cards may show a different count now.
    pub open_topics: Vec<i64>,
}

/// What the follow-up is decided from: each voter (channel, user) with a budget, once however
/// many of their votes changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub voters: BTreeMap<Voter, VoterVotes>,
    /// The workspace of each of their channels: its bot sends the notices and edits the cards.
    pub teams: BTreeMap<ChannelId, TeamId>,
}

/// What changed votes call for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUp {
    /// A notice to each new vote beyond its voter's budget.
    pub notices: Vec<Delivery>,
    /// An edit of each card of a voter with a budget, whose count may have moved, in topic
    /// order.
    pub refreshes: Vec<Delivery>,
}

/// The people among `changed` whose channel has a vote budget, each once.
pub fn budget_voters(
    changed: &[ChangedVote],
    settings: &HashMap<ChannelId, ChannelSettings>,
) -> BTreeSet<Voter> {
    changed
        .iter()
        .filter(|vote| settings_of(settings, &vote.channel_id).votes_per_person > 0)
        .map(|vote| (vote.channel_id.clone(), vote.user_id.clone()))
        .collect()
}

/// Reads what the follow-up of `changed` is decided from: for each voter with a budget (once per
/// person) their budgeted votes and open topics.
pub async fn load(
    tx: &mut PgConnection,
    changed: &[ChangedVote],
    settings: &HashMap<ChannelId, ChannelSettings>,
) -> anyhow::Result<Loaded> {
    let mut voters = BTreeMap::new();
    let mut teams = BTreeMap::new();
    for (channel, user) in budget_voters(changed, settings) {
        if !teams.contains_key(&channel)
            && let Some(team) = store::memberships::team_of_channel(&mut *tx, &channel)
                .await
                .context("finding the channel's workspace")?
        {
            teams.insert(channel.clone(), team);
        }
        let budget = settings_of(settings, &channel).votes_per_person;
        let budgeted = store::votes::budgeted_votes_of(&mut *tx, &channel, budget, &user)
            .await
            .context("loading a voter's votes")?;
        let open_topics =
            store::votes::open_topics_voted_by(&mut *tx, &channel, std::slice::from_ref(&user))
                .await
                .context("finding a voter's topics")?;
        let votes = VoterVotes {
            budgeted,
            open_topics,
        };
        voters.insert((channel, user), votes);
    }
    Ok(Loaded { voters, teams })
}

/// Decides what `changed` calls for under a budget: an edit of every open card a voter with a
/// budget votes on (a vote added or removed can move which of their votes count), and a notice
/// for each new vote beyond its voter's budget.
pub fn decide(
    changed: &[ChangedVote],
    settings: &HashMap<ChannelId, ChannelSettings>,
    loaded: &Loaded,
) -> FollowUp {
    let mut refresh: BTreeMap<i64, Option<&TeamId>> = BTreeMap::new();
    let mut notices = Vec::new();
    for ((channel, user), votes) in &loaded.voters {
        let channel_settings = settings_of(settings, channel);
        let team = loaded.teams.get(channel);
        let theirs = changed
            .iter()
            .filter(|v| v.present && &v.channel_id == channel && &v.user_id == user);
        notices.extend(
            theirs
                .filter_map(|vote| budget_notice(vote, channel_settings, votes))
                .map(|notice| notice.for_team_if(team)),
        );
        refresh.extend(votes.open_topics.iter().map(|topic_id| (*topic_id, team)));
    }
    let refreshes = refresh
        .into_iter()
        .map(|(topic_id, team)| {
            Delivery::refresh_card(topic_id, CARD_REFRESH_DELAY).for_team_if(team)
        })
        .collect();
    FollowUp { notices, refreshes }
}

/// The notice for `vote` if it is beyond its voter's budget, naming the votes that count.
fn budget_notice(
    vote: &ChangedVote,
    settings: &ChannelSettings,
    votes: &VoterVotes,
) -> Option<Delivery> {
    let beyond = votes
        .budgeted
        .iter()
        .find(|budgeted| budgeted.message_ts == vote.message_ts && !budgeted.counted)?;
    let counted: Vec<TopicNumber> = votes
        .budgeted
        .iter()
        .filter(|budgeted| budgeted.counted)
        .map(|budgeted| budgeted.topic_number)
        .collect();
    let notice = blocks::budget_notice(
        &settings.vote_emoji,
        settings.votes_per_person,
        beyond.topic_number,
        &counted,
    );
    let (channel, user) = (&vote.channel_id, &vote.user_id);
    let key = format!(
        "budget-notice:{channel}:{user}:{}:{}",
        vote.message_ts,
        vote.voted_at.timestamp_micros()
    );
    Some(Delivery::ephemeral(key, channel, user, notice))
}

impl FollowUp {
    /// Queues the notices and the card refreshes (coalesced, in one statement) in `tx`. Returns
    /// whether anything was queued, so the caller wakes the outbox after committing.
    pub async fn write(mut self, tx: &mut PgConnection, clock: &dyn Clock) -> anyhow::Result<bool> {
        for notice in &self.notices {
            outbox::queue(tx, notice, clock)
                .await
                .context("queuing a budget notice")?;
        }
        outbox::queue_coalesced(tx, &mut self.refreshes, clock)
            .await
            .context("queuing card refreshes")?;
        Ok(!self.notices.is_empty() || !self.refreshes.is_empty())
    }
}

/// Loads, decides and queues the follow-up of `changed` in `tx`; returns whether anything was
/// queued.
pub async fn queue(
    tx: &mut PgConnection,
    changed: &[ChangedVote],
    settings: &HashMap<ChannelId, ChannelSettings>,
    clock: &dyn Clock,
) -> anyhow::Result<bool> {
    let loaded = load(tx, changed, settings).await?;
    decide(changed, settings, &loaded).write(tx, clock).await
}

fn settings_of<'a>(
    settings: &'a HashMap<ChannelId, ChannelSettings>,
    channel: &ChannelId,
) -> &'a ChannelSettings {
    static DEFAULT: std::sync::LazyLock<ChannelSettings> =
        std::sync::LazyLock::new(ChannelSettings::default);
    settings.get(channel).unwrap_or(&DEFAULT)
}
