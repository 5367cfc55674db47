//! The channel's meeting as a calendar feed (`/archtopic calendar`, `GET /calendar/{token}.ics`):
//! the token that names a channel's feed, the meeting series the feed shows and how it follows
//! the channel's schedule, and (`zone`, `ics`) the time zone and the feed as RFC 5545 text.

mod ics;
pub mod zone;

pub use ics::{Feed, render};

use chrono::{DateTime, Utc};

use super::ids::{ChannelId, TeamId};
use super::meeting::Schedule;

/// A channel's feed as stored: where it is, its address's token, and the series it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelCalendar {
    pub channel_id: ChannelId,
    pub team_id: TeamId,
    pub token: CalendarToken,
    pub series: Series,
}

impl ChannelCalendar {
    /// Where the channel opens in Slack, from any workspace the person is signed in to.
    pub fn channel_link(&self) -> String {
        format!(
            "https://slack.com/app_redirect?channel={}&team={}",
            self.channel_id, self.team_id
        )
    }
}

/// The secret part of a channel's feed address: 32 random bytes as 64 lowercase hex digits.
/// Whoever has it can read the channel's schedule and agenda, nothing more, and `calendar
/// reset` replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarToken(String);

/// How many random bytes a token holds: as many as a session key, so it cannot be guessed.
pub const TOKEN_BYTES: usize = 32;

impl CalendarToken {
    /// The token made of `bytes` (drawn at random by the caller).
    pub fn from_bytes(bytes: [u8; TOKEN_BYTES]) -> CalendarToken {
        CalendarToken(hex::encode(bytes))
    }

    /// A token as it appears in a feed's address; `None` for anything that could not be one,
    /// so a malformed address is turned away before the database is asked.
    pub fn parse(text: &str) -> Option<CalendarToken> {
        (text.len() == TOKEN_BYTES * 2
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| CalendarToken(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A token as the database holds it (made by [`CalendarToken::from_bytes`] before).
    pub fn stored(text: String) -> CalendarToken {
        CalendarToken(text)
    }
}

/// The meeting series a channel's feed shows: one recurring event whose UID stays the same for
/// the channel's life. When the schedule changes, the event starts again at the new schedule's
/// next meeting with a higher SEQUENCE: a client that kept the old series replaces it (RFC
/// 5546 §2.1.4) instead of showing two, and subscribed calendars replace the whole feed anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The schedule the series follows, as `config` prints it (`wed 11:00 America/New_York 1h`).
    pub schedule: String,
    /// The series' first meeting.
    pub start: DateTime<Utc>,
    /// Bumped each time the series starts again.
    pub sequence: i32,
}

impl Series {
    /// The series of a feed made at `now`: from this week's meeting (held or not yet) on, so
    /// a calendar subscribed just after a meeting shows it too.
    pub fn begin(schedule: &Schedule, now: DateTime<Utc>) -> Series {
        Series {
            schedule: schedule.to_string(),
            start: schedule.at.last_at_or_before(schedule.tz, now),
            sequence: 0,
        }
    }

    /// The series the feed shows at `now` for the channel's `schedule`: `None` while it follows
    /// it still; after a change, a new start at the schedule's next meeting and the next
    /// sequence number.
    pub fn follow(&self, schedule: &Schedule, now: DateTime<Utc>) -> Option<Series> {
        (self.schedule != schedule.to_string()).then(|| Series {
            schedule: schedule.to_string(),
            start: schedule.next_after(now),
            sequence: self.sequence + 1,
        })
    }
}

#[cfg(test)]
mod tests;
