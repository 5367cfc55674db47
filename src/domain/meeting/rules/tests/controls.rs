//! A facilitator's overrides (extend, next, end), an empty agenda, and the steps and inputs a
//! phase refuses.

use super::*;

#[test]
fn extend_adds_the_next_box_until_the_last() {
    let boxes = boxes();
    let timing = timing(&boxes);
    let first = Phase::Discussing {
        topic_id: A,
        round: 1,
        ends_at: at(11, 10, 0),
    };
    let t = step(first, Input::Extend, Some(B), &timing, at(11, 4, 0)).unwrap();
    assert_eq!(
        t.phase,
        Phase::Discussing {
            topic_id: A,
            round: 2,
            ends_at: at(11, 15, 0)
        }
    );
    let voting = Phase::Voting {
        topic_id: A,
        round: 2,
        closes_at: at(11, 16, 0),
    };
    let t = step(voting, Input::Extend, Some(B), &timing, at(11, 15, 30)).unwrap();
    assert_eq!(
        t.phase,
        Phase::Discussing {
            topic_id: A,
            round: 3,
            ends_at: at(11, 20, 30)
        }
    );
    assert_eq!(
        step(t.phase, Input::Extend, Some(B), &timing, at(11, 17, 0)),
        Err(Refusal::LastBox {
            ends_at: at(11, 20, 30)
        })
    );
}

#[test]
fn next_and_end_override_the_clock() {
    let boxes = boxes();
    let timing = timing(&boxes);
    let voting = Phase::Voting {
        topic_id: A,
        round: 1,
        closes_at: at(11, 11, 0),
    };
    let t = step(voting, Input::Next, None, &timing, at(11, 10, 20)).unwrap();
    assert_eq!(t.phase, Phase::Idle);
    assert_eq!(
        t.effects,
        [
            Effect::FinishTopic {
                topic_id: A,
                rounds: 1,
                follow_up: false,
                finish: Finish::Skipped
            },
            Effect::AgendaDone
        ]
    );
    let discussing = Phase::Discussing {
        topic_id: B,
        round: 2,
        ends_at: at(11, 40, 0),
    };
    let t = step(discussing, Input::End, Some(A), &timing, at(11, 38, 0)).unwrap();
    assert_eq!(t.phase, Phase::Ended);
    assert_eq!(
        t.effects,
        [
            Effect::FinishTopic {
                topic_id: B,
                rounds: 2,
                follow_up: false,
                finish: Finish::MeetingEnded
            },
            Effect::EndMeeting
        ]
    );
    assert_eq!(
        step(t.phase, Input::Next, Some(A), &timing, at(11, 39, 0)),
        Err(Refusal::Ended)
    );
}

#[test]
fn steps_for_an_earlier_phase_are_stale() {
    let boxes = boxes();
    let timing = timing(&boxes);
    let voting = Phase::Voting {
        topic_id: A,
        round: 1,
        closes_at: at(11, 11, 0),
    };
    assert_eq!(
        step(voting, Input::BoxEnded, None, &timing, at(11, 11, 0)),
        Err(Refusal::Stale)
    );
    let discussing = Phase::Discussing {
        topic_id: A,
        round: 1,
        ends_at: at(11, 10, 0),
    };
    assert_eq!(
        step(
            discussing,
            Input::VoteClosed { up: 1, down: 0 },
            None,
            &timing,
            at(11, 11, 0)
        ),
        Err(Refusal::Stale)
    );
    assert_eq!(
        step(Phase::Starting, Input::Next, Some(A), &timing, at(11, 0, 0)),
        Err(Refusal::Starting)
    );
}

#[test]
fn an_empty_agenda_leaves_the_meeting_idle_until_topics_arrive() {
    let boxes = boxes();
    let timing = timing(&boxes);
    let t = step(Phase::Starting, Input::Kickoff, None, &timing, at(11, 0, 0)).unwrap();
    assert_eq!(
        (t.phase, t.effects),
        (Phase::Idle, vec![Effect::AgendaDone])
    );
    let t = step(Phase::Idle, Input::Next, Some(A), &timing, at(11, 5, 0)).unwrap();
    assert_eq!(
        t.phase,
        Phase::Discussing {
            topic_id: A,
            round: 1,
            ends_at: at(11, 15, 0)
        }
    );
}
