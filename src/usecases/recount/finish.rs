//! The `RecountFinish` step: makes the stored votes on each card a recount read match what
//! Slack showed, marks the recount finished, and reports to the person who asked. What to
//! repair is decided from what was read and what is stored; the report from what the repairs
//! changed.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::settings::ChannelSettings;
use crate::domain::votes::{CardRepair, UnreadCard, is_vote_reaction};
use crate::slack::api::Reactions;
use crate::slack::blocks::{self, Reply};
use crate::slack::outgoing::Delivery;
use crate::store::{self, recounts::CardRead, recounts::Recount, votes::VoteChange};
use crate::usecases::AppState;
use crate::usecases::decision::{Change, Decision};
use crate::usecases::reactions::{self, follow_up};

/// A recount whose votes were repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The meeting whose agenda waits for it, if any.
    pub meeting_id: Option<i64>,
    /// Every card was read: the votes are Slack's.
    pub all_read: bool,
}

/// What a recount read, and what the store holds for each card read.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub recount: Recount,
    pub cards: Vec<CardRead>,
    pub settings: ChannelSettings,
    /// Who the store says has the vote reaction on each card read, by its `ts`.
    pub holders: HashMap<String, BTreeSet<UserId>>,
}

/// One card's repair: its topic number and the vote changes that make it match Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub number: TopicNumber,
    pub changes: Vec<VoteChange>,
}

/// The `RecountFinish` step for `team`, in the job's transaction: repairs each card read, marks the
/// recount finished and queues the report for the person who asked. A card Slack did not
/// answer for keeps its votes and is named in the report. `None` when the recount is gone or
/// finished already.
pub async fn finish(
    tx: &mut PgConnection,
    state: &AppState,
    team: Option<&TeamId>,
    recount_id: i64,
) -> anyhow::Result<Option<Finished>> {
    let Some(loaded) = load(tx, recount_id).await? else {
        return Ok(None);
    };
    let bot = state.workspaces.bot_for(team).await.map(|b| b.user_id);
    let repairs = decide_repairs(&loaded, bot.as_ref());
    let settings = HashMap::from([(loaded.recount.channel_id.clone(), loaded.settings.clone())]);
    let mut repaired = Vec::new();
    for repair in &repairs {
        if let Some(done) = write_repair(tx, state, repair, &settings).await? {
            repaired.push(done);
        }
    }
    let (finished, decision) = decide_finish(&loaded, &repaired);
    state.write(tx, team, Ok(decision)).await?;
    Ok(Some(finished))
}

/// The recount (locked, unfinished), its cards, its channel's settings, and the stored votes
/// on each card read; `None` when the recount is gone or finished.
async fn load(tx: &mut PgConnection, recount_id: i64) -> anyhow::Result<Option<Loaded>> {
    let Some(recount) = store::recounts::lock(&mut *tx, recount_id)
        .await
        .context("locking the recount")?
        .filter(|recount| recount.finished_at.is_none())
    else {
        return Ok(None);
    };
    let cards = store::recounts::cards(&mut *tx, recount_id)
        .await
        .context("loading the recount's cards")?;
    let settings = store::settings::load(&mut *tx, &recount.channel_id)
        .await
        .context("loading settings")?;
    let mut holders = HashMap::new();
    for card in cards.iter().filter(|card| card.read.is_some()) {
        let stored = store::votes::holders(&mut *tx, &card.channel_id, &card.message_ts)
            .await
            .context("loading stored votes")?;
        holders.insert(card.message_ts.clone(), stored.into_iter().collect());
    }
    Ok(Some(Loaded {
        recount,
        cards,
        settings,
        holders,
    }))
}

/// The repairs of every card read whose stored votes differ from what Slack showed, in card
/// order. Each is an event of the moment Slack was asked: a vote whose last event is newer
/// (someone reacted while the answer was on its way, or before this step ran) is left as that
/// event made it, and an event newer than the read that arrives after the repair still
/// applies. A second recount of the same moment changes nothing more.
pub fn decide_repairs(loaded: &Loaded, bot: Option<&UserId>) -> Vec<Repair> {
    let no_one = BTreeSet::new();
    loaded
        .cards
        .iter()
        .filter_map(|card| {
            let (reactions, read_at) = card.read.as_ref()?;
            let in_slack = voters(reactions, &loaded.settings.vote_emoji, bot);
            let stored = loaded.holders.get(&card.message_ts).unwrap_or(&no_one);
            let changes = differences(card, &in_slack, stored, *read_at);
            (!changes.is_empty()).then_some(Repair {
                number: card.number,
                changes,
            })
        })
        .collect()
}

