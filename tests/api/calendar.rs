//! `/archtopic calendar` and `GET /calendar/{token}.ics`: the channel's meeting in everyone's
//! calendar. The feed is read back with an independent parser (the `ical` crate), and its times
//! worked out by hand from the VTIMEZONE it carries.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use ical::parser::ical::component::{IcalCalendar, IcalTimeZone};
use ical::property::Property;

use crate::support::{TestApp, spawn_app, spawn_calendar_app};

/// The feed's address in a `calendar` reply: `http://…/calendar/{64 hex digits}.ics`.
fn address_in(reply: &serde_json::Value) -> String {
    let text = reply["text"].as_str().expect("a reply");
    let start = text.find("http://").expect("an address");
    let end = start + text[start..].find(".ics").expect("an .ics address") + ".ics".len();
    let address = &text[start..end];
    let token = address
        .rsplit('/')
        .next()
        .and_then(|file| file.strip_suffix(".ics"))
        .expect("a token");
    assert_eq!(token.len(), 64, "{address}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{address}");
    address.to_string()
}

async fn fetch(address: &str) -> reqwest::Response {
    reqwest::get(address).await.expect("an answer")
}

/// The feed at `address`, parsed, and as sent.
async fn feed_and_text(address: &str) -> (IcalCalendar, String) {
    let response = fetch(address).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let text = response.text().await.expect("a body");
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars
        .next()
        .expect("a calendar")
        .unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(calendars.next().is_none(), "one calendar");
    (calendar, text)
}

/// The feed at `address`, parsed.
async fn feed(address: &str) -> IcalCalendar {
    feed_and_text(address).await.0
}

/// The event's description, its lines unfolded as RFC 5545 §3.1 says (a line break and the one
/// space after it removed) and its text unescaped. (The `ical` crate's reader also drops the
/// spaces that end a folded line, which joins words where a fold falls after a space.)
fn description_in(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "");
    let line = unfolded
        .split("\r\n")
        .find_map(|line| line.strip_prefix("DESCRIPTION:"))
        .expect("a description");
    unescaped(line)
}

fn property<'a>(properties: &'a [Property], name: &str) -> &'a Property {
    properties
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no {name} in {properties:#?}"))
}

fn value<'a>(properties: &'a [Property], name: &str) -> &'a str {
    property(properties, name).value.as_deref().unwrap_or("")
}

fn param<'a>(property: &'a Property, name: &str) -> Option<&'a str> {
    property
        .params
        .as_ref()?
        .iter()
        .find(|(key, _)| key == name)
        .and_then(|(_, values)| values.first())
        .map(String::as_str)
}

fn local(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").expect("a local date-time")
}

/// `-0500` as seconds east of UTC.
fn offset_seconds(text: &str) -> i64 {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let hours: i64 = text[1..3].parse().expect("hours");
    let minutes: i64 = text[3..5].parse().expect("minutes");
    sign * (hours * 3600 + minutes * 60)
}

/// The day in `year` an RRULE `FREQ=YEARLY;BYMONTH=m;BYDAY=nDD` (n from 1, or -1 for the last)
/// names.
fn yearly_day(rule: &str, year: i32) -> NaiveDate {
    let part = |key: &str| {
        rule.split(';')
            .find_map(|p| p.strip_prefix(key))
            .unwrap_or_else(|| panic!("{key} in {rule}"))
    };
    assert_eq!(part("FREQ="), "YEARLY");
    let month: u32 = part("BYMONTH=").parse().expect("a month");
    let byday = part("BYDAY=");
    let (nth, day) = byday.split_at(byday.len() - 2);
    let weekday = match day {
        "SU" => Weekday::Sun,
        "MO" => Weekday::Mon,
        "SA" => Weekday::Sat,
        other => panic!("a weekday the test does not know: {other}"),
    };
    let nth: i32 = nth.parse().expect("a week number");
    let days = (1..=31).filter_map(|d| NaiveDate::from_ymd_opt(year, month, d));
    let matching: Vec<NaiveDate> = days.filter(|d| d.weekday() == weekday).collect();
    if nth > 0 {
        matching[usize::try_from(nth - 1).unwrap()]
    } else {
        *matching.last().expect("a last one")
    }
}

