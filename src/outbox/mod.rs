//! The outbox: Slack calls queued in the transaction of the change that caused them (and the
//! reads a later step acts on), and the worker that makes them durably, with retries, timeouts
//! and Slack's rate limits. Also the leased-queue loop and backoff the jobs worker shares, and
//! the background look-up of new voters (which calls `users.info` itself), and which bot acts
//! in each workspace (`workspaces`).

mod after_send;
pub mod backoff;
mod dead_letters;
pub mod drain;
pub mod rate_limits;
mod render;
pub mod user_directory;
pub mod worker;
pub mod workspaces;

use sqlx::PgConnection;

use crate::clock::Clock;
use crate::slack::outgoing::Delivery;

/// Queues a delivery inside the caller's transaction, so it exists exactly when the change
/// that caused it does. Wake the worker after committing.
pub async fn queue(
    tx: &mut PgConnection,
    delivery: &Delivery,
    clock: &dyn Clock,
) -> sqlx::Result<bool> {
    crate::store::outbox::enqueue(tx, delivery, clock.now()).await
}

/// Queues many card refreshes (or other merging deliveries) in one statement.
pub async fn queue_coalesced(
    tx: &mut PgConnection,
    deliveries: &mut [Delivery],
    clock: &dyn Clock,
) -> sqlx::Result<()> {
    deliveries.sort_by(|a, b| a.coalesce_key.cmp(&b.coalesce_key));
    crate::store::outbox::enqueue_coalesced(tx, deliveries, clock.now()).await
}
