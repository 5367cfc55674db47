//! `config key value` (and `config facilitators …`): a facilitator (anyone, while the channel
//! names none) changes one of its settings. The steps that follow the changed setting are
//! rescheduled, the cards redrawn when their counts or emoji change, and the first
//! facilitators announced in the channel, so the meeting never leaves everyone's hands
//! silently.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::decision::{Change, Decided, Decision};
use super::facilitators::{self, FacilitatorsOnly};
use super::rights::Asker;
use super::{pre_meeting, weekly};
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::job::{digest_subject, reminders_subject, schedule_subject};
use crate::domain::settings::{ChannelSettings, SettingChange};
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// Answers `config key value`: changed, or refused.
pub async fn change(
    state: &AppState,
    command: &SlashCommand,
    change: &SettingChange,
) -> anyhow::Result<Reply> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let asker = Asker::of(command);
    let decided = load_and_decide(&mut tx, state, &asker, change).await?;
    state
        .carry_out(tx, Some(&command.team_id), decided, "settings")
        .await
}

/// Loads the channel's settings (locked until `tx` ends, so a concurrent change waits and
/// then reads this one's) and, when cards are redrawn, its open topics; and decides.
pub async fn load_and_decide(
    tx: &mut PgConnection,
    state: &AppState,
    asker: &Asker<'_>,
    change: &SettingChange,
) -> anyhow::Result<Decided<SettingsChange>> {
    let settings = store::settings::load_for_update(&mut *tx, asker.channel_id)
        .await
        .context("loading settings")?;
    let open_topics = if redraws_cards(change) {
        store::topics::open_in_channel(&mut *tx, asker.channel_id)
            .await
            .context("loading open topics")?
            .into_iter()
            .map(|topic| topic.id)
            .collect()
    } else {
        Vec::new()
    };
    Ok(decide(
        settings,
        &open_topics,
        asker,
        change,
        state.clock.now(),
    ))
}

/// Whether the change shows on the cards (their vote counts or emoji).
fn redraws_cards(change: &SettingChange) -> bool {
    matches!(
        change,
        SettingChange::VoteEmoji(_) | SettingChange::VotesPerPerson(_)
    )
}

/// Applies `change` to the channel's `settings` if `asker` may; `open_topics` are the cards
/// redrawn when it shows on them.
pub fn decide(
    settings: ChannelSettings,
    open_topics: &[i64],
    asker: &Asker<'_>,
    change: &SettingChange,
    now: DateTime<Utc>,
) -> Decided<SettingsChange> {
    let mut settings = facilitators::allowed(settings, asker.user_id, FacilitatorsOnly::Configure)?;
    let had_facilitators = !settings.facilitators.is_empty();
    settings.apply(change);
    let channel = asker.channel_id;
    let mut decision =
        Decision::reply(blocks::setting_changed(change)).change(SettingsChange::Save {
            channel_id: channel.clone(),
            settings: Box::new(settings.clone()),
            by: asker.user_id.clone(),
        });
    if let SettingChange::Facilitators(users) = change
        && !had_facilitators
        && !users.is_empty()
    {
        decision = decision.call(Delivery::post(
            format!("facilitators-set:{channel}:{}", now.timestamp_micros()),
            channel,
            blocks::facilitators_announced(asker.user_id, users),
        ));
    }
    // The steps that follow the changed setting: those pending are cancelled, the next ones
    // scheduled from now.
    let (schedule, reminders, digest) = match change {
        SettingChange::Schedule(_) => (true, true, true),
        SettingChange::Reminders(_) => (false, true, false),
        SettingChange::Digest(_) => (false, false, true),
        _ => (false, false, false),
    };
    if schedule {
        decision = decision.change(SettingsChange::cancel(schedule_subject(channel)));
        decision
            .steps
            .extend(pre_meeting::notices(channel, &settings, now, now));
    }
    if reminders {
        decision = decision.change(SettingsChange::cancel(reminders_subject(channel)));
        decision
            .steps
            .extend(weekly::reminder_run(channel, &settings).next(now));
    }
    if digest {
        decision = decision.change(SettingsChange::cancel(digest_subject(channel)));
        decision
            .steps
            .extend(weekly::digest(channel, &settings).next(now));
    }
    if redraws_cards(change) {
        let refreshes = open_topics
            .iter()
            .map(|id| Delivery::refresh_card(*id, Duration::ZERO));
        decision = decision.calls(refreshes);
    }
    Ok(decision)
}

