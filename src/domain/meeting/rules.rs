//! The meeting's state machine: what happens when a box ends, a vote closes, or a facilitator
//! says next, extend or end. A pure function of the current phase, the input, the next topic on
//! the agenda, the timing settings and `now`.

use chrono::{DateTime, Utc};

use super::Span;

/// Where a meeting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Started; recounting votes and posting the agenda.
    Starting,
    /// A topic is being discussed in time box `round` (1 = the first box).
    Discussing {
        topic_id: i64,
        round: u32,
        ends_at: DateTime<Utc>,
    },
    /// Box `round` ran out; the room votes 👍 (keep going) or 👎 (move on).
    Voting {
        topic_id: i64,
        round: u32,
        closes_at: DateTime<Utc>,
    },
    /// Every topic on the agenda has been taken.
    Idle,
    Ended,
}

/// The settings that time a meeting.
#[derive(Debug, Clone, Copy)]
pub struct Timing<'a> {
    /// The first box, then each extension the room may vote for (at least one).
    pub boxes: &'a [Span],
    pub warning: Span,
    pub vote_window: Span,
}

/// What moves the meeting on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The recount is done and the agenda posted: take the top topic.
    Kickoff,
    /// The current time box ran out.
    BoxEnded,
    /// The 👍/👎 vote closed with these counts.
    VoteClosed { up: u32, down: u32 },
    /// A facilitator moves on to the next topic.
    Next,
    /// A facilitator grants the next time box.
    Extend,
    /// A facilitator (or the schedule) ends the meeting.
    End,
}

/// Why a topic's discussion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// The room voted to move on (a tie or no votes moves on too).
    MovedOn { up: u32, down: u32 },
    /// The last time box ran out: a hard stop, no vote.
    LastBox,
    /// A facilitator moved on.
    Skipped,
    /// The meeting ended during the discussion.
    MeetingEnded,
}

/// Why the next box was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    Voted {
        up: u32,
        down: u32,
    },
    /// A facilitator extended (during the box, or overriding the vote).
    Extended,
}

/// What the meeting does as it moves; the caller stores and posts each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    StartTopic {
        topic_id: i64,
        ends_at: DateTime<Utc>,
        length: Span,
    },
    ContinueTopic {
        topic_id: i64,
        round: u32,
        ends_at: DateTime<Utc>,
        length: Span,
        grant: Grant,
    },
    CallVote {
        topic_id: i64,
        round: u32,
        closes_at: DateTime<Utc>,
        next_box: Span,
    },
    FinishTopic {
        topic_id: i64,
        rounds: u32,
        follow_up: bool,
        finish: Finish,
    },
    AgendaDone,
    EndMeeting,
}

/// The new phase and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub phase: Phase,
    pub effects: Vec<Effect>,
}

/// Why an input does not apply now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The meeting is over.
    Ended,
    /// Still recounting and posting the agenda.
    Starting,
    /// Nothing is being discussed.
    NothingToExtend,
    /// The current box is the last one: the hard stop holds.
    LastBox { ends_at: DateTime<Utc> },
    /// A scheduled step that no longer matches the phase (the meeting moved on).
    Stale,
}

