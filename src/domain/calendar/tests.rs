use chrono::TimeZone;

use super::*;

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn new_york() -> Schedule {
    Schedule::parse("wed 11:00 America/New_York 60m").expect("valid")
}

#[test]
fn a_token_is_64_hex_digits_and_nothing_else_reads_as_one() {
    let token = CalendarToken::from_bytes([0xab; TOKEN_BYTES]);
    assert_eq!(token.as_str(), "ab".repeat(32));
    assert_eq!(CalendarToken::parse(token.as_str()), Some(token));
    for bad in [
        "ab".repeat(31),
        "ab".repeat(33),
        "AB".repeat(32),
        format!("{}g", "a".repeat(63)),
        format!("{}.ics", "ab".repeat(32)),
        String::new(),
    ] {
        assert_eq!(CalendarToken::parse(&bad), None, "{bad}");
    }
}

/// Wednesday 18 November 2026, 09:00 UTC is 04:00 in New York, before that day's meeting:
/// this week's meeting is the one of 11 November, 11:00 EST = 16:00 UTC.
#[test]
fn a_new_series_starts_at_this_weeks_meeting_even_if_it_is_over() {
    let series = Series::begin(&new_york(), utc(2026, 11, 18, 9));
    assert_eq!(
        series,
        Series {
            schedule: "wed 11:00 America/New_York 1h".into(),
            start: utc(2026, 11, 11, 16),
            sequence: 0,
        }
    );
    // Once that day's meeting has begun, it is this week's.
    assert_eq!(
        Series::begin(&new_york(), utc(2026, 11, 18, 16)).start,
        utc(2026, 11, 18, 16)
    );
}

#[test]
fn a_series_stays_while_the_schedule_does_and_starts_again_when_it_changes() {
    let series = Series::begin(&new_york(), utc(2026, 11, 18, 9));
    assert_eq!(series.follow(&new_york(), utc(2027, 6, 1, 0)), None);
    // Thursday 14:00 in Paris (CET, UTC+1) after Wednesday 18 November: 19 November, 13:00 UTC.
    let paris = Schedule::parse("thu 14:00 Europe/Paris 45m").expect("valid");
    let moved = series
        .follow(&paris, utc(2026, 11, 18, 9))
        .expect("a new series");
    assert_eq!(
        moved,
        Series {
            schedule: "thu 14:00 Europe/Paris 45m".into(),
            start: utc(2026, 11, 19, 13),
            sequence: 1,
        }
    );
    // Only the length changed: still a new series.
    let longer = Schedule::parse("wed 11:00 America/New_York 90m").expect("valid");
    assert_eq!(
        series
            .follow(&longer, utc(2026, 11, 18, 9))
            .map(|s| s.sequence),
        Some(1)
    );
}
