//! `recount` (and a meeting's kickoff): re-read the vote reactions of a channel's open cards
//! from Slack and repair the stored votes (events missed while the bot was down).
//!
//! Durable and within Slack's rate limits: asking for a recount records it in the caller's
//! transaction, with one outbox `reactions.get` per card and a `RecountFinish` job. The outbox
//! makes the reads (retries, `Retry-After`, timeouts, giving up) and stores what each found; the
//! last one brings the job forward, which repairs every card as of the moment it was read and
//! reports to whoever asked, or lets the meeting post its agenda. A restart loses nothing, and
//! a card is repaired once, in the job's transaction.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::job::{Job, ScheduledJob, recount_subject};
use crate::domain::topics::Topic;
use crate::domain::votes::is_vote_reaction;
use crate::outbox;
use crate::slack::api::Reactions;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store::{self, recounts::CardRead, votes::VoteChange};
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::RecountVotes, settings_if_allowed};

/// How long a person's recount waits for Slack before it reports what it could read: a safety
/// net, since the outbox gives up on a card long before (its attempts and their backoff).
const REPORT_PATIENCE: Duration = Duration::from_secs(60 * 60);

/// How long a meeting's kickoff waits for its recount before the agenda goes out on the stored
/// votes: the room is waiting.
pub const KICKOFF_PATIENCE: Duration = Duration::from_secs(30);

/// Who a recount is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester<'a> {
    /// Someone typed `recount`: they hear what changed.
    Person(&'a str),
    /// A meeting's kickoff: its agenda follows the recount.
    Meeting(i64),
}

/// A recount whose votes were repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The meeting whose agenda waits for it, if any.
    pub meeting_id: Option<i64>,
    /// Every card was read: the votes are Slack's.
    pub all_read: bool,
}

/// A card's repair: its topic number, the voters added and removed.
type Change = (i32, Vec<String>, Vec<String>);

/// Checks the caller may facilitate, records the recount, and answers at once; the report
/// arrives as an ephemeral message once the outbox has read every card.
pub async fn start(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    if let Err(refusal) = settings_if_allowed(state, command, RecountVotes).await? {
        return Ok(refusal.reply());
    }
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let requester = Requester::Person(&command.user_id);
    let cards = request(&mut tx, state, &command.channel_id, requester).await?;
    if cards == 0 {
        // Nothing to read: the answer says so, and no report follows it (the transaction
        // that recorded the recount is dropped, so rolled back).
        return Ok(blocks::recount_started(0));
    }
    state.commit(tx, "a recount").await?;
    Ok(blocks::recount_started(cards))
}

/// Records a recount of `channel_id`'s open cards in `tx`: one `reactions.get` per card through
/// the outbox, and the step that finishes it (due at once when there is nothing to read).
/// Returns how many cards it reads. A meeting asks once; asking again reads nothing more.
pub async fn request(
    tx: &mut PgConnection,
    state: &AppState,
    channel_id: &str,
    requester: Requester<'_>,
) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let (person, meeting, patience) = match requester {
        Requester::Person(user) => (Some(user), None, REPORT_PATIENCE),
        Requester::Meeting(id) => (None, Some(id), KICKOFF_PATIENCE),
    };
    let Some(recount_id) = store::recounts::insert(&mut *tx, channel_id, person, meeting, now)
        .await
        .context("recording a recount")?
    else {
        return Ok(0);
    };
    let cards = cards_to_check(tx, channel_id).await?;
    for (topic, ts) in &cards {
        store::recounts::add_card(&mut *tx, recount_id, topic.id, channel_id, ts)
            .await
            .context("recording a card to read")?;
        let read = Delivery::read_reactions(recount_id, topic.id, channel_id, ts);
        outbox::queue(tx, &read, state.clock.as_ref())
            .await
            .context("queuing a card's read")?;
    }
    let wait = if cards.is_empty() {
        Duration::ZERO
    } else {
        patience
    };
    let job = Job::RecountFinish { recount_id };
    let finish = ScheduledJob {
        key: format!("{}:recount:{recount_id}", job.kind()),
        subject: recount_subject(recount_id),
        job,
        due_at: now + wait,
    };
    store::jobs::schedule(&mut *tx, &finish, now)
        .await
        .context("scheduling the recount's end")?;
    Ok(cards.len())
}

/// The open topics of a channel whose cards are posted, with their cards' `ts`.
async fn cards_to_check(
    tx: &mut PgConnection,
    channel_id: &str,
) -> anyhow::Result<Vec<(Topic, String)>> {
    let topics = store::topics::open_in_channel(&mut *tx, channel_id)
        .await
        .context("loading open topics")?;
    Ok(topics
        .into_iter()
        .filter_map(|topic| {
            let ts = topic.card_ts.clone()?;
            Some((topic, ts))
        })
        .collect())
}

