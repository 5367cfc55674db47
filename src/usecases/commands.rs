//! `/archtopic`: parse the text, do what it asks, and say what happened.

use anyhow::Context;

use super::challenges;
use super::membership::{self, Admission};
use super::{
    calendar, digest, edit, items, meeting, minutes, propose, recount, reminders, search, settings,
    withdraw,
};
use crate::compose;
use crate::domain::command::{self, ChallengeCommand, Command, CommandError};
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::store;
use crate::usecases::AppState;

/// Handles one slash command. Bad input gets an explanatory reply and changes nothing.
pub async fn handle(state: &AppState, command: SlashCommand) -> anyhow::Result<Reply> {
    let parsed = command::parse(&command.text);
    let needs_channel = matches!(
        parsed,
        Ok(Command::Propose(_)
            | Command::List
            | Command::Recount
            | Command::Start
            | Command::Meeting(_)
            | Command::Action(_)
            | Command::Remind
            | Command::Search(_)
            | Command::Digest { .. }
            | Command::Minutes { .. }
            | Command::Challenge(
                ChallengeCommand::Form | ChallengeCommand::Record(_) | ChallengeCommand::List(_)
            )
            | Command::ShowConfig
            | Command::ChangeConfig(_))
            | Err(CommandError::Proposal(_))
    );
    if !state.workspaces.acts_in(&command.team_id).await? {
        let install = state
            .public_url
            .as_ref()
            .map(|url| format!("{url}slack/install"));
        return Ok(blocks::not_installed(install.as_deref()));
    }
    if needs_channel && command.is_direct_message() {
        return Ok(blocks::direct_message_refusal());
    }
    // The bot must be in the channel to see its votes and notes, and to answer there. (Bad
    // input is answered first: it asks nothing of Slack.)
    if needs_channel
        && parsed.is_ok()
        && let Admission::Outside(why) =
            membership::ensure(state, &command.team_id, &command.channel_id).await?
    {
        return Ok(blocks::not_in_channel(why));
    }
    match parsed {
        Err(CommandError::Proposal(error)) => Ok(blocks::proposal_error(&error)),
        Err(CommandError::Edit { number, error }) => Ok(blocks::edit_error(number, &error)),
        Err(CommandError::Usage(error)) => Ok(blocks::usage(&error)),
        Ok(Command::Help) => Ok(blocks::help()),
        Ok(Command::Unknown(word)) => Ok(blocks::unknown_command(&word)),
        Ok(Command::List) => list(state, &command).await,
        Ok(Command::Propose(proposal)) => propose::command(state, &command, &proposal).await,
        Ok(Command::Withdraw(number)) => withdraw::withdraw(state, &command, number).await,
        Ok(Command::Edit { number, proposal }) => {
            edit::edit(state, &command, number, &proposal).await
        }
        Ok(Command::Recount) => recount::start(state, &command).await,
        Ok(Command::Start) => meeting::start(state, &command).await,
        Ok(Command::Action(action)) => items::action(state, &command, action).await,
        Ok(Command::CloseItem {
            number,
            state: closed,
        }) => items::close(state, &command, number, closed).await,
        Ok(Command::Mine) => items::mine(state, &command).await,
        Ok(Command::Remind) => reminders::remind(state, &command).await,
        Ok(Command::Search(words)) => search::search(state, &command, &words).await,
        Ok(Command::Digest { preview: true }) => digest::preview(state, &command).await,
        Ok(Command::Digest { preview: false }) => digest::post_now(state, &command).await,
        Ok(Command::Minutes { post, date }) => minutes::minutes(state, &command, post, date).await,
        Ok(Command::Meeting(control)) => meeting::control(state, &command, control).await,
        Ok(Command::Challenge(challenge)) => challenges::command(state, &command, challenge).await,
        Ok(Command::Calendar { reset }) => calendar::command(state, &command, reset).await,
        // Settings are the channel's: the one Slack says the command came from.
        Ok(Command::ShowConfig) => {
            let settings = store::settings::load(&state.db, &command.channel_id)
                .await
                .context("loading settings")?;
            Ok(blocks::show_settings(&settings))
        }
        Ok(Command::ChangeConfig(Err(error))) => Ok(blocks::setting_error(&error)),
        Ok(Command::ChangeConfig(Ok(change))) => settings::change(state, &command, &change).await,
    }
}

/// The ranked agenda of this channel.
async fn list(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    let ranked = compose::agenda::ranked(&mut conn, &command.channel_id).await?;
    Ok(blocks::agenda(&ranked, state.clock.now()))
}
