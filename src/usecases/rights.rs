//! Who may withdraw or edit a topic: its author always; then the channel's facilitators, or,
//! while it has none, workspace admins.
//!
//! Whether someone is a workspace admin is what Slack last said about them (`slack_users`,
//! trusted for [`TRUSTED_FOR`]): a command never asks Slack while Slack waits for its answer
//! (three seconds). When no one knows, the change waits: the command queues `users.info` through
//! the outbox and a `ChangeByAdmin` step, answers that it is asking, and the step decides once
//! Slack has answered (src/usecases/admin_check.rs), telling the person in an ephemeral message.
//! A team would rather wait a moment for "Withdrew #12" than have the bot guess either way.

use std::time::Duration;

use anyhow::Context;
use sqlx::PgConnection;

use crate::domain::job::{Job, ScheduledJob, user_subject};
use crate::domain::settings::ChannelSettings;
use crate::domain::topics::{Topic, TopicState};
use crate::domain::users::TRUSTED_FOR;
use crate::outbox;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// How long a change waits for Slack to say whether the person is an admin before it is
/// answered without knowing (the outbox tries `users.info` a few times with backoff meanwhile).
const ADMIN_CHECK_PATIENCE: Duration = Duration::from_secs(120);

/// Who asks for a change, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asker<'a> {
    pub team_id: &'a str,
    pub channel_id: &'a str,
    pub user_id: &'a str,
}

impl<'a> Asker<'a> {
    pub fn of(command: &'a SlashCommand) -> Asker<'a> {
        Asker {
            team_id: &command.team_id,
            channel_id: &command.channel_id,
            user_id: &command.user_id,
        }
    }
}

/// What to do when no one knows whether the person asking is a workspace admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfUnknown<'a> {
    /// Answering the command: ask Slack through the outbox, and decide the command's `text`
    /// in a step once it answers. `request` names the command (its trigger id).
    Defer { text: &'a str, request: &'a str },
    /// Deciding after Slack was asked: it did not say, so nothing changes.
    Refuse,
}

/// Why topic N cannot be withdrawn or edited by the one asking (yet).
#[derive(Debug)]
pub enum Unchangeable {
    NoSuchTopic,
    NotOpen(Topic),
    /// Neither theirs nor theirs to change: the channel's facilitators, if any.
    NotYours(Topic, Vec<String>),
    /// Theirs to change only if they are a workspace admin, which no one knows yet.
    AdminUnknown(Topic),
}

/// The channel's open topic `number` and its channel's settings, if the one asking may
/// withdraw or edit it.
pub async fn changeable(
    tx: &mut PgConnection,
    state: &AppState,
    asker: &Asker<'_>,
    number: i32,
) -> anyhow::Result<Result<(Topic, ChannelSettings), Unchangeable>> {
    let Some(topic) =
        store::topics::find_by_number(&mut *tx, asker.team_id, asker.channel_id, number)
            .await
            .context("loading a topic")?
    else {
        return Ok(Err(Unchangeable::NoSuchTopic));
    };
    if topic.state != TopicState::Open {
        return Ok(Err(Unchangeable::NotOpen(topic)));
    }
    let settings = store::settings::load(&mut *tx, &topic.channel_id)
        .await
        .context("loading settings")?;
    let user = asker.user_id;
    if topic.proposed_by(user) {
        return Ok(Ok((topic, settings)));
    }
    if !settings.facilitators.is_empty() {
        if settings.facilitators.iter().any(|f| f == user) {
            return Ok(Ok((topic, settings)));
        }
        return Ok(Err(Unchangeable::NotYours(topic, settings.facilitators)));
    }
    let known = store::users::get(&mut *tx, user, state.clock.now() - TRUSTED_FOR)
        .await
        .context("reading what Slack said about the user")?;
    Ok(match known {
        Some(kind) if kind.is_admin => Ok((topic, settings)),
        Some(_) => Err(Unchangeable::NotYours(topic, settings.facilitators)),
        None => Err(Unchangeable::AdminUnknown(topic)),
    })
}

/// The answer when no one knows whether the person is an admin: on the command, queues
/// `users.info` and the step that decides (in `tx`) and says so; in that step, says Slack did
/// not tell. `what` is the change ("withdraw it", "edit it").
pub async fn admin_unknown(
    tx: &mut PgConnection,
    state: &AppState,
    asker: &Asker<'_>,
    topic: &Topic,
    if_unknown: IfUnknown<'_>,
    what: &str,
) -> anyhow::Result<Reply> {
    let IfUnknown::Defer { text, request } = if_unknown else {
        return Ok(blocks::admin_check_failed(topic, what));
    };
    let now = state.clock.now();
    outbox::queue(
        tx,
        &Delivery::look_up_user(asker.user_id),
        state.clock.as_ref(),
    )
    .await
    .context("queuing the admin check")?;
    let job = Job::ChangeByAdmin {
        team_id: asker.team_id.to_string(),
        channel_id: asker.channel_id.to_string(),
        user_id: asker.user_id.to_string(),
        text: text.to_string(),
        request: request.to_string(),
    };
    let step = ScheduledJob {
        key: format!("{}:{request}", job.kind()),
        subject: user_subject(asker.user_id),
        job,
        due_at: now + ADMIN_CHECK_PATIENCE,
    };
    store::jobs::schedule(&mut *tx, &step, now)
        .await
        .context("scheduling the decision")?;
    tracing::info!(
        user = asker.user_id,
        number = topic.number,
        "asking Slack whether the user is an admin"
    );
    Ok(blocks::admin_check_pending(topic, what))
}
