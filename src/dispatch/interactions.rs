//! Interactions: buttons on the bot's messages.

use crate::app::AppState;
use crate::slack::inbound::InboundInteraction;

/// Handles one interaction; returns once anything it changed is committed.
pub async fn handle(state: &AppState, interaction: InboundInteraction) -> anyhow::Result<()> {
    match interaction {
        InboundInteraction::Button(press) => super::meeting::button(state, &press).await,
        InboundInteraction::ItemButton(press) => super::items::button(state, &press).await,
        InboundInteraction::Other { kind } => {
            tracing::debug!(%kind, "interaction acknowledged and ignored");
            Ok(())
        }
    }
}
