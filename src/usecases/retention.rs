//! The daily retention job: forgets old delivery bookkeeping (event ids, removed votes'
//! tombstones, finished outbox rows and jobs) in short batches, once per database however many
//! processes run, and raises the vote event floor (`domain::retention` says why it must).
//!
//! Every process schedules the next run at start and every run schedules the one after; the
//! day names the job, so each day has one. With every age set to forever there is no job: none
//! is scheduled, and a run already pending schedules no other. A run deletes a batch at a time, each batch its own
//! transaction of milliseconds, until nothing old is left or its time is up; then the rest is
//! left to the next round, a job of its own due at once.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::config::RetentionSettings;
use crate::domain::job::Job;
use crate::domain::retention::{self, Floor, horizon};
use crate::metrics::RetentionMetrics;
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases::AppState;

/// What one run (or round) deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruned {
    pub slack_events: u64,
    pub vote_tombstones: u64,
    pub outbox_done: u64,
    pub outbox_dead: u64,
    pub jobs: u64,
    /// Whether nothing old was left; false when the run's time ran out first.
    pub finished: bool,
    /// Batches run.
    pub batches: u32,
    /// The longest batch: no row lock was held longer.
    pub longest_batch: Duration,
}

/// Makes sure the next daily run is scheduled (every process does at start; the day's key makes
/// it one job), and shows on `/metrics` when a run last completed. Nothing when retention keeps
/// everything.
pub async fn ensure_scheduled(state: &AppState) -> anyhow::Result<()> {
    if state.retention.keeps_everything() {
        return Ok(());
    }
    let now = state.clock.now();
    let next = retention::daily_job(retention::next_run(now));
    store::jobs::schedule(&state.db, &next, None, now)
        .await
        .context("scheduling the next retention run")?;
    if let Some(at) = store::retention::last_completed_run(&state.db)
        .await
        .context("reading when retention last ran")?
    {
        state.metrics.retention.ran_at(at);
    }
    Ok(())
}

/// Runs a claimed retention job: schedules tomorrow's first (so a run that fails leaves it
/// scheduled), prunes, and completes, with the next round scheduled if time ran out. When
/// retention keeps everything, completes and schedules nothing.
pub async fn run_job(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    let Job::Retention { day, round } = claimed.job else {
        anyhow::bail!("{} is not a retention job", claimed.key);
    };
    if state.retention.keeps_everything() {
        let tx = state.db.begin().await.context("starting a transaction")?;
        return state.complete_job(tx, claimed).await;
    }
    let now = state.clock.now();
    let tomorrow = retention::daily_job(retention::next_run(now));
    store::jobs::schedule(&state.db, &tomorrow, None, now)
        .await
        .context("scheduling the next retention run")?;
    let pruned = prune(&state.db, &state.retention, now, &state.metrics.retention).await?;
    tracing::info!(
        key = %claimed.key,
        slack_events = pruned.slack_events,
        vote_tombstones = pruned.vote_tombstones,
        outbox_done = pruned.outbox_done,
        outbox_dead = pruned.outbox_dead,
        jobs = pruned.jobs,
        batches = pruned.batches,
        longest_batch_ms = pruned.longest_batch.as_millis(),
        finished = pruned.finished,
        "retention pruned old rows"
    );
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    if !pruned.finished {
        store::jobs::schedule(
            &mut *tx,
            &retention::round_job(day, round + 1, now),
            None,
            now,
        )
        .await
        .context("scheduling the next retention round")?;
    }
    state.complete_job(tx, claimed).await?;
    state.metrics.retention.ran_at(state.clock.now());
    Ok(())
}

