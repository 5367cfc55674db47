//! What the controls decide before the meeting's rules do, without a database: `start`'s
//! steps, stale buttons, counting a vote now, and how the rules' refusals read.

use chrono::TimeZone;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 11, 0, 0).unwrap()
}

fn discussing(topic_id: i64) -> Phase {
    Phase::Discussing {
        topic_id,
        round: 1,
        ends_at: now(),
    }
}

fn voting(topic_id: i64) -> Phase {
    Phase::Voting {
        topic_id,
        round: 1,
        closes_at: now(),
    }
}

#[test]
fn start_kicks_the_meeting_off_now_and_ends_it_after_the_schedule_s_length() {
    let decision = decide_start(Some(5), &ChannelSettings::default(), now()).expect("started");
    assert!(decision.changes.is_empty() && decision.calls.is_empty());
    let steps: Vec<(&str, &str, DateTime<Utc>)> = decision
        .steps
        .iter()
        .map(|step| (step.key.as_str(), step.subject.as_str(), step.due_at))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("meeting_kickoff:meeting:5", "meeting:5", now()),
            (
                "meeting_auto_end:meeting:5",
                "meeting:5",
                Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
            ),
        ]
    );
    assert_eq!(decision.steps[0].job, Job::MeetingKickoff { meeting_id: 5 });
    assert_eq!(decision.steps[1].job, Job::MeetingAutoEnd { meeting_id: 5 });
    assert!(decision.reply.text.starts_with("Starting Arch Hour"));
}

#[test]
fn start_while_a_meeting_runs_is_refused() {
    let refused = decide_start(None, &ChannelSettings::default(), now()).unwrap_err();
    assert_eq!(refused, Refusal::MeetingRunning);
    assert!(refused.reply().text.contains("already running"));
}

#[test]
fn commands_go_to_the_rules_whatever_the_phase() {
    for phase in [Phase::Starting, discussing(3), voting(3), Phase::Idle] {
        assert_eq!(
            decide_control(phase, MeetingControl::Next, None),
            Ok(ControlAction::Step(Input::Next))
        );
        assert_eq!(
            decide_control(phase, MeetingControl::Extend, None),
            Ok(ControlAction::Step(Input::Extend))
        );
    }
}

#[test]
fn a_button_for_a_topic_the_meeting_moved_past_is_stale() {
    assert_eq!(
        decide_control(discussing(4), MeetingControl::Next, Some(3)),
        Err(Refusal::StaleButton)
    );
    assert_eq!(
        decide_control(Phase::Idle, MeetingControl::End, Some(3)),
        Err(Refusal::StaleButton)
    );
    assert_eq!(
        decide_control(discussing(3), MeetingControl::End, Some(3)),
        Ok(ControlAction::Step(Input::End))
    );
}

#[test]
fn counting_votes_now_brings_the_close_forward_only_while_voting() {
    assert_eq!(
        decide_control(voting(3), MeetingControl::CloseVote, Some(3)),
        Ok(ControlAction::CloseVoteNow)
    );
    assert_eq!(
        decide_control(discussing(3), MeetingControl::CloseVote, Some(3)),
        Err(Refusal::StaleButton)
    );
}

#[test]
fn the_rules_refusals_read_as_the_facilitator_is_told() {
    let berlin = chrono_tz::Europe::Berlin;
    let last = refused_by_rules(rules::Refusal::LastBox { ends_at: now() }, berlin);
    assert_eq!(
        last,
        Refusal::LastBox {
            ends_at: now(),
            tz: berlin
        }
    );
    assert!(
        last.reply().text.contains("hard stop"),
        "{}",
        last.reply().text
    );
    assert_eq!(
        refused_by_rules(rules::Refusal::Starting, berlin),
        Refusal::MeetingStarting
    );
    assert_eq!(
        refused_by_rules(rules::Refusal::NothingToExtend, berlin),
        Refusal::NothingToExtend
    );
    for gone in [rules::Refusal::Ended, rules::Refusal::Stale] {
        assert_eq!(refused_by_rules(gone, berlin), Refusal::NoMeeting);
    }
}
