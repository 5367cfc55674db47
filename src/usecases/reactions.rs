//! Turning reaction events into votes, many events per durable commit.
//!
//! Requests hand their event to one batching task and wait. The task takes every event that
//! is waiting and applies them in one call to the database (`store::votes::apply`: dedupe by
//! event id, vote upserts, tallies, card refreshes, new voters), which outside a transaction
//! is one round trip and one commit; only then are the requests answered, so every event is
//! acknowledged after the commit that holds it. One batch is applied at a time while the next
//! gathers (the longer one takes, the more the next holds); a batch that waits longer than
//! [`SPARE_AFTER`] for the one being applied (stuck on a lock, say) is applied beside it.
//!
//! A batch that touches a channel with a vote budget runs in a transaction instead, since its
//! budget notices are rendered here and queued before the commit ([`follow_up`]).
//!
//! Events older than the vote event floor retention publishes are acknowledged and ignored
//! (counted as `stale`): the tombstone that would have stopped such an event may be gone.

mod floor;
pub(super) mod follow_up;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::clock::SharedClock;
use crate::domain::ids::ChannelId;
use crate::domain::settings::ChannelSettings;
use crate::domain::votes::normalise_emoji;
use crate::metrics::Metrics;
use crate::slack::inbound::ReactionEvent;
use crate::slack::outgoing::CARD_REFRESH_DELAY;
use crate::store::{
    self,
    votes::{Applied, Applying, VoteChange},
};

/// Events applied in one batch at most.
const MAX_BATCH: usize = 512;
/// Batches applied at once at most, each on a connection of the batcher's own pool (see
/// `database::vote_batch_pool`): the one being applied and, once it has taken longer than
/// [`SPARE_AFTER`], the next. Concurrent batches on one channel are safe (the upserts tell what
/// changed from the rows they lock), except where a budget makes them take turns. Applying two
/// at once all the time was slower at every concurrency (docs/BENCHMARKS.md): the database's
/// cost is mostly per call, and batches taking turns hold twice the events each.
pub const IN_FLIGHT_CONNECTIONS: u32 = 2;
/// How long a gathered batch waits for the one being applied before it is applied beside it:
/// far above a batch's usual time (a few milliseconds), far below the two seconds a batch waits
/// for a lock held elsewhere before it gives up.
const SPARE_AFTER: Duration = Duration::from_millis(50);
/// Attempts at a batch that hits a deadlock or serialization failure with another writer, or a
/// connection that broke (every connection of the pool may have, after a server restart).
const MAX_TRIES: u32 = IN_FLIGHT_CONNECTIONS + 2;

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

/// The running batcher: its settings and which channels had a budget when last seen (a hint
/// that sends their batches straight to a transaction; the database has the last word).
#[derive(Debug)]
struct Running {
    batcher: Batcher,
    budgeted: Mutex<HashSet<ChannelId>>,
    floor: floor::KnownFloor,
}

/// Whose turn it is to apply a batch: one at a time, and a spare for a batch that has waited
/// [`SPARE_AFTER`].
struct Turns {
    first: Arc<Semaphore>,
    spare: Arc<Semaphore>,
}

impl Turns {
    fn new() -> Turns {
        Turns {
            first: Arc::new(Semaphore::new(1)),
            spare: Arc::new(Semaphore::new(IN_FLIGHT_CONNECTIONS as usize - 1)),
        }
    }

    /// Waits for the turn; `None` once the semaphores are closed (never, in practice).
    async fn take(&self) -> Option<OwnedSemaphorePermit> {
        let spare = async {
            tokio::time::sleep(SPARE_AFTER).await;
            self.spare.clone().acquire_owned().await
        };
        tokio::select! {
            biased;
            turn = self.first.clone().acquire_owned() => turn.ok(),
            turn = spare => turn.ok(),
        }
    }
}

