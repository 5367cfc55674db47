//! The App Home tab: republished whenever its owner opens it.

use anyhow::Context;

use crate::domain::ids::{TeamId, UserId};
use crate::outbox;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// `user_id` opened their App Home tab in workspace `team`, whose items and topics alone it
/// lists (`compose::items::home_tab`, rendered by that workspace's bot).
pub async fn opened(
    state: &AppState,
    event_id: &str,
    team: &TeamId,
    user_id: &UserId,
) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let fresh = store::events::record_new(
        &mut *tx,
        std::slice::from_ref(&event_id.to_string()),
        state.clock.now(),
    )
    .await
    .context("recording the event")?;
    if !fresh.is_empty() {
        outbox::queue_coalesced(
            &mut tx,
            &mut [Delivery::app_home(team, user_id)],
            state.clock.as_ref(),
        )
        .await
        .context("queuing the home tab")?;
    }
    state.commit(tx, "the change").await?;
    Ok(())
}