/// A row change of a channel's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsChange {
    /// The channel's settings, as changed, and who changed them.
    Save {
        channel_id: ChannelId,
        settings: Box<ChannelSettings>,
        by: UserId,
    },
    /// The pending steps about `subject` (that no worker holds) cancelled; the decision
    /// schedules the next ones.
    CancelSteps { subject: String },
}

impl SettingsChange {
    fn cancel(subject: String) -> SettingsChange {
        SettingsChange::CancelSteps { subject }
    }
}

impl Change for SettingsChange {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        match self {
            SettingsChange::Save {
                channel_id,
                settings,
                by,
            } => store::settings::save(&mut *tx, channel_id, settings, by, now)
                .await
                .context("saving settings"),
            SettingsChange::CancelSteps { subject } => {
                store::jobs::cancel_subject(&mut *tx, subject, now)
                    .await
                    .with_context(|| format!("cancelling the pending steps of {subject}"))?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::ids::TeamId;
    use chrono::TimeZone;

    use super::*;
    use crate::domain::job::ScheduledJob;
    use crate::domain::meeting::Schedule;
    use crate::slack::call::SlackCall;
    use crate::slack::outgoing::{Outgoing, Render};
    use crate::usecases::refusal::Refusal;

    /// Monday 30 November 2026, 10:00 UTC.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
    }

    fn asker(user_id: &str) -> Asker<'_> {
        // Leaked: the asker lives as long as the test.
        Asker {
            team_id: Box::leak(Box::new(TeamId::from("T1"))),
            channel_id: Box::leak(Box::new(ChannelId::from("C1"))),
            user_id: Box::leak(Box::new(UserId::from(user_id))),
        }
    }

    fn facilitated_by(facilitators: &[&str]) -> ChannelSettings {
        ChannelSettings {
            facilitators: facilitators.iter().map(|&f| UserId::from(f)).collect(),
            ..ChannelSettings::default()
        }
    }

    fn change(
        settings: ChannelSettings,
        user: &str,
        change: &SettingChange,
    ) -> Decided<SettingsChange> {
        decide(settings, &[31, 32], &asker(user), change, now())
    }

    fn saved(settings: ChannelSettings, by: &str) -> SettingsChange {
        SettingsChange::Save {
            channel_id: ChannelId::from("C1".to_string()),
            settings: Box::new(settings),
            by: UserId::from(by.to_string()),
        }
    }

    fn keys_and_due(steps: &[ScheduledJob]) -> Vec<(&str, DateTime<Utc>)> {
        steps.iter().map(|s| (s.key.as_str(), s.due_at)).collect()
    }

    #[test]
    fn only_a_facilitator_may_and_the_refusal_names_them() {
        let emoji = SettingChange::VoteEmoji("ballot".to_string());
        let refused = change(facilitated_by(&["U7", "U8"]), "U9", &emoji).map(|d| d.changes);
        assert_eq!(
            refused,
            Err(Refusal::NotFacilitator {
                what: FacilitatorsOnly::Configure,
                facilitators: vec![UserId::from("U7"), UserId::from("U8")],
            })
        );
        let reply = refused.unwrap_err().reply();
        assert_eq!(
            reply.text,
            "Only this channel's facilitators (<@U7>, <@U8>) can change its settings. \
             Nothing was changed."
        );
        assert!(change(facilitated_by(&["U7", "U8"]), "U8", &emoji).is_ok());
        assert!(change(facilitated_by(&[]), "U9", &emoji).is_ok());
    }