impl ReactionIngest {
    /// Starts the batching task; it ends when every handle is dropped.
    pub fn start(batcher: Batcher) -> ReactionIngest {
        let (queue, events) = mpsc::channel(4 * MAX_BATCH);
        let running = Arc::new(Running {
            batcher,
            budgeted: Mutex::new(HashSet::new()),
            floor: floor::KnownFloor::default(),
        });
        tokio::spawn(running.run(events));
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

impl Running {
    /// Takes a turn, then every waiting event (more gather while a batch is applied), and
    /// applies them.
    async fn run(self: Arc<Self>, mut events: mpsc::Receiver<(ReactionEvent, Waiter)>) {
        let turns = Turns::new();
        while let Some(first) = events.recv().await {
            let Some(slot) = turns.take().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match events.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            let running = self.clone();
            tokio::spawn(async move {
                running.apply_and_answer(batch).await;
                drop(slot);
            });
        }
    }

    async fn apply_and_answer(&self, batch: Vec<(ReactionEvent, Waiter)>) {
        let (reactions, waiters): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        let started = Instant::now();
        let result = self.apply_with_retries(&reactions).await;
        self.batcher
            .metrics
            .observe_vote_batch(reactions.len(), started.elapsed().as_secs_f64());
        if let Err(error) = &result {
            tracing::error!(error = %format!("{error:#}"), events = reactions.len(), "a batch of votes failed; Slack will redeliver");
        }
        let answer = result.map_err(|error| format!("{error:#}"));
        for waiter in waiters {
            let _ = waiter.send(answer.clone());
        }
    }

    async fn apply_with_retries(&self, events: &[ReactionEvent]) -> anyhow::Result<()> {
        let changes = self.not_stale(vote_changes(events)).await?;
        if changes.is_empty() {
            return Ok(());
        }
        let mut tries = 0;
        loop {
            tries += 1;
            match self.apply(&changes).await {
                Ok(()) => return Ok(()),
                Err(error) if tries < MAX_TRIES && is_conflict(&error) => {
                    tracing::info!(error = %format!("{error:#}"), "vote batch conflicted with another writer; retrying");
                    tokio::time::sleep(Duration::from_millis(10 * u64::from(tries))).await;
                }
                Err(error) if tries < MAX_TRIES && is_broken_connection(&error) => {
                    tracing::info!(error = %format!("{error:#}"), "vote batch lost its connection; retrying on another");
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The changes the vote event floor does not ignore. Those it ignores are counted as stale
    /// and acknowledged: older than a tombstone retention may have pruned, they must not reach
    /// the votes.
    async fn not_stale(&self, changes: Vec<VoteChange>) -> anyhow::Result<Vec<VoteChange>> {
        let batcher = &self.batcher;
        let Some(floor) = self.floor.at(&batcher.db, batcher.clock.now()).await? else {
            return Ok(changes);
        };
        let (stale, fresh): (Vec<_>, Vec<_>) = changes
            .into_iter()
            .partition(|change| floor.ignores(change.event_ts));
        batcher
            .metrics
            .count_events("reaction", "stale", stale.len());
        Ok(fresh)
    }

    /// Applies a batch in one call, or in a transaction with its budget follow-up when a
    /// channel of the batch has a budget; counts it, and wakes whoever has work from it.
    async fn apply(&self, changes: &[VoteChange]) -> anyhow::Result<()> {
        let batcher = &self.batcher;
        let direct = if self.may_have_budget(changes) {
            None
        } else {
            let applied = store::votes::apply(&batcher.db, changes, &self.applying(false))
                .await
                .context("applying votes")?;
            (!applied.needs_transaction).then_some((applied, false))
        };
        let (applied, followed_up) = match direct {
            Some(done) => done,
            None => self.apply_with_budgets(changes).await?,
        };
        self.remember_budgets(changes, &applied.budgeted_channels);
        self.count(changes.len(), &applied);
        if applied.queued_refreshes > 0 || followed_up {
            batcher.outbox_wake.notify_one();
        }
        if applied.new_voters > 0 {
            batcher.directory_wake.notify_one();
        }
        Ok(())
    }

    /// Applies a batch and queues its budget follow-up in one transaction. Returns whether the
    /// follow-up queued anything.
    async fn apply_with_budgets(&self, changes: &[VoteChange]) -> anyhow::Result<(Applied, bool)> {
        let batcher = &self.batcher;
        let mut tx = batcher.db.begin().await.context("starting a transaction")?;
        let applied = store::votes::apply(&mut *tx, changes, &self.applying(true))
            .await
            .context("applying votes")?;
        let settings = store::settings::load_many(&mut *tx, &applied.budgeted_channels)
            .await
            .context("loading channel settings")?;
        let queued =
            follow_up::queue(&mut tx, &applied.changed, &settings, batcher.clock.as_ref()).await?;
        tx.commit().await.context("committing votes")?;
        Ok((applied, queued))
    }

    fn applying(&self, in_transaction: bool) -> Applying<'static> {
        applying(self.batcher.clock.now(), in_transaction)
    }

    fn may_have_budget(&self, changes: &[VoteChange]) -> bool {
        let budgeted = self.budgeted.lock().unwrap_or_else(|e| e.into_inner());
        !budgeted.is_empty() && changes.iter().any(|c| budgeted.contains(&c.channel_id))
    }

    /// Keeps the hint in step with what the database said of this batch's channels.
    fn remember_budgets(&self, changes: &[VoteChange], budgeted_now: &[ChannelId]) {
        let mut budgeted = self.budgeted.lock().unwrap_or_else(|e| e.into_inner());
        for change in changes {
            budgeted.remove(&change.channel_id);
        }
        budgeted.extend(budgeted_now.iter().cloned());
    }

    /// Counts a batch's events: redeliveries, those that changed a vote, the rest.
    fn count(&self, events: usize, applied: &Applied) {
        let metrics = &self.batcher.metrics;
        let fresh = usize::try_from(applied.fresh_events).unwrap_or(events);
        metrics.count_events("reaction", "duplicate", events.saturating_sub(fresh));
        metrics.count_events("reaction", "changed_vote", applied.changed.len());
        metrics.count_events(
            "reaction",
            "no_change",
            fresh.saturating_sub(applied.changed.len()),
        );
    }
}

/// How votes are applied at `now`: a channel without settings votes with the default emoji, and
/// a voted card's refresh waits [`CARD_REFRESH_DELAY`] for more votes.
pub(super) fn applying(now: DateTime<Utc>, in_transaction: bool) -> Applying<'static> {
    static DEFAULT: std::sync::LazyLock<ChannelSettings> =
        std::sync::LazyLock::new(ChannelSettings::default);
    Applying {
        now,
        default_vote_emoji: &DEFAULT.vote_emoji,
        refresh_delay: CARD_REFRESH_DELAY,
        in_transaction,
    }
}

/// A batch's events as vote changes, in arrival order: the reaction without colons or skin
/// tone, for the database to compare with the channel's vote emoji.
fn vote_changes(events: &[ReactionEvent]) -> Vec<VoteChange> {
    events
        .iter()
        .map(|event| VoteChange {
            event_id: Some(event.event_id.clone()),
            channel_id: event.channel_id.clone(),
            message_ts: event.message_ts.clone(),
            user_id: event.user_id.clone(),
            reaction: Some(normalise_emoji(&event.reaction).to_string()),
            present: event.added,
            event_ts: event.event_ts,
        })
        .collect()
}

/// A connection that broke under the statement: the server ended the session (SQLSTATE class
/// 57P, "operator intervention", as a restart or `pg_terminate_backend` does; class 08, a
/// connection exception) or the socket failed.
fn is_broken_connection(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| match cause.downcast_ref::<sqlx::Error>() {
            Some(sqlx::Error::Io(_) | sqlx::Error::Protocol(_)) => true,
            Some(sqlx::Error::Database(error)) => error
                .code()
                .is_some_and(|code| code.starts_with("57P") || code.starts_with("08")),
            _ => false,
        })
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
