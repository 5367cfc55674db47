//! A channel's time zone as RFC 5545 describes it to calendar clients (a VTIMEZONE): the
//! changes of its UTC offset read from chrono-tz, and the observances they make — one yearly
//! rule (an RRULE) per kind of change while the zone's present rules last, and the earlier
//! changes listed one by one, so a client keeps the meeting at its local time across
//! daylight-saving changes.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc, Weekday,
};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// What a zone's clocks read at a moment: the offset from UTC, its abbreviation, and whether
/// it is daylight saving time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub offset: FixedOffset,
    /// `EST`, `CEST`; the offset itself (`+0530`) where the zone has no abbreviation.
    pub name: String,
    pub daylight: bool,
}

impl Reading {
    /// How `tz`'s clocks read at `at`.
    pub fn of(tz: Tz, at: DateTime<Utc>) -> Reading {
        let offset = tz.offset_from_utc_datetime(&at.naive_utc());
        Reading {
            offset: offset.fix(),
            name: offset
                .abbreviation()
                .filter(|name| name.chars().all(|c| c.is_ascii_alphabetic()))
                .map_or_else(|| utc_offset(offset.fix()), str::to_string),
            daylight: !offset.dst_offset().is_zero(),
        }
    }
}

/// One change of a zone's clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub at: DateTime<Utc>,
    /// The offset before the change.
    pub from: FixedOffset,
    /// How the clocks read from the change on.
    pub to: Reading,
}

impl Shift {
    /// The change's moment as the clocks read it just before (RFC 5545 §3.6.5: an
    /// observance's DTSTART is local time in its TZOFFSETFROM).
    pub fn onset(&self) -> NaiveDateTime {
        self.at.with_timezone(&self.from).naive_local()
    }
}

/// How often the zone's clocks are sampled when looking for changes; a zone changes at most
/// once in this long (real zones change a few times a year at most).
const SAMPLE: Duration = Duration::hours(6);

/// Every change of `tz`'s clocks after `from` and up to `until`, in order, each to the second.
pub fn shifts(tz: Tz, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Shift> {
    let mut found = Vec::new();
    let mut before = from;
    let mut reading = Reading::of(tz, before);
    while before < until {
        let after = (before + SAMPLE).min(until);
        let next = Reading::of(tz, after);
        if next != reading {
            // The change is in (before, after]: halve the interval down to a whole second
            // (zones change on whole seconds).
            let (mut low, mut high) = (before.timestamp(), after.timestamp());
            let at = |seconds| DateTime::from_timestamp(seconds, 0).unwrap_or(after);
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                if Reading::of(tz, at(middle)) == reading {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            let high = at(high);
            found.push(Shift {
                at: high,
                from: reading.offset,
                to: Reading::of(tz, high),
            });
        }
        reading = next;
        before = after;
    }
    found
}

/// Which week of its month a day is in, as an RRULE's BYDAY counts: the first to fourth, or
/// the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekOfMonth {
    Nth(u32),
    Last,
}

/// A change that happens every year on a weekday of a month at a local time: the second
/// Sunday of March at 02:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearlyRule {
    pub month: u32,
    pub weekday: Weekday,
    pub week: WeekOfMonth,
}

impl YearlyRule {
    /// The rules `onset` follows: its week of the month counted from the start, or from the
    /// end when it is in the month's last seven days (a fifth week is only ever "last").
    fn candidates(onset: NaiveDateTime) -> Vec<YearlyRule> {
        let rule = |week| YearlyRule {
            month: onset.month(),
            weekday: onset.weekday(),
            week,
        };
        let nth = (onset.day() - 1) / 7 + 1;
        let mut rules = Vec::new();
        if nth <= 4 {
            rules.push(rule(WeekOfMonth::Nth(nth)));
        }
        if is_in_last_week(onset) {
            rules.push(rule(WeekOfMonth::Last));
        }
        rules
    }

    fn matches(&self, onset: NaiveDateTime) -> bool {
        onset.month() == self.month
            && onset.weekday() == self.weekday
            && match self.week {
                WeekOfMonth::Nth(nth) => (onset.day() - 1) / 7 + 1 == nth,
                WeekOfMonth::Last => is_in_last_week(onset),
            }
    }

