//! The loop both durable queues (the outbox and the jobs table) run: claim due rows under a
//! lease, process each on its own task (bounded), and sleep until the next row falls due, a
//! wake-up, or the poll interval, whichever comes first.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::SharedClock;

/// A table of leased rows.
pub trait LeasedQueue: Clone + Send + Sync + 'static {
    type Row: Send + 'static;

    /// The queue's name, for logs.
    const NAME: &'static str;

    /// Gives up on rows whose every attempt was claimed and never recorded (their workers
    /// died mid-row, again and again), so they are not claimed forever. Returns how many.
    fn give_up_abandoned(&self) -> impl Future<Output = anyhow::Result<u64>> + Send;

    /// Claims up to `limit` due rows.
    fn claim(&self, limit: usize) -> impl Future<Output = anyhow::Result<Vec<Self::Row>>> + Send;

    /// Processes one claimed row, recording its outcome.
    fn process(&self, row: Self::Row) -> impl Future<Output = ()> + Send;

    /// When the next pending row falls due.
    fn next_due(&self) -> impl Future<Output = anyhow::Result<Option<DateTime<Utc>>>> + Send;
}

/// How a queue is drained.
#[derive(Debug, Clone)]
pub struct Drain {
    pub clock: SharedClock,
    /// Notified when rows are queued or a row finishes, so the loop looks again at once.
    pub wake: Arc<Notify>,
    /// Longest sleep when nothing wakes the loop (rows queued by other processes do not).
    pub poll_interval: Duration,
    /// Rows processed at once.
    pub concurrency: usize,
    /// How long shutdown waits for rows in flight before leaving them to their leases.
    pub grace: Duration,
}

impl Drain {
    /// Drains `queue` until `shutdown`, then waits (bounded by `grace`) for rows in flight.
    pub async fn run<Q: LeasedQueue>(self, queue: Q, shutdown: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let tracker = TaskTracker::new();
        while !shutdown.is_cancelled() {
            let free = permits.available_permits();
            let mut claimed_all_we_could = false;
            match queue.give_up_abandoned().await {
                Ok(0) => {}
                Ok(rows) => tracing::error!(
                    queue = Q::NAME,
                    rows,
                    "rows whose attempts never finished are given up"
                ),
                Err(error) => {
                    tracing::warn!(queue = Q::NAME, error = %format!("{error:#}"), "giving up on abandoned rows failed");
                }
            }
            if free > 0 {
                match queue.claim(free).await {
                    Ok(rows) => {
                        claimed_all_we_could = rows.len() == free;
                        for row in rows {
                            let Ok(permit) = permits.clone().acquire_owned().await else {
                                break;
                            };
                            let (queue, wake) = (queue.clone(), self.wake.clone());
                            tracker.spawn(async move {
                                queue.process(row).await;
                                drop(permit);
                                wake.notify_one();
                            });
                        }
                    }
                    Err(error) => {
                        tracing::warn!(queue = Q::NAME, error = %format!("{error:#}"), "claiming rows failed");
                    }
                }
            }
            if claimed_all_we_could {
                continue;
            }
            let wait = self.time_until(queue.next_due().await);
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        tracker.close();
        if tokio::time::timeout(self.grace, tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                queue = Q::NAME,
                "rows still in flight at shutdown; their leases will expire"
            );
        }
    }

    /// Until the next row falls due, within [5 ms, poll interval].
    fn time_until(&self, next_due: anyhow::Result<Option<DateTime<Utc>>>) -> Duration {
        match next_due {
            Ok(Some(due)) => (due - self.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_millis(5), self.poll_interval),
            Ok(None) => self.poll_interval,
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "reading the next due time failed");
                self.poll_interval
            }
        }
    }
}
