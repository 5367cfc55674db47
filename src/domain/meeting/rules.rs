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

impl Phase {
    /// The topic being discussed or voted on, if any.
    pub fn topic_id(self) -> Option<i64> {
        match self {
            Phase::Discussing { topic_id, .. } | Phase::Voting { topic_id, .. } => Some(topic_id),
            Phase::Starting | Phase::Idle | Phase::Ended => None,
        }
    }
}

/// The settings that time a meeting.
#[derive(Debug, Clone, Copy)]
pub struct Timing<'a> {
    /// The first box, then each extension the room may vote for (at least one).
    pub boxes: &'a [Span],
    pub warning: Span,
    pub vote_window: Span,
}

impl Timing<'_> {
    /// Box `round` (1 = the first); rounds past the last box get the last box's length.
    fn box_length(&self, round: u32) -> Span {
        self.boxes[(round as usize - 1).min(self.boxes.len() - 1)]
    }
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
/// discussed), used whenever a new topic starts. Each phase answers every input: what does not
/// apply in a phase is refused.
pub fn step(
    phase: Phase,
    input: Input,
    next_topic: Option<i64>,
    timing: &Timing<'_>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    let take_next = |effects| start_next(next_topic, timing, now, effects);
    match phase {
        Phase::Ended => Err(Refusal::Ended),
        Phase::Starting => match input {
            Input::Kickoff => Ok(take_next(Vec::new())),
            Input::End => Ok(end(None)),
            Input::BoxEnded | Input::VoteClosed { .. } | Input::Next | Input::Extend => {
                Err(Refusal::Starting)
            }
        },
        Phase::Discussing {
            topic_id,
            round,
            ends_at,
        } => match input {
            Input::BoxEnded if round < timing.boxes.len() as u32 => {
                Ok(call_vote(topic_id, round, timing, now))
            }
            // The hard stop, without a vote.
            Input::BoxEnded => Ok(take_next(vec![finished(topic_id, round, Finish::LastBox)])),
            Input::Extend => extend_box(topic_id, round, ends_at, timing),
            Input::Next => Ok(take_next(vec![finished(topic_id, round, Finish::Skipped)])),
            Input::End => Ok(end(Some(finished(topic_id, round, Finish::MeetingEnded)))),
            Input::Kickoff | Input::VoteClosed { .. } => Err(Refusal::Stale),
        },
        Phase::Voting {
            topic_id, round, ..
        } => match input {
            Input::VoteClosed { up, down } if up > down => Ok(grant(
                topic_id,
                round + 1,
                now,
                timing.box_length(round + 1),
                Grant::Voted { up, down },
            )),
            Input::VoteClosed { up, down } => Ok(take_next(vec![finished(
                topic_id,
                round,
                Finish::MovedOn { up, down },
            )])),
            Input::Extend => Ok(grant(
                topic_id,
                round + 1,
                now,
                timing.box_length(round + 1),
                Grant::Extended,
            )),
            Input::Next => Ok(take_next(vec![finished(topic_id, round, Finish::Skipped)])),
            Input::End => Ok(end(Some(finished(topic_id, round, Finish::MeetingEnded)))),
            Input::Kickoff | Input::BoxEnded => Err(Refusal::Stale),
        },
        Phase::Idle => match input {
            Input::Next => Ok(take_next(Vec::new())),
            Input::End => Ok(end(None)),
            Input::Extend => Err(Refusal::NothingToExtend),
            Input::Kickoff | Input::BoxEnded | Input::VoteClosed { .. } => Err(Refusal::Stale),
        },
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

/// Box `round` ran out with another box to come: the room votes on it.
fn call_vote(topic_id: i64, round: u32, timing: &Timing<'_>, now: DateTime<Utc>) -> Transition {
    let closes_at = now + timing.vote_window.0;
    Transition {
        phase: Phase::Voting {
            topic_id,
            round,
            closes_at,
        },
        effects: vec![Effect::CallVote {
            topic_id,
            round,
            closes_at,
            next_box: timing.box_length(round + 1),
        }],
    }
}

/// A facilitator extends the box being discussed: the next box runs on from its end, unless
/// this box is the last.
fn extend_box(
    topic_id: i64,
    round: u32,
    ends_at: DateTime<Utc>,
    timing: &Timing<'_>,
) -> Result<Transition, Refusal> {
    if round >= timing.boxes.len() as u32 {
        return Err(Refusal::LastBox { ends_at });
    }
    let length = timing.box_length(round + 1);
    Ok(grant(topic_id, round + 1, ends_at, length, Grant::Extended))
}

/// The topic's discussion is over after `rounds` boxes. Only a hard stop after the room voted
/// for more calls for a follow-up: up to there it wanted to keep going.
fn finished(topic_id: i64, rounds: u32, finish: Finish) -> Effect {
    Effect::FinishTopic {
        topic_id,
        rounds,
        follow_up: finish == Finish::LastBox && rounds > 1,
        finish,
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
