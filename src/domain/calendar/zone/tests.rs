use chrono::{NaiveDate, NaiveDateTime};

use super::*;

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn local(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

fn zone(name: &str) -> Tz {
    name.parse().expect("a zone")
}

fn hours(h: i32) -> FixedOffset {
    FixedOffset::east_opt(h * 3600).unwrap()
}

/// New York in 2026: clocks go forward at 02:00 EST on Sunday 8 March (07:00 UTC) and back at
/// 02:00 EDT on Sunday 1 November (06:00 UTC).
#[test]
fn the_changes_are_found_to_the_second_with_their_offsets_and_names() {
    let found = shifts(
        zone("America/New_York"),
        utc(2026, 1, 1, 0),
        utc(2027, 1, 1, 0),
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].at, utc(2026, 3, 8, 7));
    assert_eq!(found[0].from, hours(-5));
    assert_eq!(
        found[0].to,
        Reading {
            offset: hours(-4),
            name: "EDT".into(),
            daylight: true
        }
    );
    assert_eq!(found[0].onset(), local(2026, 3, 8, 2));
    assert_eq!(found[1].at, utc(2026, 11, 1, 6));
    assert_eq!(found[1].onset(), local(2026, 11, 1, 2));
    assert_eq!(found[1].to.name, "EST");
    assert!(!found[1].to.daylight);
}

#[test]
fn new_york_today_is_two_yearly_rules_after_the_reading_at_the_start() {
    let all = observances(
        zone("America/New_York"),
        utc(2026, 1, 1, 0),
        utc(2029, 1, 1, 0),
    );
    assert_eq!(all.len(), 3, "{all:#?}");
    // At the start (midnight UTC is 19:00 EST the evening before): EST, unchanged.
    assert_eq!(all[0].onset, local(2025, 12, 31, 19));
    assert_eq!(
        (all[0].offset_from, all[0].to.offset),
        (hours(-5), hours(-5))
    );
    assert_eq!(all[0].rule, None);
    // The second Sunday of March at 02:00 EST, every year.
    assert!(all[1].to.daylight);
    assert_eq!(all[1].onset, local(2026, 3, 8, 2));
    assert_eq!(
        (all[1].offset_from, all[1].to.offset),
        (hours(-5), hours(-4))
    );
    assert_eq!(
        all[1].rule.map(|r| r.rrule()).as_deref(),
        Some("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU")
    );
    assert!(all[1].more.is_empty());
    // The first Sunday of November at 02:00 EDT.
    assert!(!all[2].to.daylight);
    assert_eq!(all[2].onset, local(2026, 11, 1, 2));
    assert_eq!(
        all[2].rule.map(|r| r.rrule()).as_deref(),
        Some("FREQ=YEARLY;BYMONTH=11;BYDAY=1SU")
    );
}

/// Paris changes on the last Sunday of March and of October. 25 October 2026 is both the
/// fourth and the last Sunday; in 2027 and 2028 the last is the fifth (31 and 29 October), so
/// only "last" describes every year.
#[test]
fn a_last_sunday_rule_is_told_from_a_fourth_sunday_one() {
    let all = observances(zone("Europe/Paris"), utc(2026, 1, 1, 0), utc(2029, 1, 1, 0));
    assert_eq!(all.len(), 3, "{all:#?}");
    assert_eq!(all[1].onset, local(2026, 3, 29, 2));
    assert_eq!(
        all[1].rule.map(|r| r.rrule()).as_deref(),
        Some("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
    );
    assert_eq!(all[2].onset, local(2026, 10, 25, 3));
    assert_eq!(all[2].to.name, "CET");
    assert_eq!(
        all[2].rule.map(|r| r.rrule()).as_deref(),
        Some("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
    );
}

/// The United States moved its changes in 2007: from the first Sunday of April and the last of
/// October to the second of March and the first of November. The old ones are listed; the
/// rule starts in 2007.
#[test]
fn changes_under_rules_no_longer_in_force_are_listed_one_by_one() {
    let all = observances(
        zone("America/New_York"),
        utc(2005, 1, 1, 0),
        utc(2009, 1, 1, 0),
    );
    assert_eq!(all.len(), 5, "{all:#?}");
    let daylight: Vec<&Observance> = all[1..].iter().filter(|o| o.to.daylight).collect();
    assert_eq!(daylight.len(), 2);
    assert_eq!(daylight[0].onset, local(2005, 4, 3, 2));
    assert_eq!(daylight[0].rule, None);
    assert_eq!(daylight[0].more, vec![local(2006, 4, 2, 2)]);
    assert_eq!(daylight[1].onset, local(2007, 3, 11, 2));
    assert_eq!(
        daylight[1].rule.map(|r| r.rrule()).as_deref(),
        Some("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU")
    );
    let standard: Vec<&Observance> = all[1..].iter().filter(|o| !o.to.daylight).collect();
    assert_eq!(standard[0].onset, local(2005, 10, 30, 2));
    assert_eq!(standard[0].more, vec![local(2006, 10, 29, 2)]);
    assert_eq!(standard[1].onset, local(2007, 11, 4, 2));
    assert_eq!(
        standard[1].rule.map(|r| r.rrule()).as_deref(),
        Some("FREQ=YEARLY;BYMONTH=11;BYDAY=1SU")
    );
}

#[test]
fn a_zone_without_daylight_saving_time_is_one_standard_observance() {
    let all = observances(zone("Asia/Tokyo"), utc(2026, 1, 1, 0), utc(2029, 1, 1, 0));
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(
        all[0].to,
        Reading {
            offset: hours(9),
            name: "JST".into(),
            daylight: false
        }
    );
    assert_eq!(all[0].offset_from, hours(9));
    assert_eq!(all[0].onset, local(2026, 1, 1, 9));
    // A zone whose abbreviation is only its offset is named by the offset, as RFC 5545 writes it.
    let sao_paulo = observances(
        zone("America/Sao_Paulo"),
        utc(2026, 1, 1, 0),
        utc(2029, 1, 1, 0),
    );
    assert_eq!(sao_paulo.len(), 1);
    assert_eq!(sao_paulo[0].to.name, "-0300");
}

#[test]
fn offsets_are_written_as_rfc_5545_writes_them() {
    assert_eq!(utc_offset(hours(-5)), "-0500");
    assert_eq!(utc_offset(hours(0)), "+0000");
    assert_eq!(
        utc_offset(FixedOffset::east_opt(5 * 3600 + 30 * 60).unwrap()),
        "+0530"
    );
    assert_eq!(
        utc_offset(FixedOffset::west_opt(3600 + 30 * 60 + 45).unwrap()),
        "-013045"
    );
}