/// The people (not this bot) with the vote emoji, in any skin tone, among a card's reactions.
pub fn voters(reactions: &Reactions, vote_emoji: &str, bot: Option<&UserId>) -> BTreeSet<UserId> {
    reactions
        .iter()
        .filter(|reaction| is_vote_reaction(&reaction.name, vote_emoji))
        .flat_map(|reaction| reaction.users.iter().cloned())
        .filter(|user| Some(user) != bot)
        .collect()
}

/// What Slack showed overriding what is stored from before it, sorted by voter.
fn differences(
    card: &CardRead,
    in_slack: &BTreeSet<UserId>,
    stored: &BTreeSet<UserId>,
    read_at: DateTime<Utc>,
) -> Vec<VoteChange> {
    let mut changes: Vec<VoteChange> = in_slack
        .difference(stored)
        .map(|user| (user, true))
        .chain(stored.difference(in_slack).map(|user| (user, false)))
        .map(|(user, present)| VoteChange {
            event_id: None,
            channel_id: card.channel_id.clone(),
            message_ts: card.message_ts.clone(),
            user_id: user.clone(),
            reaction: None,
            present,
            event_ts: read_at.timestamp_micros(),
        })
        .collect();
    changes.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    changes
}

/// Applies one card's repair (which queues the card's refresh and notes new voters) and queues
/// what its changed votes call for under a budget. `None` when a newer event already made the
/// votes so.
async fn write_repair(
    tx: &mut PgConnection,
    state: &AppState,
    repair: &Repair,
    settings: &HashMap<ChannelId, ChannelSettings>,
) -> anyhow::Result<Option<CardRepair>> {
    let applying = reactions::applying(state.clock.now(), true);
    let changed = store::votes::apply(&mut *tx, &repair.changes, &applying)
        .await
        .context("repairing votes")?
        .changed;
    if changed.is_empty() {
        return Ok(None);
    }
    let (added, removed): (Vec<_>, Vec<_>) = changed.iter().partition(|vote| vote.present);
    let added: Vec<UserId> = added.into_iter().map(|v| v.user_id.clone()).collect();
    let removed: Vec<UserId> = removed.into_iter().map(|v| v.user_id.clone()).collect();
    follow_up::queue(tx, &changed, settings, state.clock.as_ref()).await?;
    Ok(Some(CardRepair {
        number: repair.number,
        added,
        removed,
    }))
}

/// Finishes the recount once its cards are `repaired`: marks it finished and reports to the
/// person who asked (naming the cards Slack did not answer for); a meeting hears nothing but
/// whether every card was read.
pub fn decide_finish(loaded: &Loaded, repaired: &[CardRepair]) -> (Finished, Decision<Finishing>) {
    let recount = &loaded.recount;
    let unread: Vec<UnreadCard> = loaded
        .cards
        .iter()
        .filter(|card| card.read.is_none())
        .map(|card| UnreadCard {
            number: card.number,
            why: card.failure.clone(),
        })
        .collect();
    let mut decision = Decision::reply(Reply::nothing()).change(Finishing {
        recount_id: recount.id,
        cards: loaded.cards.len(),
        repaired: repaired.len(),
        unread: unread.len(),
    });
    if let Some(user) = &recount.requested_by {
        let report = blocks::recount_report(loaded.cards.len(), repaired, &unread);
        let key = format!("recount-report:{}", recount.id);
        decision = decision.call(Delivery::ephemeral(key, &recount.channel_id, user, report));
    }
    let finished = Finished {
        meeting_id: recount.meeting_id,
        all_read: unread.is_empty(),
    };
    (finished, decision)
}

/// A recount marked finished (with what it did, for the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finishing {
    pub recount_id: i64,
    pub cards: usize,
    pub repaired: usize,
    pub unread: usize,
}

impl Change for Finishing {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        store::recounts::mark_finished(&mut *tx, self.recount_id, now)
            .await
            .context("finishing the recount")?;
        tracing::info!(
            recount_id = self.recount_id,
            cards = self.cards,
            repaired = self.repaired,
            unread = self.unread,
            "recount finished"
        );
        Ok(())
    }
}
