//! What a reminder run decides, without a database: whom it DMs with which items, what it
//! records, when the next weekly run is, and when it does nothing.

use chrono::TimeZone;

use super::*;
use crate::domain::actions::ItemState;
use crate::domain::ids::{ChannelId, ItemNumber, UserId};
use crate::domain::meeting::WeeklyTime;
use crate::slack::outgoing::{AfterSend, Outgoing, Render};

/// Tuesday 2026-11-17, 09:00:30 in Berlin (UTC+1): just after the weekly run's time.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 17, 8, 0, 30).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn item(id: i64, owners: &[&str], created: u32, due: Option<u32>) -> ActionItem {
    ActionItem {
        id,
        number: ItemNumber(i32::try_from(id).unwrap()),
        team_id: "T1".into(),
        channel_id: "C1".into(),
        text: format!("item {id}"),
        owners: owners.iter().map(|&o| UserId::from(o)).collect(),
        owner_names: Vec::new(),
        due_on: due.map(day),
        topic_id: None,
        meeting_id: None,
        created_by: "U9".into(),
        created_at: Utc.with_ymd_and_hms(2026, 11, created, 12, 0, 0).unwrap(),
        state: ItemState::Open,
        snoozed_until: None,
    }
}

/// U1 and U2 own #1 (due today), U1 #2 (overdue), U5 #5; #3 is done, #4 snoozed till Friday.
fn items() -> Vec<ActionItem> {
    let done = ActionItem {
        state: ItemState::Done,
        ..item(3, &["U3"], 2, None)
    };
    let snoozed = ActionItem {
        snoozed_until: Some(Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap()),
        ..item(4, &["U4"], 2, None)
    };
    vec![
        item(2, &["U1"], 5, Some(10)),
        item(1, &["U1", "U2"], 1, Some(17)),
        done,
        snoozed,
        item(5, &["U5"], 3, None),
    ]
}

fn run(key: &str, kind: ReminderKind, items: Option<Vec<ActionItem>>) -> Run {
    Run {
        key: key.into(),
        channel_id: "C1".into(),
        kind,
        by: None,
        tz: chrono_tz::Europe::Berlin,
        items,
    }
}

fn dm(key: &str, user: &str, ids: &[i64]) -> RunChange {
    RunChange::Dm {
        run_key: key.into(),
        user_id: user.into(),
        item_ids: ids.to_vec(),
    }
}

/// Tuesdays at 09:00 in Berlin.
fn settings() -> ChannelSettings {
    let mut settings = ChannelSettings {
        reminders: WeeklyTime::parse("tue 09:00"),
        ..ChannelSettings::default()
    };
    settings.schedule.tz = chrono_tz::Europe::Berlin;
    settings
}

/// Each DM goes to its owner, is rendered from the run's rows, and records where it went.
fn assert_dms_to(decision: &Decision<RunChange>, key: &str, users: &[&str]) {
    let sent: Vec<(&str, &Outgoing, &Option<AfterSend>)> = decision
        .calls
        .iter()
        .map(|call| (call.key.as_str(), &call.outgoing, &call.after_send))
        .collect();
    let keys: Vec<String> = users
        .iter()
        .map(|user| format!("reminder-dm:{key}:{user}"))
        .collect();
    assert_eq!(sent.len(), users.len(), "{sent:?}");
    for ((sent_key, outgoing, after), (user, key_wanted)) in
        sent.iter().zip(users.iter().zip(&keys))
    {
        assert_eq!(sent_key, key_wanted);
        assert_eq!(
            **outgoing,
            Outgoing::Render(Render::ReminderDm {
                run_key: key.into(),
                user_id: UserId::from(user.to_string()),
            })
        );
        assert_eq!(
            **after,
            Some(AfterSend::RecordReminderDm {
                run_key: key.into(),
                user_id: UserId::from(user.to_string()),
            })
        );
    }
}

#[test]
fn remind_dms_each_owner_of_open_unsnoozed_items_once_listing_them_oldest_first() {
    let key = "remind:C1:2026-11-17";
    let run = Run {
        by: Some("U7".into()),
        ..run(key, ReminderKind::Everyone, Some(items()))
    };
    let decision = decide_remind(&run, now()).expect("a run not yet made");
    assert_eq!(
        decision.changes,
        vec![
            RunChange::Start {
                run_key: key.into(),
                channel_id: "C1".into(),
                by: Some("U7".into()),
            },
            dm(key, "U1", &[1, 2]),
            dm(key, "U2", &[1]),
            dm(key, "U5", &[5]),
        ]
    );
    assert_dms_to(&decision, key, &["U1", "U2", "U5"]);
    assert!(decision.steps.is_empty());
    assert_eq!(decision.reply.text, "Sent reminders: 3 DMs.");
}