/// The UTC offset in force at local time `at` by the VTIMEZONE: the observance with the latest
/// onset (its DTSTART, its RDATEs, its RRULE in `at`'s year and the year before) at or before
/// `at`.
fn offset_at(zone: &IcalTimeZone, at: NaiveDateTime) -> i64 {
    let mut onsets: Vec<(NaiveDateTime, i64)> = Vec::new();
    for observance in &zone.transitions {
        let p = &observance.properties;
        let to = offset_seconds(value(p, "TZOFFSETTO"));
        let start = local(value(p, "DTSTART"));
        onsets.push((start, to));
        for rdate in p.iter().filter(|p| p.name == "RDATE") {
            onsets.push((local(rdate.value.as_deref().unwrap_or("")), to));
        }
        if let Some(rule) = p.iter().find(|p| p.name == "RRULE") {
            let rule = rule.value.as_deref().unwrap_or("");
            for year in [at.year() - 1, at.year()] {
                let onset = yearly_day(rule, year).and_time(start.time());
                if onset >= start {
                    onsets.push((onset, to));
                }
            }
        }
    }
    onsets
        .into_iter()
        .filter(|(onset, _)| *onset <= at)
        .max_by_key(|(onset, _)| *onset)
        .map(|(_, to)| to)
        .expect("an observance in force")
}

/// The local start of the first occurrence in `month` of a weekly series from `start`.
fn first_in_month(start: NaiveDateTime, month: u32) -> NaiveDateTime {
    (0..60)
        .map(|week| start + Duration::weeks(week))
        .find(|at| at.month() == month)
        .expect("an occurrence that month")
}

