//! Turning reaction events into votes, many events per durable commit.
//!
//! Requests hand their event to one batching task and wait. The task takes every event that
//! is waiting, applies them all in one transaction (dedupe by event id, vote upserts, card
//! refreshes, budget notices), commits, and only then answers each request: every event is
//! acknowledged after the commit that holds it, and one fsync covers the whole batch.
//!
//! The statements stay set-based (one per step of the batch, and per voter with a budget);
//! what to do with their results is decided by pure functions: which events are new votes
//! ([`vote_changes`]), then which cards to refresh and which budget notices to send
//! ([`follow_up::decide`]).

pub(super) mod follow_up;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use tokio::sync::{Notify, mpsc, oneshot};

use crate::clock::SharedClock;
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::settings::ChannelSettings;
use crate::domain::votes::is_vote_reaction;
use crate::metrics::Metrics;
use crate::slack::inbound::ReactionEvent;
use crate::store::{self, votes::VoteChange};

/// Events applied in one transaction at most.
const MAX_BATCH: usize = 512;
/// How long a batch waits for any lock: well inside the time a request has to answer.
const BATCH_LOCK_TIMEOUT: &str = "set local lock_timeout = '2s'";
/// Attempts at a batch that hits a deadlock or serialization failure with another process.
const MAX_TRIES: u32 = 3;

type Waiter = oneshot::Sender<Result<(), String>>;

/// The handle requests use to submit reaction events.
#[derive(Debug, Clone)]
pub struct ReactionIngest {
    queue: mpsc::Sender<(ReactionEvent, Waiter)>,
}

/// What the batching task needs.
#[derive(Debug, Clone)]
pub struct Batcher {
    pub db: PgPool,
    pub clock: SharedClock,
    pub metrics: Arc<Metrics>,
    /// Woken when a batch queued Slack calls.
    pub outbox_wake: Arc<Notify>,
    /// Woken when a batch saw voters we have not looked up yet.
    pub directory_wake: Arc<Notify>,
}

impl ReactionIngest {
    /// Starts the batching task; it ends when every handle is dropped.
    pub fn start(batcher: Batcher) -> ReactionIngest {
        let (queue, events) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(batcher.run(events));
        ReactionIngest { queue }
    }

    /// Applies one event durably; returns once the transaction holding it has committed.
    pub async fn submit(&self, event: ReactionEvent) -> anyhow::Result<()> {
        let (done, committed) = oneshot::channel();
        self.queue
            .send((event, done))
            .await
            .map_err(|_| anyhow::anyhow!("the vote batcher has stopped"))?;
        committed
            .await
            .context("the vote batcher dropped an event")?
            .map_err(|error| anyhow::anyhow!("applying votes failed: {error}"))
    }
}