    /// The rule as an RRULE value: `FREQ=YEARLY;BYMONTH=3;BYDAY=2SU`.
    pub fn rrule(&self) -> String {
        let week = match self.week {
            WeekOfMonth::Nth(nth) => nth.to_string(),
            WeekOfMonth::Last => "-1".to_string(),
        };
        format!(
            "FREQ=YEARLY;BYMONTH={};BYDAY={week}{}",
            self.month,
            weekday_code(self.weekday)
        )
    }
}

fn is_in_last_week(onset: NaiveDateTime) -> bool {
    (onset.date() + Duration::days(7)).month() != onset.month()
}

/// A weekday as RFC 5545 writes it: `MO` … `SU`.
pub fn weekday_code(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// One STANDARD or DAYLIGHT component of a VTIMEZONE: from each of its onsets on, the clocks
/// read `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    pub to: Reading,
    pub offset_from: FixedOffset,
    /// The first onset, in local time before it (DTSTART).
    pub onset: NaiveDateTime,
    /// The onsets after the first, every year by this rule, with no end: the zone's present
    /// rules (RRULE).
    pub rule: Option<YearlyRule>,
    /// The onsets after the first that follow no rule still in force (RDATE).
    pub more: Vec<NaiveDateTime>,
}

/// The observances that describe `tz` from `from` on: how its clocks read at `from`, then its
/// changes up to `until`, those of each kind that still recur every year in `until`'s last
/// year as one rule with no end. A zone without changes is one observance.
pub fn observances(tz: Tz, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Observance> {
    let first = Reading::of(tz, from);
    let mut all = vec![Observance {
        offset_from: first.offset,
        onset: from.with_timezone(&first.offset).naive_local(),
        to: first,
        rule: None,
        more: Vec::new(),
    }];
    // Changes of one kind (same offsets before and after, same name) in order of first onset.
    let mut kinds: Vec<Vec<Shift>> = Vec::new();
    for shift in shifts(tz, from, until) {
        match kinds
            .iter_mut()
            .find(|kind| kind[0].from == shift.from && kind[0].to == shift.to)
        {
            Some(kind) => kind.push(shift),
            None => kinds.push(vec![shift]),
        }
    }
    let last_year = (until - Duration::seconds(1)).year();
    for kind in kinds {
        all.extend(kind_observances(&kind, last_year));
    }
    all
}

/// The observances of one kind of change: the changes that recur yearly up to `last_year` as
/// one ruled observance, the ones before as an observance listing them.
fn kind_observances(kind: &[Shift], last_year: i32) -> Vec<Observance> {
    let onsets: Vec<NaiveDateTime> = kind.iter().map(Shift::onset).collect();
    let (ruled, rule) = yearly_tail(&onsets, last_year).map_or((0, None), |(n, r)| (n, Some(r)));
    let split = onsets.len() - ruled;
    let observance = |onsets: &[NaiveDateTime], rule| Observance {
        to: kind[0].to.clone(),
        offset_from: kind[0].from,
        onset: onsets[0],
        rule,
        more: if rule.is_some() {
            Vec::new()
        } else {
            onsets[1..].to_vec()
        },
    };
    let mut found = Vec::new();
    if split > 0 {
        found.push(observance(&onsets[..split], None));
    }
    if ruled > 0 {
        found.push(observance(&onsets[split..], rule));
    }
    found
}

/// How many of the last `onsets` happen in consecutive years up to `last_year` by one yearly
/// rule at one local time, and the rule; `None` unless at least two do.
fn yearly_tail(onsets: &[NaiveDateTime], last_year: i32) -> Option<(usize, YearlyRule)> {
    let last = *onsets.last()?;
    if last.year() < last_year {
        return None;
    }
    YearlyRule::candidates(last)
        .into_iter()
        .map(|rule| {
            let mut count = 1;
            for pair in onsets.windows(2).rev() {
                let (earlier, later) = (pair[0], pair[1]);
                if earlier.year() + 1 != later.year()
                    || earlier.time() != last.time()
                    || !rule.matches(earlier)
                {
                    break;
                }
                count += 1;
            }
            (count, rule)
        })
        .max_by_key(|(count, _)| *count)
        .filter(|(count, _)| *count >= 2)
}

/// An offset as RFC 5545 writes it: `-0500`, `+0530`, `+013045` when it has seconds.
pub fn utc_offset(offset: FixedOffset) -> String {
    let seconds = offset.local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

#[cfg(test)]
mod tests;
