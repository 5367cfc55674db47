//! The weekly schedule: when a channel's meeting happens, in its own time zone, and the next
//! occurrence after any moment (daylight-saving changes do not move the meeting).

use std::fmt;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

use super::durations::Span;

/// A weekday and a local time: `wed 11:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyTime {
    pub weekday: Weekday,
    pub time: NaiveTime,
}

impl WeeklyTime {
    /// Parses `wed 11:00` (any case; `wednesday` too; 24-hour time).
    pub fn parse(text: &str) -> Option<WeeklyTime> {
        let mut words = text.split_whitespace();
        let weekday = parse_weekday(words.next()?)?;
        let time = NaiveTime::parse_from_str(words.next()?, "%H:%M").ok()?;
        words
            .next()
            .is_none()
            .then_some(WeeklyTime { weekday, time })
    }

    /// The first moment after `now` at this weekday and local time in `tz`. A local time that
    /// does not exist that day (clocks jump forward over it) moves forward by the jump; one that
    /// happens twice (clocks fall back) is the first.
    pub fn next_after(&self, tz: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = now.with_timezone(&tz).date_naive();
        (0..=7)
            .filter_map(|days| today.checked_add_signed(Duration::days(days)))
            .filter(|date| date.weekday() == self.weekday)
            .map(|date| local_to_utc(tz, date, self.time))
            .find(|at| *at > now)
            // Eight consecutive days always contain the weekday after `now`.
            .unwrap_or_else(|| now + Duration::days(7))
    }

    /// Whether `at` is one of this weekly time's occurrences in `tz`: a step scheduled for an
    /// occurrence the setting no longer names is stale.
    pub fn falls_at(&self, tz: Tz, at: DateTime<Utc>) -> bool {
        self.next_after(tz, at - Duration::seconds(1)) == at
    }
}

impl WeeklyTime {
    /// The latest moment at or before `now` at this weekday and local time in `tz`.
    pub fn last_at_or_before(&self, tz: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
        let candidate = self.next_after(tz, now - Duration::days(7) - Duration::seconds(1));
        if candidate <= now {
            // The next one after that may also be at or before now (a short DST week).
            let following = self.next_after(tz, candidate);
            if following <= now {
                following
            } else {
                candidate
            }
        } else {
            self.next_after(tz, now - Duration::days(14))
        }
    }
}

impl fmt::Display for WeeklyTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = self.weekday.to_string().to_lowercase();
        write!(f, "{day} {}", self.time.format("%H:%M"))
    }
}

/// When the meeting is: weekly at a local time, in a time zone, for a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub at: WeeklyTime,
    pub tz: Tz,
    pub length: Span,
}

impl Default for Schedule {
    /// Wednesday 11:00 UTC, 60 minutes (DESIGN §3).
    fn default() -> Self {
        Schedule {
            at: WeeklyTime {
                weekday: Weekday::Wed,
                time: NaiveTime::from_hms_opt(11, 0, 0).unwrap_or_default(),
            },
            tz: Tz::UTC,
            length: Span::from_secs(60 * 60),
        }
    }
}

impl Schedule {
    /// Parses `wed 11:00 America/New_York 60m`.
    pub fn parse(text: &str) -> Option<Schedule> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let [day, time, tz, length] = words.as_slice() else {
            return None;
        };
        let at = WeeklyTime::parse(&format!("{day} {time}"))?;
        let tz: Tz = tz.parse().ok()?;
        let length = Span::parse(length).filter(|l| l.secs() >= 60 && l.secs() <= 8 * 3600)?;
        Some(Schedule { at, tz, length })
    }

    /// The next meeting's start after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.at.next_after(self.tz, now)
    }

    /// Whether a meeting starts at `at` on this schedule.
    pub fn falls_at(&self, at: DateTime<Utc>) -> bool {
        self.at.falls_at(self.tz, at)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.at, self.tz.name(), self.length)
    }
}

/// `wed`, `Wednesday`, `thurs`: at least three letters of a weekday's name.
fn parse_weekday(word: &str) -> Option<Weekday> {
    const NAMES: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    let word = word.to_lowercase();
    if word.len() < 3 {
        return None;
    }
    NAMES
        .iter()
        .find(|(name, _)| name.starts_with(&word))
        .map(|(_, day)| *day)
}

