//! `/archtopic`: parse the text, do what it asks, and say what happened.

use anyhow::Context;

use super::challenges;
use super::membership::{self, Admission};
use super::propose::{self, Proposer};
use super::{
    digest, edit, items, meeting, minutes, pre_meeting, recount, reminders, search, weekly,
    withdraw,
};
use crate::compose;
use crate::domain::command::{self, ChallengeCommand, Command, CommandError, Proposal};
use crate::domain::settings::SettingChange;
use crate::outbox;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
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
    if needs_channel && command.is_direct_message() {
        return Ok(blocks::direct_message_refusal());
    }
    // The bot must be in the channel to see its votes and notes, and to answer there. (Bad
    // input is answered first: it asks nothing of Slack.)
    if needs_channel
        && parsed.is_ok()
        && let Admission::Outside(why) = membership::ensure(state, &command.channel_id).await?
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
        Ok(Command::Propose(proposal)) => propose(state, &command, proposal).await,
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
        Ok(Command::ShowConfig) => {
            let settings = store::settings::load(&state.db, &command.channel_id)
                .await
                .context("loading settings")?;
            Ok(blocks::show_settings(&settings))
        }
        Ok(Command::ChangeConfig(Err(error))) => Ok(blocks::setting_error(&error)),
        Ok(Command::ChangeConfig(Ok(change))) => change_setting(state, &command, &change).await,
    }
}

/// Stores the topic and queues its card in one transaction, then confirms.
async fn propose(
    state: &AppState,
    command: &SlashCommand,
    proposal: Proposal,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let proposed = propose::propose(
        &mut tx,
        state,
        Proposer {
            team_id: &command.team_id,
            channel_id: &command.channel_id,
            user_id: &command.user_id,
        },
        &proposal.intents,
        proposal.title.as_str(),
        None,
    )
    .await?;
    state.commit(tx, "a topic").await?;
    let topic = &proposed.topic;
    tracing::info!(number = topic.number.0, channel = %topic.channel_id, "topic proposed");
    Ok(blocks::proposal_confirmation(
        topic,
        &proposed.settings.vote_emoji,
        &proposed.similar,
    ))
}

/// The ranked agenda of this channel.
async fn list(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    let ranked = compose::agenda::ranked(&mut conn, &command.channel_id).await?;
    Ok(blocks::agenda(&ranked, state.clock.now()))
}

/// Changes one setting, if the person may; cards are redrawn when their counts or emoji change.
async fn change_setting(
    state: &AppState,
    command: &SlashCommand,
    change: &SettingChange,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let mut settings = store::settings::load_for_update(&mut tx, &command.channel_id)
        .await
        .context("loading settings")?;
    if !settings.can_facilitate(&command.user_id) {
        return Ok(blocks::settings_refusal(&settings.facilitators));
    }
    let had_facilitators = !settings.facilitators.is_empty();
    settings.apply(change);
    // The first facilitators take the channel's meeting out of everyone's hands: say so in the
    // channel, so it is never done silently.
    if let SettingChange::Facilitators(users) = change
        && !had_facilitators
        && !users.is_empty()
    {
        outbox::queue(
            &mut tx,
            &Delivery::post(
                format!(
                    "facilitators-set:{}:{}",
                    command.channel_id,
                    state.clock.now().timestamp_micros()
                ),
                &command.channel_id,
                blocks::facilitators_announced(&command.user_id, users),
            ),
            state.clock.as_ref(),
        )
        .await
        .context("queuing the announcement")?;
    }
    store::settings::save(
        &mut *tx,
        &command.channel_id,
        &settings,
        &command.user_id,
        state.clock.now(),
    )
    .await
    .context("saving settings")?;
    if let SettingChange::Schedule(_) = change {
        pre_meeting::reschedule_notices(&mut tx, &command.channel_id, &settings, state.clock.now())
            .await?;
    }
    if let SettingChange::Schedule(_) | SettingChange::Reminders(_) = change {
        weekly::reminder_run(&command.channel_id, &settings)
            .replace(&mut tx, state.clock.now())
            .await?;
    }
    if let SettingChange::Schedule(_) | SettingChange::Digest(_) = change {
        weekly::digest(&command.channel_id, &settings)
            .replace(&mut tx, state.clock.now())
            .await?;
    }
    let redraw = matches!(
        change,
        SettingChange::VoteEmoji(_) | SettingChange::VotesPerPerson(_)
    );
    if redraw {
        let topics = store::topics::open_in_channel(&mut *tx, &command.channel_id)
            .await
            .context("loading open topics")?;
        for topic in topics {
            outbox::queue(
                &mut tx,
                &Delivery::refresh_card(topic.id, std::time::Duration::ZERO),
                state.clock.as_ref(),
            )
            .await
            .context("queuing a card refresh")?;
        }
    }
    state.commit(tx, "settings").await?;
    Ok(blocks::setting_changed(change))
}
