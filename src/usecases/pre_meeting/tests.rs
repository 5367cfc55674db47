//! What a pre-meeting notice decides, without a database: which notices are scheduled, what a
//! notice posts, and when it does nothing.

use chrono::TimeZone;

use super::*;
use crate::slack::call::SlackCall;
use crate::slack::outgoing::Outgoing;

/// The default schedule: Wednesdays 11:00 UTC.
fn settings() -> ChannelSettings {
    ChannelSettings::default()
}

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
}

fn keys_and_times(steps: &[ScheduledJob]) -> Vec<(&str, DateTime<Utc>)> {
    steps
        .iter()
        .map(|step| (step.key.as_str(), step.due_at))
        .collect()
}

#[test]
fn the_notices_are_a_day_and_ten_minutes_before_the_next_meeting_unless_past() {
    // Tuesday 10:00, before the day-before notice (Tuesday 11:00) for Wednesday 18th's meeting.
    let both = notices(
        &ChannelId::from("C1"),
        &settings(),
        at(17, 10, 0),
        at(17, 10, 0),
    );
    assert_eq!(
        keys_and_times(&both),
        vec![
            ("pre-meeting:C1:1794999600:DayBefore", at(17, 11, 0)),
            ("pre-meeting:C1:1794999600:Soon", at(18, 10, 50)),
        ]
    );
    assert!(both.iter().all(|step| step.subject == "schedule:C1"));
    assert_eq!(
        both[1].job,
        Job::PreMeeting {
            channel_id: "C1".into(),
            occurrence: at(18, 11, 0),
            notice: PreMeetingNotice::Soon,
        }
    );

    let soon_only = notices(
        &ChannelId::from("C1"),
        &settings(),
        at(17, 12, 0),
        at(17, 12, 0),
    );
    assert_eq!(
        keys_and_times(&soon_only),
        vec![("pre-meeting:C1:1794999600:Soon", at(18, 10, 50))]
    );
}

#[test]
fn a_notice_posts_under_its_step_s_key_and_schedules_the_next_meeting_s() {
    let key = "pre-meeting:C1:1794999600:Soon";
    let decision = decide(
        key,
        &ChannelId::from("C1"),
        at(18, 11, 0),
        PreMeetingNotice::Soon,
        &settings(),
        &[],
        at(18, 10, 50),
    );
    assert!(decision.changes.is_empty());
    assert_eq!(decision.calls.len(), 1);
    let call = &decision.calls[0];
    assert_eq!(call.key, key);
    assert_eq!(call.sequence_key.as_deref(), Some("C1"));
    let Outgoing::Call(slack_call) = &call.outgoing else {
        panic!("expected a call, got {:?}", call.outgoing);
    };
    let SlackCall::PostMessage(request) = slack_call.as_ref() else {
        panic!("expected a post, got {slack_call:?}");
    };
    assert_eq!(request.channel.to_string(), "C1");
    let text = request.content.text.as_deref().unwrap_or_default();
    assert!(
        text.starts_with("*Arch Hour starts in 10 minutes*"),
        "{text}"
    );
    assert!(text.ends_with("No topics yet."), "{text}");
    assert_eq!(
        keys_and_times(&decision.steps),
        vec![
            ("pre-meeting:C1:1795604400:DayBefore", at(24, 11, 0)),
            ("pre-meeting:C1:1795604400:Soon", at(25, 10, 50)),
        ]
    );
}

#[test]
fn a_notice_for_a_meeting_the_schedule_no_longer_has_does_nothing() {
    let thursday = at(19, 11, 0);
    let stale = decide(
        "pre-meeting:C1:1795086000:DayBefore",
        &ChannelId::from("C1"),
        thursday,
        PreMeetingNotice::DayBefore,
        &settings(),
        &[],
        at(18, 11, 0),
    );
    assert!(stale.changes.is_empty() && stale.calls.is_empty() && stale.steps.is_empty());
}