/// A local date and time in `tz` as a moment: a time skipped by a jump forward moves on by the
/// jump; a time that happens twice is the first.
pub fn local_to_utc(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        // In the gap when clocks jump forward: the same wall-clock reading an hour on.
        LocalResult::None => tz
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn new_york_wednesday_11() -> Schedule {
        Schedule::parse("wed 11:00 America/New_York 60m").expect("valid")
    }

    #[test]
    fn a_schedule_parses_and_prints_back() {
        let schedule = new_york_wednesday_11();
        assert_eq!(schedule.to_string(), "wed 11:00 America/New_York 1h");
        assert_eq!(Schedule::parse(&schedule.to_string()), Some(schedule));
        assert!(Schedule::parse("Wednesday 9:30 Europe/Paris 45m").is_some());
        for bad in [
            "wed 11:00 America/New_York",
            "xyz 11:00 UTC 60m",
            "wed 25:00 UTC 60m",
            "wed 11:00 Mars/Olympus 60m",
            "wed 11:00 UTC 0m",
            "wed 11:00 UTC 60m extra",
        ] {
            assert_eq!(Schedule::parse(bad), None, "{bad}");
        }
    }

    /// New York is UTC-5 in winter and UTC-4 in summer. In 2026 clocks go forward on Sunday
    /// 8 March and back on Sunday 1 November; 11:00 local must stay 11:00 local.
    #[test]
    fn the_next_meeting_keeps_its_local_time_across_daylight_saving_changes() {
        let schedule = new_york_wednesday_11();
        // Wednesday 4 March, before the change: 11:00 EST = 16:00 UTC.
        assert_eq!(
            schedule.next_after(utc(2026, 3, 2, 12, 0)),
            utc(2026, 3, 4, 16, 0)
        );
        // Just after that meeting started, the next is 11 March, after the change: 15:00 UTC.
        assert_eq!(
            schedule.next_after(utc(2026, 3, 4, 16, 0)),
            utc(2026, 3, 11, 15, 0)
        );
        // From Wednesday 28 October (EDT, 15:00 UTC) to 4 November (EST again, 16:00 UTC).
        assert_eq!(
            schedule.next_after(utc(2026, 10, 27, 0, 0)),
            utc(2026, 10, 28, 15, 0)
        );
        assert_eq!(
            schedule.next_after(utc(2026, 10, 28, 15, 0)),
            utc(2026, 11, 4, 16, 0)
        );
    }

    #[test]
    fn only_the_schedules_own_moments_are_occurrences() {
        let schedule = new_york_wednesday_11();
        // Wednesday 18 November 2026, 11:00 EST = 16:00 UTC, and the week after.
        assert!(schedule.falls_at(utc(2026, 11, 18, 16, 0)));
        assert!(schedule.falls_at(utc(2026, 11, 25, 16, 0)));
        // A minute off, an hour off (11:00 EDT would be 15:00 UTC), another day.
        assert!(!schedule.falls_at(utc(2026, 11, 18, 16, 1)));
        assert!(!schedule.falls_at(utc(2026, 11, 18, 15, 0)));
        assert!(!schedule.falls_at(utc(2026, 11, 19, 16, 0)));
        // In summer 11:00 EDT is 15:00 UTC.
        assert!(schedule.falls_at(utc(2026, 7, 1, 15, 0)));
        assert!(!schedule.falls_at(utc(2026, 7, 1, 16, 0)));
    }

    #[test]
    fn the_next_meeting_is_later_the_same_day_or_next_week() {
        let schedule = new_york_wednesday_11();
        // Wednesday 18 November 2026 (EST): 10:59 local → today; 11:00 exactly → next week.
        assert_eq!(
            schedule.next_after(utc(2026, 11, 18, 15, 59)),
            utc(2026, 11, 18, 16, 0)
        );
        assert_eq!(
            schedule.next_after(utc(2026, 11, 18, 16, 0)),
            utc(2026, 11, 25, 16, 0)
        );
    }

    #[test]
    fn a_local_time_skipped_by_the_spring_change_moves_forward() {
        // Sundays at 02:30 in New York: on 8 March 2026 02:30 does not exist (02:00 → 03:00).
        let at = WeeklyTime::parse("sun 02:30").expect("valid");
        let tz: Tz = "America/New_York".parse().expect("zone");
        // 03:30 EDT = 07:30 UTC.
        assert_eq!(
            at.next_after(tz, utc(2026, 3, 7, 0, 0)),
            utc(2026, 3, 8, 7, 30)
        );
    }

    #[test]
    fn the_last_occurrence_at_or_before_now() {
        let at = WeeklyTime::parse("mon 09:00").expect("valid");
        // Wednesday 18 November 2026 → Monday 16 November 09:00 UTC.
        assert_eq!(
            at.last_at_or_before(Tz::UTC, utc(2026, 11, 18, 12, 0)),
            utc(2026, 11, 16, 9, 0)
        );
        // Exactly at the time counts as this week's.
        assert_eq!(
            at.last_at_or_before(Tz::UTC, utc(2026, 11, 16, 9, 0)),
            utc(2026, 11, 16, 9, 0)
        );
        assert_eq!(
            at.last_at_or_before(Tz::UTC, utc(2026, 11, 16, 8, 59)),
            utc(2026, 11, 9, 9, 0)
        );
    }

    #[test]
    fn weekdays_parse_short_or_long() {
        for (word, day) in [
            ("wed", Weekday::Wed),
            ("WEDNESDAY", Weekday::Wed),
            ("thurs", Weekday::Thu),
            ("Sun", Weekday::Sun),
        ] {
            assert_eq!(parse_weekday(word), Some(day), "{word}");
        }
        for bad in ["w", "we", "wedx", "funday"] {
            assert_eq!(parse_weekday(bad), None, "{bad}");
        }
    }
}
