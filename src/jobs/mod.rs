//! Time and the outbox: every call to Slack made after a request is acknowledged goes through
//! here, durably, with retries.

pub mod backoff;
mod dead_letters;
pub mod delivery;
mod drain;
pub mod job;
pub mod job_worker;
pub mod outbox_worker;
pub mod rate_limits;
pub mod user_directory;
pub mod weekly;

use sqlx::PgConnection;

use crate::clock::Clock;
use delivery::Delivery;

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
