//! Interactions: buttons on the bot's messages, and the challenge form.

use crate::slack::inbound::InboundInteraction;
use crate::usecases::AppState;

/// What Slack is told once an interaction is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InteractionReply {
    /// Acknowledged; a submitted form closes.
    Done,
    /// The form stays open with these messages under these blocks.
    FieldErrors(Vec<(&'static str, String)>),
}

/// Handles one interaction; returns once anything it changed is committed.
pub async fn handle(
    state: &AppState,
    interaction: InboundInteraction,
) -> anyhow::Result<InteractionReply> {
    match interaction {
        InboundInteraction::Button(press) => super::meeting::button(state, &press).await?,
        InboundInteraction::ItemButton(press) => super::items::button(state, &press).await?,
        InboundInteraction::DiscussChallenge(press) => {
            super::challenges::discuss(state, &press).await?;
        }
        InboundInteraction::ChallengeForm(submission) => {
            let errors = super::challenges::submitted(state, &submission).await?;
            if !errors.is_empty() {
                return Ok(InteractionReply::FieldErrors(errors));
            }
        }
        InboundInteraction::Other { kind } => {
            tracing::debug!(%kind, "interaction acknowledged and ignored");
        }
    }
    Ok(InteractionReply::Done)
}
