//! The meeting's rules, worked by hand with the default timing: boxes of 10, 5 and 5 minutes,
//! a warning 2 minutes before the end, a 60-second vote. `ladder` follows the clock (boxes
//! ending, votes closing, warnings); `controls` what a facilitator overrides and what is
//! refused.

// A test reads best as one story from setup to assertions, however long.
#![allow(clippy::too_many_lines)]

mod controls;
mod ladder;

use chrono::TimeZone;

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
