//! `recount`: re-read the vote reactions of a channel's open cards from Slack and repair the
//! stored votes (events missed while the bot was down), then report what changed.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::Context;

use crate::domain::topics::Topic;
use crate::domain::votes::is_vote_reaction;
use crate::outbox::{self};
use crate::slack::api::CallError;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store::{self, votes::VoteChange};
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::RecountVotes, settings_if_allowed};

/// Attempts at one `reactions.get` when Slack rate-limits us.
const MAX_TRIES: u32 = 5;

/// What a recount changed: per topic number, the voters added and removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecountReport {
    pub cards: usize,
    pub changes: Vec<(i32, Vec<String>, Vec<String>)>,
}

/// Checks the caller may facilitate, answers at once, and recounts in the background; the
/// report arrives as an ephemeral message.
pub async fn start(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    if let Err(refusal) = settings_if_allowed(state, command, RecountVotes).await? {
        return Ok(refusal);
    }
    let cards = cards_to_check(state, &command.channel_id).await?;
    let reply = blocks::recount_started(cards.len());
    let state = state.clone();
    let (channel, user) = (command.channel_id.clone(), command.user_id.clone());
    tokio::spawn(async move {
        let report = match recount(&state, &cards).await {
            Ok(report) => blocks::recount_report(report.cards, &report.changes),
            Err(error) => {
                tracing::error!(error = %format!("{error:#}"), "recount failed");
                blocks::internal_error()
            }
        };
        let key = format!(
            "recount-report:{channel}:{user}:{}",
            state.clock.now().timestamp_micros()
        );
        let queued = async {
            let mut conn = state.db.acquire().await?;
            outbox::queue(
                &mut conn,
                &Delivery::ephemeral(key, &channel, &user, report),
                state.clock.as_ref(),
            )
            .await
        };
        match queued.await {
            Ok(_) => state.wake_outbox(),
            Err(error) => tracing::error!(%error, "queuing the recount report failed"),
        }
    });
    Ok(reply)
}

/// The open topics of a channel whose cards are posted.
pub async fn cards_to_check(state: &AppState, channel_id: &str) -> anyhow::Result<Vec<Topic>> {
    let topics = store::topics::open_in_channel(&state.db, channel_id)
        .await
        .context("loading open topics")?;
    Ok(topics.into_iter().filter(|t| t.card_ts.is_some()).collect())
}

/// Makes the stored votes on these cards match Slack's reactions.
pub async fn recount(state: &AppState, topics: &[Topic]) -> anyhow::Result<RecountReport> {
    let mut report = RecountReport {
        cards: topics.len(),
        ..RecountReport::default()
    };
    for topic in topics {
        let Some(ts) = &topic.card_ts else { continue };
        let settings = store::settings::load(&state.db, &topic.channel_id)
            .await
            .context("loading settings")?;
        // Slack's answer shows its state at least as new as this moment.
        let read_at = state.clock.now();
        let reactions = reactions_with_retries(state, &topic.channel_id, ts).await?;
        let bot = state.bot.get().map(|b| b.user_id.clone());
        let in_slack: BTreeSet<String> = reactions
            .into_iter()
            .filter(|(name, _)| is_vote_reaction(name, &settings.vote_emoji))
            .flat_map(|(_, users)| users)
            .filter(|user| Some(user) != bot.as_ref())
            .collect();
        if let Some(change) = repair(state, topic, ts, &in_slack, read_at).await? {
            report.changes.push(change);
        }
    }
    Ok(report)
}

/// Applies the difference between Slack and the stored votes on one card, as an event of
/// `read_at`, the moment Slack was asked: a vote whose last event is newer than that (someone
/// reacted while the answer was on its way) is left as that event made it, and an event newer
/// than the read that arrives after the repair still applies.
async fn repair(
    state: &AppState,
    topic: &Topic,
    ts: &str,
    in_slack: &BTreeSet<String>,
    read_at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Option<(i32, Vec<String>, Vec<String>)>> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let stored: BTreeSet<String> = store::votes::holders(&mut *tx, &topic.channel_id, ts)
        .await
        .context("loading stored votes")?
        .into_iter()
        .collect();
    let added: Vec<String> = in_slack.difference(&stored).cloned().collect();
    let removed: Vec<String> = stored.difference(in_slack).cloned().collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(None);
    }
    // What Slack showed overrides what is stored from before it.
    let mut changes: Vec<VoteChange> = added
        .iter()
        .map(|user| (user, true))
        .chain(removed.iter().map(|user| (user, false)))
        .map(|(user, present)| VoteChange {
            channel_id: topic.channel_id.clone(),
            message_ts: ts.to_string(),
            user_id: user.clone(),
            present,
            at: now,
            event_ts: read_at.timestamp_micros(),
        })
        .collect();
    changes.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    let changed = store::votes::apply(&mut tx, &changes)
        .await
        .context("repairing votes")?;
    if changed.is_empty() {
        return Ok(None);
    }
    let added: Vec<String> = changed
        .iter()
        .filter(|vote| vote.present)
        .map(|vote| vote.user_id.clone())
        .collect();
    let removed: Vec<String> = changed
        .iter()
        .filter(|vote| !vote.present)
        .map(|vote| vote.user_id.clone())
        .collect();
    let settings = store::settings::load_many(&mut *tx, std::slice::from_ref(&topic.channel_id))
        .await
        .context("loading settings")?;
    super::reactions::follow_up(&mut tx, &changed, &settings, state.clock.as_ref()).await?;
    store::users::note_unknown(&mut *tx, &added)
        .await
        .context("noting new voters")?;
    tx.commit().await.context("committing a recount")?;
    state.wake_outbox();
    Ok(Some((topic.number, added, removed)))
}

async fn reactions_with_retries(
    state: &AppState,
    channel: &str,
    ts: &str,
) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let mut tries = 0;
    loop {
        tries += 1;
        match state.slack.reactions_on(channel, ts).await {
            Ok(reactions) => return Ok(reactions),
            Err(CallError::Retryable {
                retry_after,
                reason,
                ..
            }) if tries < MAX_TRIES => {
                let wait = retry_after.unwrap_or(Duration::from_secs(u64::from(tries)));
                tracing::info!(%reason, ?wait, "reactions.get will be retried");
                tokio::time::sleep(wait).await;
            }
            Err(error) => {
                return Err(error).with_context(|| format!("reading the reactions on {ts}"));
            }
        }
    }
}