/// Moves the meeting on. `next_topic` is the top of the agenda now (excluding the topic being
/// discussed), used whenever a new topic starts.
pub fn step(
    phase: Phase,
    input: Input,
    next_topic: Option<i64>,
    timing: &Timing<'_>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    let boxes = timing.boxes.len() as u32;
    let box_length = |round: u32| timing.boxes[(round as usize - 1).min(timing.boxes.len() - 1)];
    match (phase, input) {
        (Phase::Ended, _) => Err(Refusal::Ended),
        (Phase::Starting, Input::Kickoff) => Ok(start_next(next_topic, timing, now, Vec::new())),
        (Phase::Starting, Input::End) => Ok(end(None)),
        (Phase::Starting, _) => Err(Refusal::Starting),
        (
            Phase::Discussing {
                topic_id, round, ..
            },
            Input::BoxEnded,
        ) if round < boxes => {
            let closes_at = now + timing.vote_window.0;
            Ok(Transition {
                phase: Phase::Voting {
                    topic_id,
                    round,
                    closes_at,
                },
                effects: vec![Effect::CallVote {
                    topic_id,
                    round,
                    closes_at,
                    next_box: box_length(round + 1),
                }],
            })
        }
        (
            Phase::Discussing {
                topic_id, round, ..
            },
            Input::BoxEnded,
        ) => {
            // The hard stop. The room kept voting for more up to here: it wants a follow-up.
            let finish = Effect::FinishTopic {
                topic_id,
                rounds: round,
                follow_up: round > 1,
                finish: Finish::LastBox,
            };
            Ok(start_next(next_topic, timing, now, vec![finish]))
        }
        (
            Phase::Voting {
                topic_id, round, ..
            },
            Input::VoteClosed { up, down },
        ) => {
            if up > down {
                Ok(grant(
                    topic_id,
                    round + 1,
                    now,
                    box_length(round + 1),
                    Grant::Voted { up, down },
                ))
            } else {
                let finish = Effect::FinishTopic {
                    topic_id,
                    rounds: round,
                    follow_up: false,
                    finish: Finish::MovedOn { up, down },
                };
                Ok(start_next(next_topic, timing, now, vec![finish]))
            }
        }
        (
            Phase::Voting {
                topic_id, round, ..
            },
            Input::Extend,
        ) => Ok(grant(
            topic_id,
            round + 1,
            now,
            box_length(round + 1),
            Grant::Extended,
        )),
        (
            Phase::Discussing {
                topic_id,
                round,
                ends_at,
            },
            Input::Extend,
        ) => {
            if round >= boxes {
                return Err(Refusal::LastBox { ends_at });
            }
            let length = box_length(round + 1);
            Ok(grant(topic_id, round + 1, ends_at, length, Grant::Extended))
        }
        (
            Phase::Discussing {
                topic_id, round, ..
            }
            | Phase::Voting {
                topic_id, round, ..
            },
            Input::Next,
        ) => {
            let finish = Effect::FinishTopic {
                topic_id,
                rounds: round,
                follow_up: false,
                finish: Finish::Skipped,
            };
            Ok(start_next(next_topic, timing, now, vec![finish]))
        }
        (
            Phase::Discussing {
                topic_id, round, ..
            }
            | Phase::Voting {
                topic_id, round, ..
            },
            Input::End,
        ) => Ok(end(Some(Effect::FinishTopic {
            topic_id,
            rounds: round,
            follow_up: false,
            finish: Finish::MeetingEnded,
        }))),
        (Phase::Idle, Input::Next) => Ok(start_next(next_topic, timing, now, Vec::new())),
        (Phase::Idle, Input::End) => Ok(end(None)),
        (Phase::Idle, Input::Extend) => Err(Refusal::NothingToExtend),
        _ => Err(Refusal::Stale),
    }
}

/// A scheduled step the phase calls for: a warning, the end of a box, the close of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Warning(DateTime<Utc>),
    BoxEnd(DateTime<Utc>),
    VoteClose(DateTime<Utc>),
}

/// The steps to schedule for a phase. No warning when it would fall before `now` (a box
/// shorter than the warning) or when the warning is off.
pub fn steps_due(phase: Phase, timing: &Timing<'_>, now: DateTime<Utc>) -> Vec<Due> {
    match phase {
        Phase::Discussing { ends_at, .. } => {
            let mut due = Vec::new();
            let warn_at = ends_at - timing.warning.0;
            if timing.warning.secs() > 0 && warn_at > now {
                due.push(Due::Warning(warn_at));
            }
            due.push(Due::BoxEnd(ends_at));
            due
        }
        Phase::Voting { closes_at, .. } => vec![Due::VoteClose(closes_at)],
        Phase::Starting | Phase::Idle | Phase::Ended => Vec::new(),
    }
}

/// The next box for the same topic, running from `from`.
fn grant(topic_id: i64, round: u32, from: DateTime<Utc>, length: Span, grant: Grant) -> Transition {
    let ends_at = from + length.0;
    Transition {
        phase: Phase::Discussing {
            topic_id,
            round,
            ends_at,
        },
        effects: vec![Effect::ContinueTopic {
            topic_id,
            round,
            ends_at,
            length,
            grant,
        }],
    }
}

/// The top remaining topic starts its first box, or the agenda is done.
fn start_next(
    next_topic: Option<i64>,
    timing: &Timing<'_>,
    now: DateTime<Utc>,
    mut effects: Vec<Effect>,
) -> Transition {
    match next_topic {
        Some(topic_id) => {
            let length = timing.boxes[0];
            let ends_at = now + length.0;
            effects.push(Effect::StartTopic {
                topic_id,
                ends_at,
                length,
            });
            Transition {
                phase: Phase::Discussing {
                    topic_id,
                    round: 1,
                    ends_at,
                },
                effects,
            }
        }
        None => {
            effects.push(Effect::AgendaDone);
            Transition {
                phase: Phase::Idle,
                effects,
            }
        }
    }
}

fn end(finish: Option<Effect>) -> Transition {
    Transition {
        phase: Phase::Ended,
        effects: finish.into_iter().chain([Effect::EndMeeting]).collect(),
    }
}

#[cfg(test)]
mod tests;
