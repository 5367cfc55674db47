//! The weekly digest's chart (DESIGN §6, issue 20): the secret token in its image's address
//! (`GET /charts/{token}.png`), and what it shows, the channel's open and closed action items
//! at the end of each month up to the digest's, worked out from the items' monthly counts.
//!
//! Why this chart: the digest's text already ranks the agenda with its votes and lists the
//! open items by owner; what a list cannot show is the trend, whether the group closes what it
//! takes on or the pile grows.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Months the chart shows at most: a year, ending with the digest's month.
pub const MONTHS_SHOWN: u32 = 12;

/// The secret part of a digest chart's address: 32 random bytes as 64 lowercase hex digits, a
/// new one for every digest. Whoever has it (Slack's servers fetch it, and anyone the message
/// is forwarded to) sees one picture: counts of the channel's action items per month as they
/// were when the digest was posted; no titles, owners, topics or channel name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartToken(String);

/// How many random bytes a token holds: as many as a session key, so it cannot be guessed.
pub const TOKEN_BYTES: usize = 32;

impl ChartToken {
    /// The token made of `bytes` (drawn at random by the caller).
    pub fn from_bytes(bytes: [u8; TOKEN_BYTES]) -> ChartToken {
        ChartToken(hex::encode(bytes))
    }

    /// A token as it appears in an image's address; `None` for anything that could not be one,
    /// so a malformed address is turned away before the database is asked.
    pub fn parse(text: &str) -> Option<ChartToken> {
        (text.len() == TOKEN_BYTES * 2
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| ChartToken(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A token as the database holds it (made by [`ChartToken::from_bytes`] before).
    pub fn stored(text: String) -> ChartToken {
        ChartToken(text)
    }
}

/// The channel's action items at the end of one month: open, and closed (done or dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthEnd {
    /// The month's first day.
    pub month: NaiveDate,
    pub open: i64,
    pub closed: i64,
}

/// The chart's months, from `rows` of (a month's first day, items opened in it, items closed in
/// it) in month order: the totals at the end of every month up to the one `today` falls in, at
/// most [`MONTHS_SHOWN`], months without events included, and starting no earlier than the
/// month before the first item, whose zeros show where the lines set out from (a line needs two
/// points). Items before the first month shown count in its totals. Empty when the channel never
/// had an item: the digest then has no chart.
pub fn month_ends(rows: &[(NaiveDate, i64, i64)], today: NaiveDate) -> Vec<MonthEnd> {
    let Some(first) = rows.first().map(|(month, ..)| *month) else {
        return Vec::new();
    };
    let this_month = first_day(today);
    let year_ago = this_month - Months::new(MONTHS_SHOWN - 1);
    let mut month = (first_day(first) - Months::new(1)).max(year_ago);
    let (mut opened, mut closed) = (0, 0);
    let mut rows = rows.iter().peekable();
    let mut ends = Vec::new();
    while month <= this_month {
        while let Some((_, opened_then, closed_then)) = rows.next_if(|(at, ..)| *at <= month) {
            opened += opened_then;
            closed += closed_then;
        }
        ends.push(MonthEnd {
            month,
            open: opened - closed,
            closed,
        });
        month = month + Months::new(1);
    }
    ends
}

fn first_day(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn end(y: i32, m: u32, open: i64, closed: i64) -> MonthEnd {
        MonthEnd {
            month: day(y, m, 1),
            open,
            closed,
        }
    }

    #[test]
    fn a_channel_without_items_has_no_chart() {
        assert_eq!(month_ends(&[], day(2026, 11, 23)), []);
    }

    #[test]
    fn the_first_items_month_is_drawn_from_the_zeros_of_the_month_before() {
        let ends = month_ends(&[(day(2026, 11, 1), 3, 1)], day(2026, 11, 23));
        assert_eq!(ends, [end(2026, 10, 0, 0), end(2026, 11, 2, 1)]);
    }

    #[test]
    fn months_without_events_keep_the_totals_of_the_month_before() {
        // Opened 4 in August, closed 2 in October; nothing in September or November.
        let rows = [(day(2026, 8, 1), 4, 0), (day(2026, 10, 1), 0, 2)];
        assert_eq!(
            month_ends(&rows, day(2026, 11, 2)),
            [
                end(2026, 7, 0, 0),
                end(2026, 8, 4, 0),
                end(2026, 9, 4, 0),
                end(2026, 10, 2, 2),
                end(2026, 11, 2, 2),
            ]
        );
    }

    #[test]
    fn a_year_is_shown_and_what_came_before_counts_in_its_first_month() {
        // Five opened in January 2025, two of them closed that March; one more opened and
        // closed in November 2026. The year shown runs from December 2025 to November 2026.
        let rows = [
            (day(2025, 1, 1), 5, 0),
            (day(2025, 3, 1), 0, 2),
            (day(2026, 11, 1), 1, 1),
        ];
        let ends = month_ends(&rows, day(2026, 11, 30));
        assert_eq!(ends.len(), 12);
        assert_eq!(ends[0], end(2025, 12, 3, 2));
        assert_eq!(ends[10], end(2026, 10, 3, 2));
        assert_eq!(ends[11], end(2026, 11, 3, 3));
    }

    #[test]
    fn a_token_is_64_lowercase_hex_digits() {
        let token = ChartToken::from_bytes([0xab; TOKEN_BYTES]);
        assert_eq!(token.as_str(), "ab".repeat(32));
        assert_eq!(ChartToken::parse(token.as_str()), Some(token));
        assert_eq!(ChartToken::parse(&"AB".repeat(32)), None, "upper case");
        assert_eq!(ChartToken::parse(&"ab".repeat(31)), None, "too short");
        assert_eq!(ChartToken::parse(&"g".repeat(64)), None, "not hex");
    }
}
