//! The App Home tab: republished whenever its owner opens it.

use anyhow::Context;

use crate::app::AppState;
use crate::jobs::delivery::Delivery;
use crate::jobs::{self};
use crate::store;

pub async fn opened(state: &AppState, event_id: &str, user_id: &str) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let fresh = store::events::record_new(
        &mut *tx,
        std::slice::from_ref(&event_id.to_string()),
        state.clock.now(),
    )
    .await
    .context("recording the event")?;
    if !fresh.is_empty() {
        jobs::queue_coalesced(
            &mut tx,
            &mut [Delivery::app_home(user_id)],
            state.clock.as_ref(),
        )
        .await
        .context("queuing the home tab")?;
    }
    tx.commit().await.context("committing")?;
    state.wake_outbox();
    Ok(())
}
