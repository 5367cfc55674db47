//! The ladder, worked by hand with the default timing: boxes of 10, 5 and 5 minutes, a
//! warning 2 minutes before the end, a 60-second vote.

// A test reads best as one story from setup to assertions, however long.
#![allow(clippy::too_many_lines)]

use chrono::{Duration, TimeZone};

use super::*;

const A: i64 = 1;
const B: i64 = 2;

fn at(hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, hour, minute, second)
        .unwrap()
}

fn boxes() -> Vec<Span> {
    vec![
        Span::from_secs(600),
        Span::from_secs(300),
        Span::from_secs(300),
    ]
}

fn timing(boxes: &[Span]) -> Timing<'_> {
    Timing {
        boxes,
        warning: Span::from_secs(120),
        vote_window: Span::from_secs(60),
    }
}

#[test]
fn the_whole_ladder_from_kickoff_to_the_next_topic() {
    let boxes = boxes();
    let timing = timing(&boxes);

    // 11:00 kickoff: A gets its first box, until 11:10, with a warning at 11:08.
    let t = step(
        Phase::Starting,
        Input::Kickoff,
        Some(A),
        &timing,
        at(11, 0, 0),
    )
    .unwrap();
    assert_eq!(
        t.phase,
        Phase::Discussing {
            topic_id: A,
            round: 1,
            ends_at: at(11, 10, 0)
        }
    );
    assert_eq!(
        t.effects,
        [Effect::StartTopic {
            topic_id: A,
            ends_at: at(11, 10, 0),
            length: Span::from_secs(600)
        }]
    );
    assert_eq!(
        steps_due(t.phase, &timing, at(11, 0, 0)),
        [Due::Warning(at(11, 8, 0)), Due::BoxEnd(at(11, 10, 0))]
    );

    // 11:10 time's up: the room votes until 11:11 on 5 more minutes.
    let t = step(t.phase, Input::BoxEnded, Some(B), &timing, at(11, 10, 0)).unwrap();
    assert_eq!(
        t.phase,
        Phase::Voting {
            topic_id: A,
            round: 1,
            closes_at: at(11, 11, 0)
        }
    );
    assert_eq!(
        t.effects,
        [Effect::CallVote {
            topic_id: A,
            round: 1,
            closes_at: at(11, 11, 0),
            next_box: Span::from_secs(300)
        }]
    );
    assert_eq!(
        steps_due(t.phase, &timing, at(11, 10, 0)),
        [Due::VoteClose(at(11, 11, 0))]
    );

    // 11:11 👍 3 to 1: second box until 11:16.
    let t = step(
        t.phase,
        Input::VoteClosed { up: 3, down: 1 },
        Some(B),
        &timing,
        at(11, 11, 0),
    )
    .unwrap();
    assert_eq!(
        t.phase,
        Phase::Discussing {
            topic_id: A,
            round: 2,
            ends_at: at(11, 16, 0)
        }
    );
    assert_eq!(
        t.effects,
        [Effect::ContinueTopic {
            topic_id: A,
            round: 2,
            ends_at: at(11, 16, 0),
            length: Span::from_secs(300),
            grant: Grant::Voted { up: 3, down: 1 }
        }]
    );

    // 11:16 time's up again; 11:17 👎 wins 2 to 1: A is done, B starts until 11:27.
    let t = step(t.phase, Input::BoxEnded, Some(B), &timing, at(11, 16, 0)).unwrap();
    assert_eq!(
        t.phase,
        Phase::Voting {
            topic_id: A,
            round: 2,
            closes_at: at(11, 17, 0)
        }
    );
    let t = step(
        t.phase,
        Input::VoteClosed { up: 1, down: 2 },
        Some(B),
        &timing,
        at(11, 17, 0),
    )
    .unwrap();
    assert_eq!(
        t.phase,
        Phase::Discussing {
            topic_id: B,
            round: 1,
            ends_at: at(11, 27, 0)
        }
    );
    assert_eq!(
        t.effects,
        [
            Effect::FinishTopic {
                topic_id: A,
                rounds: 2,
                follow_up: false,
                finish: Finish::MovedOn { up: 1, down: 2 }
            },
            Effect::StartTopic {
                topic_id: B,
                ends_at: at(11, 27, 0),
                length: Span::from_secs(600)
            }
        ]
    );
}

#[test]
fn a_tie_or_no_votes_moves_on() {
    let boxes = boxes();
    let timing = timing(&boxes);
    let voting = Phase::Voting {
        topic_id: A,
        round: 1,
        closes_at: at(11, 11, 0),
    };
    for (up, down) in [(2, 2), (0, 0), (0, 1)] {
        let t = step(
            voting,
            Input::VoteClosed { up, down },
            Some(B),
            &timing,
            at(11, 11, 0),
        )
        .unwrap();
        assert_eq!(
            t.phase,
            Phase::Discussing {
                topic_id: B,
                round: 1,
                ends_at: at(11, 21, 0)
            }
        );
        assert!(matches!(
            t.effects[0],
            Effect::FinishTopic {
                topic_id: A,
                finish: Finish::MovedOn { .. },
                ..
            }
        ));
    }
}

#[test]
fn after_the_last_box_there_is_no_vote_and_the_next_topic_starts() {
    let boxes = boxes();
    let timing = timing(&boxes);
    let third = Phase::Discussing {
        topic_id: A,
        round: 3,
        ends_at: at(11, 21, 0),
    };
    let t = step(third, Input::BoxEnded, Some(B), &timing, at(11, 21, 0)).unwrap();
    assert_eq!(
        t.phase,
        Phase::Discussing {
            topic_id: B,
            round: 1,
            ends_at: at(11, 31, 0)
        }
    );
    assert_eq!(
        t.effects[0],
        Effect::FinishTopic {
            topic_id: A,
            rounds: 3,
            follow_up: true,
            finish: Finish::LastBox
        }
    );
}

#[test]
fn a_single_box_ends_without_a_vote_or_a_follow_up() {
    let boxes = [Span::from_secs(900)];
    let timing = timing(&boxes);
    let only = Phase::Discussing {
        topic_id: A,
        round: 1,
        ends_at: at(11, 15, 0),
    };
    let t = step(only, Input::BoxEnded, None, &timing, at(11, 15, 0)).unwrap();
    assert_eq!(t.phase, Phase::Idle);
    assert_eq!(
        t.effects,
        [
            Effect::FinishTopic {
                topic_id: A,
                rounds: 1,
                follow_up: false,
                finish: Finish::LastBox
            },
            Effect::AgendaDone
        ]
    );
}

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

#[test]
fn no_warning_when_the_box_is_shorter_than_the_warning_or_warnings_are_off() {
    let boxes = [Span::from_secs(20), Span::from_secs(10)];
    let short = Phase::Discussing {
        topic_id: A,
        round: 1,
        ends_at: at(11, 0, 20),
    };
    assert_eq!(
        steps_due(short, &timing(&boxes), at(11, 0, 0)),
        [Due::BoxEnd(at(11, 0, 20))]
    );
    let off = Timing {
        warning: Span::from_secs(0),
        ..timing(&boxes)
    };
    let long = Phase::Discussing {
        topic_id: A,
        round: 1,
        ends_at: at(11, 10, 0),
    };
    assert_eq!(
        steps_due(long, &off, at(11, 0, 0)),
        [Due::BoxEnd(at(11, 10, 0))]
    );
    let _ = Duration::zero();
}