fn unescaped(text: &str) -> String {
    text.replace("\\n", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
}

async fn vote(app: &TestApp, card: &crate::support::Card, voters: &[&str]) {
    for voter in voters {
        app.react(voter, card, "+1").await;
    }
}

#[tokio::test]
async fn the_feed_keeps_the_meeting_at_11_in_new_york_on_both_sides_of_a_clock_change() {
    let app = spawn_calendar_app().await;
    app.command("config schedule wed 11:00 America/New_York 60m")
        .await;
    let queue = app
        .propose("[quest] Should we adopt a message queue?")
        .await;
    let runners = app.propose("[inform] New CI runners").await;
    vote(&app, &queue, &["U1"]).await;
    vote(&app, &runners, &["U1", "U2"]).await;

    let reply = app.command("calendar").await;
    assert_eq!(reply["response_type"], "ephemeral");
    let address = address_in(&reply);
    assert!(address.starts_with(&app.url("/calendar/")), "{address}");
    let (calendar, text) = feed_and_text(&address).await;

    assert_eq!(calendar.events.len(), 1);
    let event = &calendar.events[0].properties;
    assert_eq!(value(event, "SUMMARY"), "Arch Hour");
    assert_eq!(value(event, "RRULE"), "FREQ=WEEKLY;BYDAY=WE");
    let dtstart = property(event, "DTSTART");
    assert_eq!(param(dtstart, "TZID"), Some("America/New_York"));
    // The series starts at this week's meeting: the clock reads Wednesday 18 November 2026,
    // 09:00 UTC (04:00 in New York), so the meeting of 11 November.
    let start = local(dtstart.value.as_deref().unwrap_or(""));
    assert_eq!(start, local("20261111T110000"));
    assert_eq!(value(event, "DTEND"), "20261111T120000");
    assert_eq!(
        param(property(event, "DTEND"), "TZID"),
        Some("America/New_York")
    );

    assert_eq!(calendar.timezones.len(), 1);
    let zone = &calendar.timezones[0];
    assert_eq!(value(&zone.properties, "TZID"), "America/New_York");
    // In October 2027 New York keeps daylight time (EDT, UTC-4): 11:00 is 15:00 UTC; in
    // December 2026 standard time (EST, UTC-5): 16:00 UTC.
    for (month, utc) in [(10, "15:00"), (12, "16:00")] {
        let at = first_in_month(start, month);
        assert_eq!(at.weekday(), Weekday::Wed);
        assert_eq!(at.format("%H:%M").to_string(), "11:00");
        let in_utc = at - Duration::seconds(offset_at(zone, at));
        assert_eq!(in_utc.format("%H:%M").to_string(), utc, "{at}");
    }

    let description = description_in(&text);
    assert!(
        description.contains(
            "1. #2 [inform] New CI runners (2 votes)\n2. #1 [quest] Should we adopt a message queue? (1 vote)"
        ),
        "{description}"
    );
    // More votes for the queue: the next fetch ranks it first.
    vote(&app, &queue, &["U2", "U3"]).await;
    let (_, again) = feed_and_text(&address).await;
    let description = description_in(&again);
    assert!(
        description.contains(
            "1. #1 [quest] Should we adopt a message queue? (3 votes)\n2. #2 [inform] New CI runners (2 votes)"
        ),
        "{description}"
    );
}

#[tokio::test]
async fn a_changed_schedule_starts_the_series_again_under_the_same_uid() {
    let app = spawn_calendar_app().await;
    app.command("config schedule wed 11:00 America/New_York 60m")
        .await;
    let address = address_in(&app.command("calendar").await);
    let before = feed(&address).await;
    let event = &before.events[0].properties;
    assert_eq!(value(event, "SEQUENCE"), "0");
    let uid = value(event, "UID").to_string();

    app.command("config schedule thu 14:00 Europe/Paris 45m")
        .await;
    let after = feed(&address).await;
    let event = &after.events[0].properties;
    assert_eq!(value(event, "UID"), uid);
    assert_eq!(value(event, "SEQUENCE"), "1");
    // The next Thursday 14:00 in Paris after Wednesday 18 November 2026: the 19th.
    assert_eq!(value(event, "DTSTART"), "20261119T140000");
    assert_eq!(
        param(property(event, "DTSTART"), "TZID"),
        Some("Europe/Paris")
    );
    assert_eq!(value(event, "DTEND"), "20261119T144500");
    assert_eq!(value(event, "RRULE"), "FREQ=WEEKLY;BYDAY=TH");
    assert_eq!(
        value(&after.timezones[0].properties, "TZID"),
        "Europe/Paris"
    );
    // Fetching again changes nothing more.
    let still = feed(&address).await;
    assert_eq!(value(&still.events[0].properties, "SEQUENCE"), "1");
}

#[tokio::test]
async fn a_wrong_token_finds_nothing_and_a_reset_retires_the_old_one() {
    let app = spawn_calendar_app().await;
    let first = address_in(&app.command("calendar").await);
    assert_eq!(fetch(&first).await.status(), 200);
    // The same address each time it is asked for.
    assert_eq!(address_in(&app.command("calendar").await), first);
    for wrong in [
        format!("/calendar/{}.ics", "0".repeat(64)),
        "/calendar/not-a-token.ics".to_string(),
        first
            .trim_end_matches(".ics")
            .rsplit('/')
            .next()
            .map(|token| format!("/calendar/{token}"))
            .expect("a token"),
    ] {
        assert_eq!(app.get(&wrong).await.status(), 404, "{wrong}");
    }

    app.command("config facilitators <@UFAC|fac>").await;
    let refused = app.command("calendar reset").await;
    assert_eq!(refused["response_type"], "ephemeral");
    let text = refused["text"].as_str().expect("a reply");
    assert!(
        text.starts_with(
            "Only this channel's facilitators (<@UFAC>) can replace the calendar address."
        ),
        "{text}"
    );
    assert_eq!(fetch(&first).await.status(), 200);
    assert_eq!(address_in(&app.command("calendar").await), first);

    let reset = app
        .command_in(crate::support::CHANNEL, "UFAC", "calendar reset")
        .await;
    let second = address_in(&reset);
    assert_ne!(second, first);
    assert_eq!(fetch(&first).await.status(), 404);
    assert_eq!(fetch(&second).await.status(), 200);
    assert_eq!(address_in(&app.command("calendar").await), second);
    assert_eq!(app.count("channel_calendars").await, 1);
}

#[tokio::test]
async fn without_a_public_url_calendar_says_what_to_set_and_stores_nothing() {
    let app = spawn_app().await;
    for command in ["calendar", "calendar reset"] {
        let reply = app.command(command).await;
        assert_eq!(reply["response_type"], "ephemeral", "{command}");
        let text = reply["text"].as_str().expect("a reply");
        assert!(text.contains("`ARCHHOUR_PUBLIC_URL`"), "{command}: {text}");
    }
    assert_eq!(app.count("channel_calendars").await, 0);
}
