//! The clock's ladder: a box ends, the room votes, the next box or the next topic; the last
//! box stops hard; warnings come before a box ends.

use super::*;

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
}
