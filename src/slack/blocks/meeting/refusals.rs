//! The refusals a meeting control can meet: no meeting, one already running, still starting,
//! nothing to extend, a stale button, someone who may not facilitate.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::clock_time;
use crate::domain::ids::UserId;
use crate::slack::blocks::{Reply, facilitator_refusal};

/// Refusals a meeting control can meet.
pub fn already_running() -> Reply {
    Reply::markdown(
        "A meeting is already running in this channel. `/archtopic end` closes it.".to_string(),
    )
}

pub fn no_meeting() -> Reply {
    Reply::markdown(
        "No meeting is running in this channel. `/archtopic start` starts one.".to_string(),
    )
}

pub fn still_starting() -> Reply {
    Reply::markdown(
        "The meeting is still starting (recounting votes and posting the agenda). Try again in a moment."
            .to_string(),
    )
}

pub fn last_box(ends_at: DateTime<Utc>, tz: Tz) -> Reply {
    Reply::markdown(format!(
        "This is the last time box: the hard stop is at {}.",
        clock_time(ends_at, tz)
    ))
}

pub fn nothing_to_extend() -> Reply {
    Reply::markdown("No topic is being discussed, so there is nothing to extend.".to_string())
}

pub fn stale_button() -> Reply {
    Reply::markdown(
        "That topic is no longer being discussed; use the buttons on the latest message."
            .to_string(),
    )
}

/// Someone who is not a facilitator pressed a button or ran a meeting command.
pub fn meeting_refusal(facilitators: &[UserId]) -> Reply {
    facilitator_refusal("run the meeting", facilitators)
}
