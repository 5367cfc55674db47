//! What only a channel's facilitators may do (anyone, while it names none): the check every
//! such command shares, and how each refusal reads.

use anyhow::Context;

use super::AppState;
pub use super::refusal::FacilitatorsOnly;
use super::refusal::Refusal;
use crate::domain::ids::UserId;
use crate::domain::settings::ChannelSettings;
use crate::slack::inbound::SlashCommand;
use crate::store;

/// The channel's settings when the caller may do `what`; otherwise the refusal to answer with.
pub async fn settings_if_allowed(
    state: &AppState,
    command: &SlashCommand,
    what: FacilitatorsOnly,
) -> anyhow::Result<Result<ChannelSettings, Refusal>> {
    let settings = store::settings::load(&state.db, &command.channel_id)
        .await
        .context("loading settings")?;
    Ok(allowed(settings, &command.user_id, what))
}

/// `settings` when `user_id` may do `what` in their channel; otherwise why not.
pub fn allowed(
    settings: ChannelSettings,
    user_id: &UserId,
    what: FacilitatorsOnly,
) -> Result<ChannelSettings, Refusal> {
    if settings.can_facilitate(user_id) {
        Ok(settings)
    } else {
        Err(Refusal::NotFacilitator {
            what,
            facilitators: settings.facilitators,
        })
    }
}
