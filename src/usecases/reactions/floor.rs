//! The vote event floor as this process knows it, read again once [`FLOOR_RELOAD`] has passed:
//! a floor a retention run raises reaches every batch within a minute, long before any
//! tombstone below it is pruned (`domain::retention`).

use std::sync::Mutex;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::retention::{FLOOR_RELOAD, Floor};
use crate::store;
use crate::usecases::lock;

/// The floor last read, and when.
#[derive(Debug, Default)]
pub(super) struct KnownFloor {
    /// `None` until first read; then the floor (`None` while no run has published one) and
    /// the time it was read.
    read: Mutex<Option<(Option<Floor>, DateTime<Utc>)>>,
}

impl KnownFloor {
    /// The floor at `now`, read from the database when the last read is [`FLOOR_RELOAD`] old.
    pub(super) async fn at(
        &self,
        db: &PgPool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Floor>> {
        let known = *lock(&self.read);
        if let Some((floor, read_at)) = known
            && read_at <= now
            && now - read_at < FLOOR_RELOAD
        {
            return Ok(floor);
        }
        let floor = store::retention::vote_event_floor(db)
            .await
            .context("reading the vote event floor")?;
        *lock(&self.read) = Some((floor, now));
        Ok(floor)
    }
}