#[test]
fn remind_with_nothing_open_records_the_run_and_says_no_one_was_reminded() {
    let key = "remind:C1:2026-11-17";
    let decision = decide_remind(&run(key, ReminderKind::Everyone, Some(Vec::new())), now())
        .expect("a run not yet made");
    assert_eq!(decision.changes.len(), 1, "{:?}", decision.changes);
    assert!(matches!(decision.changes[0], RunChange::Start { .. }));
    assert!(decision.calls.is_empty());
    assert!(
        decision.reply.text.starts_with("Nobody in this channel"),
        "{}",
        decision.reply.text
    );
}

#[test]
fn remind_twice_in_a_day_is_refused() {
    let refused = decide_remind(
        &run("remind:C1:2026-11-17", ReminderKind::Everyone, None),
        now(),
    );
    assert_eq!(refused.unwrap_err(), Refusal::AlreadyReminded);
    assert!(
        Refusal::AlreadyReminded
            .reply()
            .text
            .contains("already went out today")
    );
}

#[test]
fn the_due_morning_dms_only_owners_with_something_due_that_day_listing_all_their_items() {
    let key = "due:C1:2026-11-17";
    let decision = decide_due_morning(
        &run(key, ReminderKind::DueOn(day(17)), Some(items())),
        now(),
    );
    assert_eq!(
        decision.changes[1..],
        [dm(key, "U1", &[1, 2]), dm(key, "U2", &[1])]
    );
    assert_dms_to(&decision, key, &["U1", "U2"]);

    let again = decide_due_morning(&run(key, ReminderKind::DueOn(day(17)), None), now());
    assert!(again.changes.is_empty() && again.calls.is_empty() && again.steps.is_empty());
}

#[test]
fn the_weekly_run_dms_and_schedules_the_next_one_a_week_later() {
    let occurrence = Utc.with_ymd_and_hms(2026, 11, 17, 8, 0, 0).unwrap();
    let key = "reminders:C1:1794902400";
    let everyone = run(key, ReminderKind::Everyone, Some(items()));
    let decision = decide_weekly(&everyone, &settings(), occurrence, now());
    assert_eq!(decision.changes.len(), 4, "{:?}", decision.changes);
    assert_dms_to(&decision, key, &["U1", "U2", "U5"]);
    assert_eq!(decision.steps.len(), 1);
    let due_at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap();
    assert_eq!(
        &decision.steps[0],
        &ScheduledJob {
            key: "reminder-run:C1:1795507200".to_string(),
            subject: "reminders:C1".to_string(),
            due_at,
            job: Job::ReminderRun {
                channel_id: "C1".into(),
                occurrence: due_at,
            }
        }
    );

    // Run again (a retried step): no DMs, and the same next run (a no-op to schedule).
    let again = decide_weekly(
        &run(key, ReminderKind::Everyone, None),
        &settings(),
        occurrence,
        now(),
    );
    assert!(again.changes.is_empty() && again.calls.is_empty());
    assert_eq!(again.steps, decision.steps);
}

#[test]
fn a_weekly_run_for_a_time_the_setting_no_longer_names_does_nothing() {
    let wednesday = Utc.with_ymd_and_hms(2026, 11, 18, 8, 0, 0).unwrap();
    let everyone = run(
        "reminders:C1:1794988800",
        ReminderKind::Everyone,
        Some(items()),
    );
    let stale = decide_weekly(&everyone, &settings(), wednesday, now());
    assert!(stale.changes.is_empty() && stale.calls.is_empty() && stale.steps.is_empty());

    let off = ChannelSettings {
        reminders: None,
        ..settings()
    };
    let occurrence = Utc.with_ymd_and_hms(2026, 11, 17, 8, 0, 0).unwrap();
    let stale = decide_weekly(&everyone, &off, occurrence, now());
    assert!(stale.changes.is_empty() && stale.calls.is_empty() && stale.steps.is_empty());
}

#[test]
fn the_due_morning_run_is_at_nine_channel_time_unless_that_is_past() {
    let step =
        due_morning(&ChannelId::from("C1"), &settings(), day(18), now()).expect("tomorrow morning");
    assert_eq!(step.key, "due-morning:C1:2026-11-18");
    assert_eq!(step.subject, "due:C1");
    assert_eq!(
        step.due_at,
        Utc.with_ymd_and_hms(2026, 11, 18, 8, 0, 0).unwrap()
    );
    assert_eq!(
        step.job,
        Job::DueMorning {
            channel_id: "C1".into(),
            date: day(18),
        }
    );
    assert_eq!(
        due_morning(&ChannelId::from("C1"), &settings(), day(17), now()),
        None
    );
}
