//! Recording an anecdote in the challenges log: `challenge Category | Issue | what happened …`
//! in one line, or the form submitted. What was typed is read first: a line that cannot be read
//! is refused ([`read_line`]), a form that cannot be is answered with errors under its fields
//! ([`check_form`]). The issue it names is then loaded and locked (for a new one, its name stays
//! locked and its id and number are taken), and [`decide`] says where the anecdote went before
//! anything is written.

#[cfg(test)]
mod tests;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::challenges::form::{self, FormField, FormIssue, FormRecording, FormValues};
use crate::domain::challenges::{ChallengeIssue, NewAnecdote, Recorded, Recording};
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::slack::blocks::{Reply, challenges as messages};
use crate::slack::inbound::{ChallengeSubmission, SlashCommand};
use crate::slack::outgoing::Delivery;
use crate::store::{self, challenges::Named};
use crate::usecases::AppState;
use crate::usecases::decision::{Change, Decision};
use crate::usecases::refusal::Refusal;
use crate::usecases::rights::Asker;

/// Under the issue's menu when the issue picked there has left the channel's log.
const GONE: &str = "That issue is no longer in this channel's log.";

/// The issue an anecdote names: one picked from the form's menu (loaded, locked), or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Picked(ChallengeIssue),
    Named { category: String, title: String },
}

/// The issue an anecdote goes on, as the log holds it while deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An issue of the channel's log, locked until the transaction ends.
    Existing(ChallengeIssue),
    /// None of this name yet (the name's lock is held): one starts under the id and number
    /// taken for it, in `category` as the log already spells it.
    New {
        id: i64,
        number: i32,
        category: String,
        title: String,
    },
}

/// A form's submission: what records it ("view:V123"), and whether that was recorded already
/// (the form submitted twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub source: String,
    pub already: bool,
}

/// `challenge Category | Issue | what happened [| team [| date]]`.
pub async fn one_line(
    state: &AppState,
    command: &SlashCommand,
    text: &str,
) -> anyhow::Result<Reply> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let today = super::today(&mut *tx, &command.channel_id, now).await?;
    let by = Asker::of(command);
    let decided = match read_line(text, today) {
        Ok(line) => {
            let target = load_named(&mut tx, &by, &line.category, &line.issue).await?;
            Ok(decide(&by, target, line.anecdote, None, now))
        }
        Err(refusal) => Err(refusal),
    };
    state
        .carry_out(tx, Some(&command.team_id), decided, "an anecdote")
        .await
}

/// A one-line anecdote read against `today` (its date may not be later), or why it cannot be.
pub fn read_line(text: &str, today: NaiveDate) -> Result<Recording, Refusal> {
    crate::domain::challenges::parse_one_line(text, today).map_err(Refusal::ChallengeLine)
}

/// The form, submitted: the errors to show under its fields, or none once it is recorded (and
/// the person told so in the channel).
pub async fn submitted(
    state: &AppState,
    submission: &ChallengeSubmission,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let today = super::today(&mut *tx, &submission.channel_id, now).await?;
    let picked = match submission.picked_issue {
        Some(id) => lock_picked(&mut tx, &asker(submission), id).await?,
        None => None,
    };
    let (choice, anecdote) = match check_form(submission, picked, today) {
        Ok(checked) => checked,
        Err(errors) => {
            return Ok(errors
                .into_iter()
                .map(|(field, message)| (messages::field_block(field), message))
                .collect());
        }
    };
    // The form's channel is its private metadata, which only the bot sets (where `/archtopic
    // challenge` opened it) and Slack hands back as set; a named issue is the log's of that
    // channel (one log per channel), a picked one must be the workspace's too.
    let target = match choice {
        Choice::Picked(issue) => Target::Existing(issue),
        Choice::Named { category, title } => {
            load_named(&mut tx, &asker(submission), &category, &title).await?
        }
    };
    let source = format!("view:{}", submission.view_id);
    let already = store::challenges::recorded_from(&mut *tx, &source)
        .await
        .context("looking for the submission")?;
    let from = Submitted { source, already };
    let decision = decide_form(submission, target, anecdote, from, now);
    let team = &submission.team_id;
    state
        .carry_out(tx, Some(team), Ok(decision), "an anecdote")
        .await?;
    Ok(Vec::new())
}

