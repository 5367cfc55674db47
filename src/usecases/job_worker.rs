//! The worker that runs scheduled steps when they fall due: claims them under a lease, runs
//! each through the dispatcher (which completes it in the transaction of its effects), and
//! retries failures with backoff before giving up.

use std::time::Duration;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::config::OutboxSettings;
use crate::outbox::backoff::retry_delay;
use crate::outbox::drain::{Drain, LeasedQueue};
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases;
use crate::usecases::AppState;

/// Attempts before a failing step is given up.
const MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone)]
pub struct JobWorker {
    pub state: AppState,
    /// Timings shared with the outbox (lease, poll interval, backoff).
    pub settings: OutboxSettings,
    /// Who claims: recorded on each job it claims.
    pub name: String,
}

impl JobWorker {
    /// A name for this process's worker: its process id and a random tag, so two processes
    /// (even on two hosts, or two apps in one test process) never share one.
    pub fn process_name() -> String {
        format!("pid {} · {:08x}", std::process::id(), rand::random::<u32>())
    }
}

impl LeasedQueue for JobWorker {
    type Row = ClaimedJob;
    const NAME: &'static str = "jobs";

    async fn give_up_abandoned(&self) -> anyhow::Result<u64> {
        store::jobs::give_up_abandoned(&self.state.db, self.state.clock.now(), MAX_ATTEMPTS)
            .await
            .context("giving up on abandoned jobs")
    }

    async fn claim(&self, limit: usize) -> anyhow::Result<Vec<ClaimedJob>> {
        let now = self.state.clock.now();
        let lease_until = now + self.settings.lease;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        store::jobs::claim_due(
            &self.state.db,
            now,
            lease_until,
            limit,
            &self.name,
            MAX_ATTEMPTS,
        )
        .await
        .context("claiming due jobs")
    }

    async fn process(&self, job: ClaimedJob) {
        let Err(error) = usecases::scheduled::run(&self.state, &job).await else {
            return;
        };
        let error = format!("{error:#}");
        let attempt = u32::try_from(job.attempt).unwrap_or(u32::MAX);
        let db = &self.state.db;
        let recorded = if attempt < MAX_ATTEMPTS {
            tracing::warn!(key = %job.key, attempt, %error, "a scheduled step failed; retrying");
            let delay = retry_delay(
                attempt,
                None,
                self.settings.base_backoff,
                self.settings.max_backoff,
                rand::random::<f64>(),
            );
            store::jobs::retry(db, &job, self.state.clock.now() + delay, &error).await
        } else {
            tracing::error!(key = %job.key, attempt, %error, "a scheduled step failed; giving up");
            store::jobs::fail(db, &job, &error, self.state.clock.now()).await
        };
        if let Err(error) = recorded {
            tracing::error!(key = %job.key, %error, "recording a step's failure failed");
        }
    }

    async fn next_due(&self) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
        store::jobs::next_due(&self.state.db)
            .await
            .context("reading the next job's due time")
    }
}

impl JobWorker {
    /// Makes sure the daily retention run is scheduled, then runs due steps until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        if let Err(error) = usecases::retention::ensure_scheduled(&self.state).await {
            tracing::error!(error = %format!("{error:#}"), "could not schedule the retention job; the last run's schedules the next");
        }
        let drain = Drain {
            clock: self.state.clock.clone(),
            wake: self.state.jobs_wake.clone(),
            poll_interval: self.settings.poll_interval,
            concurrency: 4,
            grace: Duration::from_secs(5),
        };
        drain.run(self, shutdown).await;
    }
}