    #[test]
    fn a_new_vote_emoji_is_saved_and_every_open_card_redrawn() {
        let emoji = SettingChange::VoteEmoji("ballot".to_string());
        let decision = change(facilitated_by(&[]), "U9", &emoji).unwrap();
        let expected = ChannelSettings {
            vote_emoji: "ballot".to_string(),
            ..ChannelSettings::default()
        };
        assert_eq!(decision.changes, vec![saved(expected, "U9")]);
        let redrawn: Vec<(&Outgoing, Option<&str>)> = decision
            .calls
            .iter()
            .map(|c| (&c.outgoing, c.coalesce_key.as_deref()))
            .collect();
        let card = |topic_id| Outgoing::Render(Render::TopicCard { topic_id });
        assert_eq!(
            redrawn,
            vec![(&card(31), Some("card:31")), (&card(32), Some("card:32"))]
        );
        assert!(decision.steps.is_empty());
        assert!(
            decision.reply.text.starts_with("Set `vote_emoji` to"),
            "{}",
            decision.reply.text
        );
    }

    #[test]
    fn a_new_schedule_moves_the_notices_reminders_and_digest_and_redraws_nothing() {
        let schedule = Schedule::parse("thu 14:00 Europe/Berlin 45m").unwrap();
        let decision = change(
            facilitated_by(&["U7"]),
            "U7",
            &SettingChange::Schedule(schedule),
        )
        .unwrap();
        let mut expected = facilitated_by(&["U7"]);
        expected.schedule = schedule;
        let cancel = |subject: &str| SettingsChange::CancelSteps {
            subject: subject.to_string(),
        };
        assert_eq!(
            decision.changes,
            vec![
                saved(expected, "U7"),
                cancel("schedule:C1"),
                cancel("reminders:C1"),
                cancel("digest:C1"),
            ]
        );
        assert!(decision.calls.is_empty());
        // Thursday 3 December 14:00 in Berlin is 13:00 UTC; the reminders (Tuesday 10:00) and
        // the digest (Monday 09:00) follow the new time zone too.
        let at = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
        assert_eq!(
            keys_and_due(&decision.steps),
            vec![
                ("pre-meeting:C1:1796302800:DayBefore", at(2, 13, 0)),
                ("pre-meeting:C1:1796302800:Soon", at(3, 12, 50)),
                ("reminder-run:C1:1796115600", at(1, 9, 0)),
                ("digest:C1:1796630400", at(7, 8, 0)),
            ]
        );
    }

    #[test]
    fn turning_the_digest_off_cancels_it_and_schedules_none() {
        let decision = change(facilitated_by(&[]), "U9", &SettingChange::Digest(None)).unwrap();
        let expected = ChannelSettings {
            digest: None,
            ..ChannelSettings::default()
        };
        let cancel = SettingsChange::CancelSteps {
            subject: "digest:C1".to_string(),
        };
        assert_eq!(decision.changes, vec![saved(expected, "U9"), cancel]);
        assert!(decision.steps.is_empty() && decision.calls.is_empty());
    }

    #[test]
    fn the_first_facilitators_are_announced_in_the_channel_and_later_ones_not() {
        let first = SettingChange::Facilitators(vec![UserId::from("U7".to_string())]);
        let decision = change(facilitated_by(&[]), "U9", &first).unwrap();
        assert_eq!(decision.changes, vec![saved(facilitated_by(&["U7"]), "U9")]);
        assert_eq!(decision.calls.len(), 1);
        let announcement = &decision.calls[0];
        assert_eq!(announcement.key, "facilitators-set:C1:1796032800000000");
        let Outgoing::Call(call) = &announcement.outgoing else {
            panic!("expected a call");
        };
        let SlackCall::PostMessage(request) = &**call else {
            panic!("expected chat.postMessage, got {call:?}");
        };
        assert_eq!(request.channel.to_string(), "C1");
        let text = request.content.text.clone().unwrap_or_default();
        assert!(
            text.starts_with("<@U9> made <@U7> the facilitators"),
            "{text}"
        );

        let more = SettingChange::Facilitators(vec![UserId::from("U7"), UserId::from("U8")]);
        let decision = change(facilitated_by(&["U7"]), "U7", &more).unwrap();
        assert!(decision.calls.is_empty());
        let none = SettingChange::Facilitators(Vec::new());
        assert!(
            change(facilitated_by(&[]), "U9", &none)
                .unwrap()
                .calls
                .is_empty()
        );
    }
}