/// Who submitted the form, and in which channel's log.
fn asker(submission: &ChallengeSubmission) -> Asker<'_> {
    Asker {
        team_id: &submission.team_id,
        channel_id: &submission.channel_id,
        user_id: &submission.user_id,
    }
}

/// The issue picked from the form's menu, if it is in the log of `by`'s workspace and channel,
/// locked until the transaction ends.
async fn lock_picked(
    tx: &mut PgConnection,
    by: &Asker<'_>,
    issue_id: i64,
) -> anyhow::Result<Option<ChallengeIssue>> {
    let Some(id) =
        store::challenges::lock_in_channel(&mut *tx, by.team_id, issue_id, by.channel_id)
            .await
            .context("locking the picked issue")?
    else {
        return Ok(None);
    };
    store::challenges::find(&mut *tx, id)
        .await
        .context("loading the picked issue")
}

/// The issue named `category` › `title` in `by`'s channel (locked), or, with none yet, the id
/// and number a new one starts under (the name stays locked until the transaction ends).
async fn load_named(
    tx: &mut PgConnection,
    by: &Asker<'_>,
    category: &str,
    title: &str,
) -> anyhow::Result<Target> {
    let named = store::challenges::look_up(&mut *tx, by.channel_id, category, title)
        .await
        .context("looking the issue up")?;
    Ok(match named {
        Named::Found(id) => Target::Existing(
            store::challenges::find(&mut *tx, id)
                .await
                .context("loading the issue")?
                .context("the issue was just locked")?,
        ),
        Named::Absent { category } => Target::New {
            number: store::challenges::take_next_number(&mut *tx, by.team_id)
                .await
                .context("numbering an issue")?,
            id: store::challenges::take_next_id(&mut *tx)
                .await
                .context("taking an issue id")?,
            category,
            title: title.to_string(),
        },
    })
}

/// The submitted form's issue and anecdote, or the errors to show under its fields: that the
/// issue picked (`picked`, loaded if it is still in the channel's log) is gone, or else every
/// problem [`form::check`] finds against `today`.
pub fn check_form(
    submission: &ChallengeSubmission,
    picked: Option<ChallengeIssue>,
    today: NaiveDate,
) -> Result<(Choice, NewAnecdote), Vec<(FormField, String)>> {
    let gone = || vec![(FormField::Issue, GONE.to_string())];
    if submission.picked_issue.is_some() && picked.is_none() {
        return Err(gone());
    }
    let values = FormValues {
        picked_category: submission.picked_category.clone(),
        typed_category: submission.typed_category.clone(),
        picked_issue: picked.as_ref().map(|i| (i.id, i.category.clone())),
        typed_issue: submission.typed_issue.clone(),
        what_happened: submission.what_happened.clone(),
        team: submission.team.clone(),
        date: submission.date,
    };
    let FormRecording { issue, anecdote } = form::check(&values, today)?;
    let choice = match (issue, picked) {
        (FormIssue::Named { category, title }, _) => Choice::Named { category, title },
        (FormIssue::Picked(_), Some(issue)) => Choice::Picked(issue),
        (FormIssue::Picked(_), None) => return Err(gone()),
    };
    Ok((choice, anecdote))
}

/// Records the form's anecdote as [`decide`] says; the person who submitted it is told where
/// it went in the channel, once per submission.
pub fn decide_form(
    submission: &ChallengeSubmission,
    target: Target,
    anecdote: NewAnecdote,
    from: Submitted,
    now: DateTime<Utc>,
) -> Decision<AnecdoteChange> {
    let decision = decide(&asker(submission), target, anecdote, Some(from), now);
    let told = Delivery::ephemeral(
        format!("challenge-recorded:{}", submission.view_id),
        &submission.channel_id,
        &submission.user_id,
        decision.reply,
    );
    Decision {
        reply: Reply::nothing(),
        ..decision
    }
    .call(told)
}

