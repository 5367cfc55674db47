//! Applying what a use case decided: its changes, the Slack calls it queued and the steps it
//! scheduled are committed together, then the workers are woken for them.

use anyhow::Context;
use sqlx::{Postgres, Transaction};

use super::AppState;
use crate::outbox;
use crate::slack::outgoing::Delivery;
use crate::store::{self, jobs::ClaimedJob};

impl AppState {
    /// Commits a use case's transaction, then wakes both workers: whatever it queued (calls to
    /// Slack) or scheduled (steps) exists exactly when the change that caused it does, and is
    /// picked up at once rather than at the next poll.
    pub async fn commit(&self, tx: Transaction<'_, Postgres>, what: &str) -> anyhow::Result<()> {
        tx.commit()
            .await
            .with_context(|| format!("committing {what}"))?;
        self.wake_outbox();
        self.wake_jobs();
        Ok(())
    }

    /// Queues one delivery that changes nothing else (a reply to a press, minutes posted).
    pub async fn queue_alone(&self, delivery: &Delivery, what: &str) -> anyhow::Result<()> {
        let mut conn = self.db.acquire().await.context("connecting")?;
        outbox::queue(&mut conn, delivery, self.clock.as_ref())
            .await
            .with_context(|| format!("queuing {what}"))?;
        self.wake_outbox();
        Ok(())
    }

    /// Completes a claimed step in `tx`, with whatever it changed, and commits; rolls back if
    /// the claim was lost (another worker runs the step).
    pub async fn complete_job(
        &self,
        mut tx: Transaction<'_, Postgres>,
        claimed: &ClaimedJob,
    ) -> anyhow::Result<()> {
        if !store::jobs::complete(&mut *tx, claimed, self.clock.now())
            .await
            .context("completing a job")?
        {
            tracing::warn!(key = %claimed.key, "job lease lost; another worker runs it");
            return Ok(());
        }
        self.commit(tx, "a job").await
    }
}
