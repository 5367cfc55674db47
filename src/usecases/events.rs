//! Events API callbacks: reactions become votes, thread replies notes, membership changes
//! the bot's standing, an uninstall forgets the workspace's installation; everything else is
//! acknowledged.

use crate::slack::inbound::InboundEvent;
use crate::usecases::AppState;

/// Handles one event. Returns once anything it changed is durably committed, so the caller
/// may acknowledge it.
pub async fn handle(state: &AppState, event: InboundEvent) -> anyhow::Result<()> {
    match event {
        // A vote is on the message Slack says it was added to: keyed by that channel's card.
        InboundEvent::Reaction(reaction) => {
            let ours = state
                .workspaces
                .bot_in(&reaction.team_id)
                .await
                .is_some_and(|bot| bot.user_id == reaction.user_id);
            if ours {
                return Ok(());
            }
            state.reactions.submit(reaction).await
        }
        InboundEvent::ThreadReply(reply) => super::capture::thread_reply(state, reply).await,
        InboundEvent::HomeOpened {
            event_id,
            team_id,
            user_id,
        } => super::home::opened(state, &event_id, &team_id, &user_id).await,
        // The channel the event is about is the one the bot joined or left: its standing there
        // is the channel's, whichever workspace says so.
        InboundEvent::Membership {
            team_id,
            channel_id,
            user_id,
            joined,
        } => {
            let bot = state.workspaces.bot_in(&team_id).await;
            let about_the_bot = match (&user_id, bot) {
                (None, _) => true,
                (Some(user), Some(bot)) => *user == bot.user_id,
                // Who the bot is is not known yet: the next proposal asks Slack instead.
                (Some(_), None) => false,
            };
            if !about_the_bot {
                return Ok(());
            }
            super::membership::learned(state, &team_id, &channel_id, joined).await
        }
        InboundEvent::Uninstalled { team_id, why } => {
            super::installs::forget(state, &team_id, why).await
        }
        InboundEvent::Ignored { kind } => {
            tracing::debug!(%kind, "event acknowledged and ignored");
            Ok(())
        }
    }
}