/// Records `anecdote`, told by `by` at `now`, on `target` (starting it if new) and counts one
/// more occurrence, unless the form it came from was recorded already. Either way the reply
/// says where it went and how often that issue has happened now.
pub fn decide(
    by: &Asker<'_>,
    target: Target,
    anecdote: NewAnecdote,
    from: Option<Submitted>,
    now: DateTime<Utc>,
) -> Decision<AnecdoteChange> {
    let mut changes = Vec::new();
    let (issue, new_issue) = match target {
        Target::Existing(issue) => (issue, false),
        Target::New {
            id,
            number,
            category,
            title,
        } => {
            changes.push(AnecdoteChange::StartIssue {
                id,
                number,
                team_id: by.team_id.clone(),
                channel_id: by.channel_id.clone(),
                category: category.clone(),
                title: title.clone(),
                created_by: by.user_id.clone(),
                at: now,
            });
            let issue = ChallengeIssue {
                id,
                number,
                channel_id: by.channel_id.clone(),
                category,
                title,
                occurrences: None,
                last_seen: None,
                status: String::new(),
                topic_number: None,
            };
            (issue, true)
        }
    };
    let added = !from.as_ref().is_some_and(|from| from.already);
    let issue = if added {
        let issue = ChallengeIssue {
            occurrences: Some(issue.occurrences.unwrap_or(0) + 1),
            last_seen: issue.last_seen.max(Some(anecdote.on)),
            ..issue
        };
        changes.push(AnecdoteChange::AddAnecdote {
            issue_id: issue.id,
            channel_id: by.channel_id.clone(),
            user_id: by.user_id.clone(),
            anecdote,
            source: from.map(|from| from.source),
            at: now,
        });
        issue
    } else {
        issue
    };
    let recorded = Recorded {
        issue,
        new_issue,
        added,
    };
    Decision {
        changes,
        ..Decision::reply(messages::recorded(&recorded))
    }
}

/// What recording an anecdote writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnecdoteChange {
    /// A new issue, started under the id and number taken for it.
    StartIssue {
        id: i64,
        number: i32,
        team_id: TeamId,
        channel_id: ChannelId,
        category: String,
        title: String,
        created_by: UserId,
        at: DateTime<Utc>,
    },
    /// An anecdote on an issue, one more occurrence of it; `source` names the form it came
    /// from.
    AddAnecdote {
        issue_id: i64,
        channel_id: ChannelId,
        user_id: UserId,
        anecdote: NewAnecdote,
        source: Option<String>,
        at: DateTime<Utc>,
    },
}

impl Change for AnecdoteChange {
    async fn write(&self, tx: &mut PgConnection, _: DateTime<Utc>) -> anyhow::Result<()> {
        match self {
            AnecdoteChange::StartIssue {
                id,
                number,
                team_id,
                channel_id,
                category,
                title,
                created_by,
                at,
            } => {
                let issue = store::challenges::NewIssue {
                    team_id,
                    channel_id,
                    category,
                    title,
                    imported: false,
                    created_by: Some(created_by),
                    at: *at,
                };
                store::challenges::start(&mut *tx, *id, *number, &issue)
                    .await
                    .context("starting an issue")
            }
            AnecdoteChange::AddAnecdote {
                issue_id,
                channel_id,
                user_id,
                anecdote,
                source,
                at,
            } => {
                let told = store::challenges::Told {
                    channel_id,
                    user_id,
                    anecdote,
                    source: source.as_deref(),
                    at: *at,
                };
                let added = store::challenges::add_anecdote(tx, *issue_id, &told)
                    .await
                    .context("recording an anecdote")?;
                anyhow::ensure!(added, "{source:?} was recorded while its issue was locked");
                Ok(())
            }
        }
    }
}
