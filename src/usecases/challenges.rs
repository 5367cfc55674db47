//! The architecture challenges log from Slack: the form and the one-line `challenge` record
//! anecdotes; `challenges` lists the log; `challenge N` shows an issue or sets its status; and
//! "Discuss at Arch Hour" proposes a topic from an issue, once while it is on the agenda.

mod discuss;
pub mod record;
mod status;

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

use crate::domain::challenges::entry;
use crate::domain::challenges::{ChallengeIssue, ranking};
use crate::domain::command::ChallengeCommand;
use crate::domain::ids::ChannelId;
use crate::slack::blocks::{Reply, challenges as messages};
use crate::slack::inbound::SlashCommand;
use crate::store;
use crate::usecases::AppState;

pub use discuss::discuss;
pub use record::submitted;

/// How long `views.open` may take: Slack's trigger and our answer both expire at 3 s.
const FORM_DEADLINE: Duration = Duration::from_millis(2000);

/// `challenge …` and `challenges …`.
pub async fn command(
    state: &AppState,
    command: &SlashCommand,
    challenge: ChallengeCommand,
) -> anyhow::Result<Reply> {
    match challenge {
        ChallengeCommand::Form => open_form(state, command).await,
        ChallengeCommand::Record(text) => record::one_line(state, command, &text).await,
        ChallengeCommand::Show(number) => show(state, command, number).await,
        ChallengeCommand::SetStatus { number, status } => {
            status::set(state, command, number, &status).await
        }
        ChallengeCommand::List(category) => list(state, command, category.as_deref()).await,
    }
}

/// Today in the channel's time zone: the default date of an anecdote, and the latest allowed.
async fn today(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    now: DateTime<Utc>,
) -> anyhow::Result<NaiveDate> {
    let settings = store::settings::load(db, channel_id)
        .await
        .context("loading settings")?;
    Ok(now.with_timezone(&settings.schedule.tz).date_naive())
}

/// The channel's issues, most occurrences first.
async fn ranked(state: &AppState, channel_id: &ChannelId) -> anyhow::Result<Vec<ChallengeIssue>> {
    let issues = store::challenges::in_channel(&state.db, channel_id)
        .await
        .context("loading the challenges log")?;
    Ok(ranking::by_occurrences(issues))
}

/// `challenge`: opens the form, offering the log's categories and issues.
async fn open_form(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let today = today(&state.db, &command.channel_id, state.clock.now()).await?;
    let categories = store::challenges::categories(&state.db, &command.channel_id)
        .await
        .context("loading categories")?;
    let issues = ranked(state, &command.channel_id).await?;
    let view = messages::challenge_form(&command.channel_id, &categories, &issues, today);
    let opened = match state.workspaces.slack_in(&command.team_id).await {
        Ok(slack) => {
            slack
                .open_view(&command.trigger_id, view, FORM_DEADLINE)
                .await
        }
        Err(error) => Err(error),
    };
    match opened {
        Ok(()) => Ok(Reply::nothing()),
        Err(error) => {
            tracing::warn!(%error, "could not open the challenge form");
            Ok(messages::form_unavailable())
        }
    }
}

/// `challenges [category]`.
async fn list(
    state: &AppState,
    command: &SlashCommand,
    category: Option<&str>,
) -> anyhow::Result<Reply> {
    let issues = ranked(state, &command.channel_id).await?;
    let Some(category) = category else {
        return Ok(messages::log(&issues, None));
    };
    let wanted = entry::fold(category).to_lowercase();
    let in_category: Vec<ChallengeIssue> = issues
        .into_iter()
        .filter(|issue| issue.category.to_lowercase() == wanted)
        .collect();
    match in_category.first() {
        Some(first) => {
            let spelled = first.category.clone();
            Ok(messages::log(&in_category, Some(&spelled)))
        }
        None => {
            let categories = store::challenges::categories(&state.db, &command.channel_id)
                .await
                .context("loading categories")?;
            Ok(messages::no_such_category(category, &categories))
        }
    }
}

/// `challenge N`.
async fn show(state: &AppState, command: &SlashCommand, number: i32) -> anyhow::Result<Reply> {
    let Some(issue) =
        store::challenges::find_by_number(&state.db, &command.team_id, &command.channel_id, number)
            .await
            .context("finding the issue")?
    else {
        return Ok(messages::no_such_challenge(number));
    };
    let anecdotes = store::challenges::anecdotes(&state.db, issue.id)
        .await
        .context("loading anecdotes")?;
    Ok(messages::issue_detail(&issue, &anecdotes))
}
