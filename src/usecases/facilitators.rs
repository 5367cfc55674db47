//! What only a channel's facilitators may do (anyone, while it names none): the check every
//! such command shares, and how each refusal reads.

use anyhow::Context;

use super::AppState;
use super::refusal::Refusal;
use crate::domain::settings::ChannelSettings;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::store;

/// A facilitator-only command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacilitatorsOnly {
    /// `start`, `next`, `extend`, `end`.
    RunTheMeeting,
    /// `digest` (posting it now).
    PostTheDigest,
    /// `minutes post`.
    PostMinutes,
    /// `remind`.
    SendReminders,
    /// `recount`.
    RecountVotes,
    /// `config key value`, `config facilitators …`.
    Configure,
}

impl FacilitatorsOnly {
    /// Why the caller may not, naming who may.
    pub fn refusal(self, facilitators: &[String]) -> Reply {
        match self {
            FacilitatorsOnly::RunTheMeeting => blocks::meeting::meeting_refusal(facilitators),
            FacilitatorsOnly::PostTheDigest => blocks::digest::post_refusal(facilitators),
            FacilitatorsOnly::PostMinutes => blocks::minutes::post_refusal(facilitators),
            FacilitatorsOnly::SendReminders => {
                blocks::facilitator_refusal("send reminders", facilitators)
            }
            FacilitatorsOnly::RecountVotes => {
                blocks::facilitator_refusal("recount votes", facilitators)
            }
            FacilitatorsOnly::Configure => blocks::settings_refusal(facilitators),
        }
    }
}

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
    user_id: &str,
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