/// The `RecountFinish` step, in the job's transaction: makes the stored votes on each card
/// read match what Slack showed, marks the recount finished and queues the report for the
/// person who asked. A card Slack did not answer for keeps its votes and is named in the
/// report. `None` when the recount is gone or finished already.
pub async fn finish(
    tx: &mut PgConnection,
    state: &AppState,
    recount_id: i64,
) -> anyhow::Result<Option<Finished>> {
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
    let bot = state.bot.get().map(|b| b.user_id.clone());
    let mut changes = Vec::new();
    let mut unread = Vec::new();
    for card in &cards {
        let Some((reactions, read_at)) = &card.read else {
            unread.push((card.number, card.failure.clone()));
            continue;
        };
        let in_slack = voters(reactions, &settings.vote_emoji, bot.as_deref());
        if let Some(change) = repair(tx, state, card, &in_slack, *read_at).await? {
            changes.push(change);
        }
    }
    let now = state.clock.now();
    store::recounts::mark_finished(&mut *tx, recount_id, now)
        .await
        .context("finishing the recount")?;
    if let Some(user) = &recount.requested_by {
        let report = blocks::recount_report(cards.len(), &changes, &unread);
        let key = format!("recount-report:{recount_id}");
        let delivery = Delivery::ephemeral(key, &recount.channel_id, user, report);
        outbox::queue(tx, &delivery, state.clock.as_ref())
            .await
            .context("queuing the recount report")?;
    }
    tracing::info!(
        recount_id,
        cards = cards.len(),
        repaired = changes.len(),
        unread = unread.len(),
        "recount finished"
    );
    Ok(Some(Finished {
        meeting_id: recount.meeting_id,
        all_read: unread.is_empty(),
    }))
}

/// The people (not this bot) with the vote emoji, in any skin tone, among a card's reactions.
fn voters(reactions: &Reactions, vote_emoji: &str, bot: Option<&str>) -> BTreeSet<String> {
    reactions
        .iter()
        .filter(|(name, _)| is_vote_reaction(name, vote_emoji))
        .flat_map(|(_, users)| users.iter().cloned())
        .filter(|user| Some(user.as_str()) != bot)
        .collect()
}

/// Applies the difference between Slack and the stored votes on one card, as an event of
/// `read_at`, the moment Slack was asked: a vote whose last event is newer than that (someone
/// reacted while the answer was on its way, or before this step ran) is left as that event
/// made it, and an event newer than the read that arrives after the repair still applies. A
/// second recount of the same moment changes nothing more.
async fn repair(
    tx: &mut PgConnection,
    state: &AppState,
    card: &CardRead,
    in_slack: &BTreeSet<String>,
    read_at: DateTime<Utc>,
) -> anyhow::Result<Option<Change>> {
    let (channel, ts) = (&card.channel_id, &card.message_ts);
    let stored: BTreeSet<String> = store::votes::holders(&mut *tx, channel, ts)
        .await
        .context("loading stored votes")?
        .into_iter()
        .collect();
    let now = state.clock.now();
    // What Slack showed overrides what is stored from before it.
    let mut changes: Vec<VoteChange> = in_slack
        .difference(&stored)
        .map(|user| (user, true))
        .chain(stored.difference(in_slack).map(|user| (user, false)))
        .map(|(user, present)| VoteChange {
            channel_id: channel.clone(),
            message_ts: ts.clone(),
            user_id: user.clone(),
            present,
            at: now,
            event_ts: read_at.timestamp_micros(),
        })
        .collect();
    if changes.is_empty() {
        return Ok(None);
    }
    changes.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    let changed = store::votes::apply(tx, &changes)
        .await
        .context("repairing votes")?;
    if changed.is_empty() {
        return Ok(None);
    }
    let (added, removed): (Vec<_>, Vec<_>) = changed.iter().partition(|vote| vote.present);
    let added: Vec<String> = added.into_iter().map(|v| v.user_id.clone()).collect();
    let removed: Vec<String> = removed.into_iter().map(|v| v.user_id.clone()).collect();
    let settings = store::settings::load_many(&mut *tx, std::slice::from_ref(channel))
        .await
        .context("loading settings")?;
    super::reactions::follow_up::queue(tx, &changed, &settings, state.clock.as_ref()).await?;
    store::users::note_unknown(&mut *tx, &added)
        .await
        .context("noting new voters")?;
    Ok(Some((card.number, added, removed)))
}
