//! Acknowledging a batch only once its commit is on disk: batches commit without waiting for
//! the disk, and one flush covers every batch that committed before it began, while the next
//! batch is already being applied.

use anyhow::Context;
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use super::is_broken_connection;
use crate::store;

type Waiter = oneshot::Sender<Result<(), String>>;

/// Flushes on the batches' behalf (one at a time, on a connection of its own).
#[derive(Debug)]
pub(super) struct Flusher {
    requests: mpsc::UnboundedSender<Waiter>,
}

impl Flusher {
    /// Starts the flushing task on `db` (`database::vote_flush_pool`); it ends when the flusher
    /// is dropped.
    pub(super) fn start(db: PgPool) -> Flusher {
        let (requests, mut waiting) = mpsc::unbounded_channel::<Waiter>();
        tokio::spawn(async move {
            while let Some(first) = waiting.recv().await {
                // Everyone asking before this flush begins is covered by it; whoever asks
                // while it runs waits for the next.
                let mut covered = vec![first];
                while let Ok(next) = waiting.try_recv() {
                    covered.push(next);
                }
                let result = flush(&db).await.map_err(|error| format!("{error:#}"));
                for waiter in covered {
                    let _ = waiter.send(result.clone());
                }
            }
        });
        Flusher { requests }
    }

    /// Returns once every commit made before the call is on disk.
    pub(super) async fn flushed(&self) -> anyhow::Result<()> {
        let (done, flushed) = oneshot::channel();
        self.requests
            .send(done)
            .map_err(|_| anyhow::anyhow!("the vote flusher has stopped"))?;
        flushed
            .await
            .context("the vote flusher dropped a request")?
            .map_err(anyhow::Error::msg)
    }
}

/// One flush, tried again on a fresh connection when the one it had broke (after a server
/// restart every connection has).
async fn flush(db: &PgPool) -> anyhow::Result<()> {
    let mut tries = 0;
    loop {
        tries += 1;
        let result = store::votes::flush_commits(db)
            .await
            .context("flushing vote batches to disk");
        match result {
            Err(error) if tries < 3 && is_broken_connection(&error) => {
                tracing::info!(error = %format!("{error:#}"), "the vote flush lost its connection; retrying on another");
            }
            result => return result,
        }
    }
}
