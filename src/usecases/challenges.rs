//! The architecture challenges log from Slack: the form and the one-line `challenge` record
//! anecdotes; `challenges` lists the log; `challenge N` shows an issue or sets its status; and
//! "Discuss at Arch Hour" proposes a topic from an issue, once while it is on the agenda.

mod discuss;
mod status;

use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDate;

use crate::domain::challenges::entry;
use crate::domain::challenges::form::{self, FormField, FormIssue, FormValues};
use crate::domain::challenges::{ChallengeIssue, parse_one_line, ranking};
use crate::domain::command::ChallengeCommand;
use crate::domain::ids::ChannelId;
use crate::outbox;
use crate::slack::blocks::{Reply, challenges as messages};
use crate::slack::inbound::{ChallengeSubmission, SlashCommand};
use crate::slack::outgoing::Delivery;
use crate::store::{self, challenges::IssueChoice};
use crate::usecases::AppState;

pub use discuss::discuss;

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
        ChallengeCommand::Record(text) => record_one_line(state, command, &text).await,
        ChallengeCommand::Show(number) => show(state, command, number).await,
        ChallengeCommand::SetStatus { number, status } => {
            status::set(state, command, number, &status).await
        }
        ChallengeCommand::List(category) => list(state, command, category.as_deref()).await,
    }
}

/// Today in the channel's time zone: the default date of an anecdote, and the latest allowed.
async fn today(state: &AppState, channel_id: &ChannelId) -> anyhow::Result<NaiveDate> {
    let settings = store::settings::load(&state.db, channel_id)
        .await
        .context("loading settings")?;
    Ok(state
        .clock
        .now()
        .with_timezone(&settings.schedule.tz)
        .date_naive())
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
    let today = today(state, &command.channel_id).await?;
    let categories = store::challenges::categories(&state.db, &command.channel_id)
        .await
        .context("loading categories")?;
    let issues = ranked(state, &command.channel_id).await?;
    let view = messages::challenge_form(&command.channel_id, &categories, &issues, today);
    match state
        .slack
        .open_view(&command.trigger_id, view, FORM_DEADLINE)
        .await
    {
        Ok(()) => Ok(Reply::nothing()),
        Err(error) => {
            tracing::warn!(%error, "could not open the challenge form");
            Ok(messages::form_unavailable())
        }
    }
}

/// `challenge Category | Issue | what happened [| team [| date]]`.
async fn record_one_line(
    state: &AppState,
    command: &SlashCommand,
    text: &str,
) -> anyhow::Result<Reply> {
    let today = today(state, &command.channel_id).await?;
    let recording = match parse_one_line(text, today) {
        Ok(recording) => recording,
        Err(error) => return Ok(messages::one_line_error(&error)),
    };
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let recorded = store::challenges::record(
        &mut tx,
        &store::challenges::Recording {
            team_id: &command.team_id,
            channel_id: &command.channel_id,
            user_id: &command.user_id,
            issue: IssueChoice::Named {
                category: recording.category,
                title: recording.issue,
            },
            anecdote: recording.anecdote,
            source: None,
            at: state.clock.now(),
        },
    )
    .await
    .context("recording an anecdote")?
    .context("a named issue is always found or started")?;
    state.commit(tx, "an anecdote").await?;
    Ok(messages::recorded(&recorded))
}

/// The form, submitted: the errors to show under its fields, or none once it is recorded (and
/// the person told so in the channel).
pub async fn submitted(
    state: &AppState,
    submission: &ChallengeSubmission,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let today = today(state, &submission.channel_id).await?;
    let gone = || {
        vec![(
            messages::field_block(FormField::Issue),
            "That issue is no longer in this channel's log.".to_string(),
        )]
    };
    let picked_issue = match submission.picked_issue {
        Some(id) => match store::challenges::find(&state.db, id)
            .await
            .context("loading the picked issue")?
        {
            Some(issue) if issue.channel_id == submission.channel_id => Some((id, issue.category)),
            _ => return Ok(gone()),
        },
        None => None,
    };
    let values = FormValues {
        picked_category: submission.picked_category.clone(),
        typed_category: submission.typed_category.clone(),
        picked_issue,
        typed_issue: submission.typed_issue.clone(),
        what_happened: submission.what_happened.clone(),
        team: submission.team.clone(),
        date: submission.date,
    };
    let checked = match form::check(&values, today) {
        Ok(checked) => checked,
        Err(errors) => {
            return Ok(errors
                .into_iter()
                .map(|(field, message)| (messages::field_block(field), message))
                .collect());
        }
    };
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let recorded = store::challenges::record(
        &mut tx,
        &store::challenges::Recording {
            team_id: &submission.team_id,
            channel_id: &submission.channel_id,
            user_id: &submission.user_id,
            issue: match checked.issue {
                FormIssue::Picked(id) => IssueChoice::Existing(id),
                FormIssue::Named { category, title } => IssueChoice::Named { category, title },
            },
            anecdote: checked.anecdote,
            source: Some(format!("view:{}", submission.view_id)),
            at: state.clock.now(),
        },
    )
    .await
    .context("recording an anecdote")?;
    let Some(recorded) = recorded else {
        return Ok(gone());
    };
    outbox::queue(
        &mut tx,
        &Delivery::ephemeral(
            format!("challenge-recorded:{}", submission.view_id),
            &submission.channel_id,
            &submission.user_id,
            messages::recorded(&recorded),
        ),
        state.clock.as_ref(),
    )
    .await
    .context("queuing the confirmation")?;
    state.commit(tx, "an anecdote").await?;
    Ok(Vec::new())
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
