//! Messages the meeting posts: the reminders before it, the agenda at its start, each topic's
//! time boxes, the summary, and the refusals facilitators' controls can meet.

mod boxes;
mod refusals;
mod start;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Moment, local_time};

pub use boxes::{
    NowDiscussing, agenda_done, box_warning, meeting_ended, now_discussing, times_up,
    topic_finished,
};
pub use refusals::{
    already_running, last_box, meeting_refusal, no_meeting, nothing_to_extend, stale_button,
    still_starting,
};
pub use start::{meeting_started, pre_meeting};

/// A time as Slack shows it to each reader in their own zone, with the channel's as fallback.
pub fn clock_time(at: DateTime<Utc>, tz: Tz) -> String {
    local_time(at, tz, Moment::Clock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_each_readers_zone_with_the_channels_as_fallback() {
        let at = Utc.with_ymd_and_hms(2026, 11, 18, 16, 10, 0).unwrap();
        let tz: Tz = "America/New_York".parse().expect("zone");
        assert_eq!(clock_time(at, tz), "<!date^1795018200^{time}|11:10 EST>");
    }
}
