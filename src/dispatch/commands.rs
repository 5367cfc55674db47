//! `/archtopic`: parse the text, do what it asks, and say what happened.

use anyhow::Context;

use crate::app::AppState;
use crate::command::{self, Command, Proposal};
use crate::jobs::{self, delivery::Delivery};
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::store::{self, topics::NewTopic};

/// Handles one slash command. Bad input gets an explanatory reply and changes nothing.
pub async fn handle(state: &AppState, command: SlashCommand) -> anyhow::Result<Reply> {
    let parsed = command::parse(&command.text);
    let needs_channel = !matches!(parsed, Ok(Command::Help | Command::Unknown(_)));
    if needs_channel && command.is_direct_message() {
        return Ok(blocks::direct_message_refusal());
    }
    match parsed {
        Err(error) => Ok(blocks::proposal_error(&error)),
        Ok(Command::Help) => Ok(blocks::help()),
        Ok(Command::Unknown(word)) => Ok(blocks::unknown_command(&word)),
        Ok(Command::List) => list(state, &command).await,
        Ok(Command::Propose(proposal)) => propose(state, &command, proposal).await,
    }
}

/// Stores the topic and queues its card in one transaction, then confirms.
async fn propose(
    state: &AppState,
    command: &SlashCommand,
    proposal: Proposal,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let number = store::topics::take_next_number(&mut *tx, &command.team_id)
        .await
        .context("numbering a topic")?;
    let topic = store::topics::insert(
        &mut *tx,
        &NewTopic {
            team_id: &command.team_id,
            channel_id: &command.channel_id,
            author_id: &command.user_id,
            intents: &proposal.intents,
            title: proposal.title.as_str(),
            created_at: state.clock.now(),
        },
        number,
    )
    .await
    .context("storing a topic")?;
    jobs::queue(&mut tx, &Delivery::topic_card(&topic), state.clock.as_ref())
        .await
        .context("queuing a topic card")?;
    tx.commit().await.context("committing a topic")?;
    state.wake_outbox();
    tracing::info!(number = topic.number, channel = %topic.channel_id, "topic proposed");
    Ok(blocks::proposal_confirmation(&topic))
}

async fn list(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let topics = store::topics::open_in_channel(&state.db, &command.channel_id)
        .await
        .context("loading open topics")?;
    Ok(blocks::open_topics(&topics, state.clock.now()))
}
