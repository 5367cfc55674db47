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
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::decision::{Decided, Decision};
use super::refusal::Refusal;
pub use super::refusal::TopicRequest;
use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::job::{Job, ScheduledJob, user_subject};
use crate::domain::settings::ChannelSettings;
use crate::domain::topics::{Topic, TopicState};
use crate::domain::users::TRUSTED_FOR;
use crate::slack::blocks;
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;

/// How long a change waits for Slack to say whether the person is an admin before it is
/// answered without knowing (the outbox tries `users.info` a few times with backoff meanwhile).
const ADMIN_CHECK_PATIENCE: Duration = Duration::from_secs(120);

/// Who asks for a change, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asker<'a> {
    pub team_id: &'a TeamId,
    pub channel_id: &'a ChannelId,
    pub user_id: &'a UserId,
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

#[cfg(test)]
impl Asker<'static> {
    /// U9 asking in channel C1 of T1, for tests (leaked: it lives as long as the test).
    pub fn u9_in_c1() -> Asker<'static> {
        Asker {
            team_id: Box::leak(Box::new(TeamId::from("T1"))),
            channel_id: Box::leak(Box::new(ChannelId::from("C1"))),
            user_id: Box::leak(Box::new(UserId::from("U9"))),
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

impl<'a> IfUnknown<'a> {
    /// Answering `command`: ask Slack, and decide its text in a step.
    pub fn answering(command: &'a SlashCommand) -> IfUnknown<'a> {
        IfUnknown::Defer {
            text: &command.text,
            request: &command.trigger_id,
        }
    }
}

/// A topic someone asks to change, with what decides whether they may.
#[derive(Debug, Clone)]
pub struct Subject {
    pub topic: Topic,
    pub settings: ChannelSettings,
    /// What Slack last said (within [`TRUSTED_FOR`]) about whether the asker is a workspace
    /// admin; read only when it decides.
    pub asker_is_admin: Option<bool>,
}

/// Topic `number` of the asker's channel, locked until `tx` ends, with its channel's settings
/// and what is known of the asker; refused if the channel has no such topic.
pub async fn load(
    tx: &mut PgConnection,
    asker: &Asker<'_>,
    number: TopicNumber,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Subject, Refusal>> {
    let Some(topic) =
        store::topics::lock_by_number(&mut *tx, asker.team_id, asker.channel_id, number)
            .await
            .context("loading a topic")?
    else {
        return Ok(Err(Refusal::NoSuchTopic(number)));
    };
    let settings = store::settings::load(&mut *tx, &topic.channel_id)
        .await
        .context("loading settings")?;
    let admin_decides = !topic.proposed_by(asker.user_id) && settings.facilitators.is_empty();
    let asker_is_admin = if admin_decides {
        store::users::get(&mut *tx, asker.user_id, now - TRUSTED_FOR)
            .await
            .context("reading what Slack said about the user")?
            .map(|kind| kind.is_admin)
    } else {
        None
    };
    Ok(Ok(Subject {
        topic,
        settings,
        asker_is_admin,
    }))
}

/// Whether `asker` may make `request` of an open `subject`: `None` when they may; otherwise
/// what is decided instead — a refusal, or (while no one knows whether they are an admin)
/// asking Slack and deciding in a step.
pub fn check<C>(
    subject: &Subject,
    asker: &Asker<'_>,
    request: TopicRequest,
    if_unknown: IfUnknown<'_>,
    now: DateTime<Utc>,
) -> Option<Decided<C>> {
    let topic = &subject.topic;
    if topic.state != TopicState::Open {
        return Some(Err(Refusal::NotOpen {
            topic: Box::new(topic.clone()),
            request,
        }));
    }
    let user = asker.user_id;
    let facilitators = &subject.settings.facilitators;
    let allowed = topic.proposed_by(user)
        || facilitators.iter().any(|f| f == user)
        || (facilitators.is_empty() && subject.asker_is_admin == Some(true));
    if allowed {
        return None;
    }
    let not_yours = Refusal::NotYours {
        topic: Box::new(topic.clone()),
        facilitators: facilitators.clone(),
        request,
    };
    if !facilitators.is_empty() || subject.asker_is_admin.is_some() {
        return Some(Err(not_yours));
    }
    Some(match if_unknown {
        IfUnknown::Refuse => Err(Refusal::AdminCheckFailed {
            topic: Box::new(topic.clone()),
            request,
        }),
        IfUnknown::Defer { text, request: id } => {
            Ok(ask_slack(topic, asker, request, text, id, now))
        }
    })
}

/// Asks Slack whether `asker` is an admin, and decides the command `text` (named by `id`) in a
/// step once it has answered.
fn ask_slack<C>(
    topic: &Topic,
    asker: &Asker<'_>,
    request: TopicRequest,
    text: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Decision<C> {
    let job = Job::ChangeByAdmin {
        team_id: asker.team_id.clone(),
        channel_id: asker.channel_id.clone(),
        user_id: asker.user_id.clone(),
        text: text.to_string(),
        request: id.to_string(),
    };
    Decision::reply(blocks::admin_check_pending(topic, request.what()))
        .call(Delivery::look_up_user(asker.user_id))
        .step(ScheduledJob {
            key: format!("{}:{id}", job.kind()),
            subject: user_subject(asker.user_id),
            job,
            due_at: now + ADMIN_CHECK_PATIENCE,
        })
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use chrono::TimeZone;

    use super::*;
    use crate::slack::call::SlackCall;
    use crate::slack::outgoing::Outgoing;
    use crate::usecases::decision::NoChange;

    const NOW: fn() -> DateTime<Utc> = || Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();

    /// Topic #12 by U42, in a channel with these facilitators; what Slack said of the asker.
    fn subject(facilitators: &[&str], asker_is_admin: Option<bool>) -> Subject {
        Subject {
            topic: blocks::tests::topic(),
            settings: ChannelSettings {
                facilitators: facilitators.iter().map(|&f| UserId::from(f)).collect(),
                ..ChannelSettings::default()
            },
            asker_is_admin,
        }
    }

    static TEAM: LazyLock<TeamId> = LazyLock::new(|| TeamId::from("T1"));
    static CHANNEL: LazyLock<ChannelId> = LazyLock::new(|| ChannelId::from("C1"));

    fn asker(user_id: &UserId) -> Asker<'_> {
        Asker {
            team_id: &TEAM,
            channel_id: &CHANNEL,
            user_id,
        }
    }

    const DEFER: IfUnknown<'static> = IfUnknown::Defer {
        text: "withdraw 12",
        request: "trigger-1",
    };

    fn check_withdraw(
        subject: &Subject,
        user: &UserId,
        if_unknown: IfUnknown<'_>,
    ) -> Option<Decided<NoChange>> {
        check(
            subject,
            &asker(user),
            TopicRequest::Withdraw,
            if_unknown,
            NOW(),
        )
    }

    #[test]
    fn the_author_and_the_facilitators_may() {
        assert!(check_withdraw(&subject(&[], None), &UserId::from("U42"), DEFER).is_none());
        assert!(check_withdraw(&subject(&["U7"], None), &UserId::from("U42"), DEFER).is_none());
        assert!(
            check_withdraw(&subject(&["U7", "U8"], None), &UserId::from("U8"), DEFER).is_none()
        );
    }

    #[test]
    fn with_facilitators_no_one_else_may_and_they_are_named() {
        let refused = check_withdraw(&subject(&["U7"], Some(true)), &UserId::from("U9"), DEFER);
        let Some(Err(Refusal::NotYours {
            facilitators,
            request,
            ..
        })) = refused
        else {
            panic!("expected a refusal, got {refused:?}");
        };
        assert_eq!(facilitators, vec![UserId::from("U7")]);
        assert_eq!(request, TopicRequest::Withdraw);
    }

    #[test]
    fn without_facilitators_a_known_admin_may_and_a_known_member_may_not() {
        assert!(check_withdraw(&subject(&[], Some(true)), &UserId::from("U9"), DEFER).is_none());
        let refused = check_withdraw(&subject(&[], Some(false)), &UserId::from("U9"), DEFER);
        assert!(
            matches!(refused, Some(Err(Refusal::NotYours { ref facilitators, .. })) if facilitators.is_empty()),
            "{refused:?}"
        );
    }

    #[test]
    fn a_topic_that_is_not_open_is_refused_even_to_its_author() {
        let mut closed = subject(&[], None);
        closed.topic.state = TopicState::Discussed;
        let refused = check_withdraw(&closed, &UserId::from("U42"), DEFER);
        assert!(
            matches!(refused, Some(Err(Refusal::NotOpen { .. }))),
            "{refused:?}"
        );
    }

    #[test]
    fn when_no_one_knows_the_command_asks_slack_and_decides_in_two_minutes() {
        let Some(Ok(decision)) = check_withdraw(&subject(&[], None), &UserId::from("U9"), DEFER)
        else {
            panic!("expected a decision to ask Slack");
        };
        assert!(decision.changes.is_empty());
        assert_eq!(decision.calls.len(), 1);
        let Outgoing::Call(call) = &decision.calls[0].outgoing else {
            panic!("expected a call");
        };
        assert_eq!(**call, SlackCall::user_info(&UserId::from("U9")));
        assert_eq!(decision.steps.len(), 1);
        let step = &decision.steps[0];
        assert_eq!(step.key, "change_by_admin:trigger-1");
        assert_eq!(
            step.due_at,
            Utc.with_ymd_and_hms(2026, 11, 30, 10, 2, 0).unwrap()
        );
        assert!(
            matches!(&step.job, Job::ChangeByAdmin { text, user_id, .. } if text == "withdraw 12" && user_id == "U9")
        );
        assert!(
            decision.reply.text.contains("asking Slack"),
            "{}",
            decision.reply.text
        );
    }

    #[test]
    fn when_slack_did_not_say_the_step_refuses() {
        let refused = check_withdraw(&subject(&[], None), &UserId::from("U9"), IfUnknown::Refuse);
        assert!(
            matches!(refused, Some(Err(Refusal::AdminCheckFailed { .. }))),
            "{refused:?}"
        );
    }
}