/// Prunes what `settings` no longer keeps at `now`, table after table, a batch at a time, until
/// nothing old is left or `settings.run_budget` is spent; a run that finished raises the vote
/// event floor. Tombstones go first, below the floor an earlier run published.
pub async fn prune(
    db: &PgPool,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
    metrics: &RetentionMetrics,
) -> anyhow::Result<Pruned> {
    let floor = match settings.events {
        Some(_) => store::retention::vote_event_floor(db)
            .await
            .context("reading the vote event floor")?,
        None => None,
    };
    let limit = settings.batch_rows.max(1);
    let full_batch = u64::try_from(limit).unwrap_or(u64::MAX);
    let started = Instant::now();
    let mut pruned = Pruned::default();
    for part in parts(settings, now, floor.as_ref()) {
        loop {
            let batch_started = Instant::now();
            let deleted = part
                .delete_batch(db, limit)
                .await
                .with_context(|| format!("pruning {}", part.name()))?;
            let took = batch_started.elapsed();
            metrics.observe_batch(part.table(), deleted, took.as_secs_f64());
            *pruned.count_of(part) += deleted;
            pruned.batches += 1;
            pruned.longest_batch = pruned.longest_batch.max(took);
            if deleted < full_batch {
                break;
            }
            if started.elapsed() >= settings.run_budget {
                return Ok(pruned);
            }
        }
    }
    if let Some(keep) = horizon(now, settings.events) {
        let raised = Floor::raised(floor.as_ref(), now, keep);
        store::retention::publish_vote_event_floor(db, &raised)
            .await
            .context("publishing the vote event floor")?;
    }
    pruned.finished = true;
    Ok(pruned)
}

/// One kind of old row, with the horizon it is pruned below.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// Slack event time, microseconds.
    VoteTombstones(i64),
    SlackEvents(DateTime<Utc>),
    OutboxDone(DateTime<Utc>),
    OutboxDead(DateTime<Utc>),
    Jobs(DateTime<Utc>),
}

/// What a run at `now` prunes: tombstones only below a floor every process has read (none
/// before the first floor is), the rest below their horizons; nothing kept forever.
fn parts(settings: &RetentionSettings, now: DateTime<Utc>, floor: Option<&Floor>) -> Vec<Part> {
    let tombstones = settings
        .events
        .and(floor)
        .and_then(|floor| floor.tombstones_before(now));
    [
        tombstones.map(Part::VoteTombstones),
        horizon(now, settings.events).map(Part::SlackEvents),
        horizon(now, settings.outbox_done).map(Part::OutboxDone),
        horizon(now, settings.outbox_dead).map(Part::OutboxDead),
        horizon(now, settings.jobs).map(Part::Jobs),
    ]
    .into_iter()
    .flatten()
    .collect()
}

impl Part {
    async fn delete_batch(self, db: &PgPool, limit: i64) -> sqlx::Result<u64> {
        use store::retention as prune;
        match self {
            Part::VoteTombstones(before) => prune::prune_vote_tombstones(db, before, limit).await,
            Part::SlackEvents(before) => prune::prune_events(db, before, limit).await,
            Part::OutboxDone(before) => {
                prune::prune_outbox(db, prune::FinishedCall::Done, before, limit).await
            }
            Part::OutboxDead(before) => {
                prune::prune_outbox(db, prune::FinishedCall::Dead, before, limit).await
            }
            Part::Jobs(before) => prune::prune_jobs(db, before, limit).await,
        }
    }

    /// The table, as `/metrics` labels it.
    fn table(self) -> &'static str {
        match self {
            Part::VoteTombstones(_) => "votes",
            Part::SlackEvents(_) => "slack_events",
            Part::OutboxDone(_) | Part::OutboxDead(_) => "outbox",
            Part::Jobs(_) => "jobs",
        }
    }

    /// The rows, for error messages.
    fn name(self) -> &'static str {
        match self {
            Part::VoteTombstones(_) => "vote tombstones",
            Part::SlackEvents(_) => "event ids",
            Part::OutboxDone(_) => "done outbox rows",
            Part::OutboxDead(_) => "dead outbox rows",
            Part::Jobs(_) => "finished jobs",
        }
    }
}

impl Pruned {
    fn count_of(&mut self, part: Part) -> &mut u64 {
        match part {
            Part::VoteTombstones(_) => &mut self.vote_tombstones,
            Part::SlackEvents(_) => &mut self.slack_events,
            Part::OutboxDone(_) => &mut self.outbox_done,
            Part::OutboxDead(_) => &mut self.outbox_dead,
            Part::Jobs(_) => &mut self.jobs,
        }
    }
}