impl Batcher {
    async fn run(self, mut events: mpsc::Receiver<(ReactionEvent, Waiter)>) {
        while let Some(first) = events.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match events.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            let (reactions, waiters): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let result = self.apply_with_retries(&reactions).await;
            if let Err(error) = &result {
                tracing::error!(error = %format!("{error:#}"), events = reactions.len(), "a batch of votes failed; Slack will redeliver");
            }
            let answer = result.map_err(|error| format!("{error:#}"));
            for waiter in waiters {
                let _ = waiter.send(answer.clone());
            }
        }
    }

    async fn apply_with_retries(&self, events: &[ReactionEvent]) -> anyhow::Result<()> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.apply(events).await {
                Ok(()) => return Ok(()),
                Err(error) if tries < MAX_TRIES && is_conflict(&error) => {
                    tracing::info!(error = %format!("{error:#}"), "vote batch conflicted with another writer; retrying");
                    tokio::time::sleep(Duration::from_millis(10 * u64::from(tries))).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn apply(&self, events: &[ReactionEvent]) -> anyhow::Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await.context("starting a transaction")?;
        // One batcher serves every channel: a lock held elsewhere (a stuck transaction on one
        // channel's votes) fails this batch, and Slack redelivers its events, rather than
        // stopping every later vote behind it.
        sqlx::query(BATCH_LOCK_TIMEOUT)
            .execute(&mut *tx)
            .await
            .context("limiting lock waits")?;
        let ids: Vec<String> = events.iter().map(|e| e.event_id.clone()).collect();
        let fresh: HashSet<String> = store::events::record_new(&mut *tx, &ids, now)
            .await
            .context("recording event ids")?
            .into_iter()
            .collect();
        let settings = store::settings::load_many(&mut *tx, &fresh_channels(events, &fresh))
            .await
            .context("loading channel settings")?;
        let changes = vote_changes(events, &fresh, &settings, now);
        let changed = store::votes::apply(&mut tx, &changes)
            .await
            .context("applying votes")?;
        self.count(events.len(), fresh.len(), changed.len());
        let loaded = follow_up::load(&mut tx, &changed, &settings).await?;
        let queued = follow_up::decide(&changed, &settings, &loaded)
            .write(&mut tx, self.clock.as_ref())
            .await?;
        let voters: Vec<UserId> = changed.iter().map(|v| v.user_id.clone()).collect();
        let new_voters = store::users::note_unknown(&mut *tx, &voters)
            .await
            .context("noting new voters")?;
        tx.commit().await.context("committing votes")?;
        if queued {
            self.outbox_wake.notify_one();
        }
        if new_voters > 0 {
            self.directory_wake.notify_one();
        }
        Ok(())
    }

    /// Counts a batch's events: redeliveries, those that changed a vote, the rest.
    fn count(&self, events: usize, fresh: usize, changed: usize) {
        let metrics = &self.metrics;
        metrics.count_events("reaction", "duplicate", events - fresh);
        metrics.count_events("reaction", "changed_vote", changed);
        metrics.count_events("reaction", "no_change", fresh.saturating_sub(changed));
    }
}

/// The channels of a batch's new events, each once, in order.
fn fresh_channels(events: &[ReactionEvent], fresh: &HashSet<String>) -> Vec<ChannelId> {
    events
        .iter()
        .filter(|e| fresh.contains(&e.event_id))
        .map(|e| e.channel_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The vote changes in a batch: fresh events with the channel's vote emoji, the latest per
/// person and message, sorted so concurrent batches lock rows in the same order.
fn vote_changes(
    events: &[ReactionEvent],
    fresh: &HashSet<String>,
    settings: &HashMap<ChannelId, ChannelSettings>,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<VoteChange> {
    let default = ChannelSettings::default();
    let mut seen = HashSet::new();
    let mut latest: BTreeMap<(ChannelId, String, UserId), VoteChange> = BTreeMap::new();
    for event in events {
        if !fresh.contains(&event.event_id) || !seen.insert(&event.event_id) {
            continue;
        }
        let vote_emoji = &settings
            .get(&event.channel_id)
            .unwrap_or(&default)
            .vote_emoji;
        if !is_vote_reaction(&event.reaction, vote_emoji) {
            continue;
        }
        let key = (
            event.channel_id.clone(),
            event.message_ts.clone(),
            event.user_id.clone(),
        );
        let change = VoteChange {
            channel_id: event.channel_id.clone(),
            message_ts: event.message_ts.clone(),
            user_id: event.user_id.clone(),
            present: event.added,
            at: now,
            event_ts: event.event_ts,
        };
        match latest.get(&key) {
            Some(existing) if existing.event_ts >= change.event_ts => {}
            _ => {
                latest.insert(key, change);
            }
        }
    }
    latest.into_values().collect()
}

/// Deadlocks and serialization failures between concurrent batches are worth retrying.
fn is_conflict(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .and_then(|e| e.as_database_error())
            .and_then(|e| e.code())
            .is_some_and(|code| code == "40P01" || code == "40001")
    })
}
