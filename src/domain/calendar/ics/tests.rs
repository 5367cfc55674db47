use chrono::TimeZone;

use super::*;
use crate::domain::ids::TopicNumber;
use crate::domain::topics::{Intent, Intents, Topic, TopicState};

fn topic(number: i32, intents: Intents, title: &str) -> Topic {
    Topic {
        id: i64::from(number),
        number: TopicNumber(number),
        team_id: "T1".into(),
        channel_id: "C1".into(),
        author_id: Some("U1".into()),
        proposers: Vec::new(),
        intents,
        title: title.into(),
        state: TopicState::Open,
        card_ts: None,
        times_deferred: 0,
        discussed_in: None,
        imported_votes: 0,
        created_at: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
        challenge_id: None,
    }
}

fn ranked(entries: Vec<(Topic, i64)>) -> Vec<RankedTopic> {
    entries
        .into_iter()
        .enumerate()
        .map(|(index, (topic, votes))| RankedTopic {
            rank: index + 1,
            topic,
            votes,
        })
        .collect()
}

/// The feed of C1 scheduled `wed 11:00 America/New_York 60m`, its series begun on
/// 11 November 2026, read on Wednesday 18 November at 09:00 UTC; its lines unfolded.
fn feed_text(agenda: &[RankedTopic]) -> String {
    let schedule = Schedule::parse("wed 11:00 America/New_York 60m").expect("valid");
    let series = Series {
        schedule: schedule.to_string(),
        start: Utc.with_ymd_and_hms(2026, 11, 11, 16, 0, 0).unwrap(),
        sequence: 2,
    };
    let text = render(&Feed {
        channel_id: &ChannelId::from("C1"),
        channel_link: "https://slack.com/app_redirect?channel=C1&team=T1",
        schedule: &schedule,
        series: &series,
        agenda,
        now: Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap(),
    });
    assert!(
        text.split("\r\n").all(|line| line.len() <= 75),
        "folded at 75 octets"
    );
    text.replace("\r\n ", "")
}

fn lines(text: &str) -> Vec<&str> {
    text.split("\r\n").filter(|line| !line.is_empty()).collect()
}

#[test]
fn the_meeting_recurs_weekly_at_its_local_time_in_its_zone() {
    let text = feed_text(&[]);
    let lines = lines(&text);
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    for expected in [
        "VERSION:2.0",
        "X-WR-CALNAME:Arch Hour",
        "BEGIN:VEVENT",
        "UID:arch-hour-C1@archhour",
        "DTSTAMP:20261118T090000Z",
        "SEQUENCE:2",
        "SUMMARY:Arch Hour",
        "DTSTART;TZID=America/New_York:20261111T110000",
        "DTEND;TZID=America/New_York:20261111T120000",
        "RRULE:FREQ=WEEKLY;BYDAY=WE",
        "URL:https://slack.com/app_redirect?channel=C1&team=T1",
    ] {
        assert!(lines.contains(&expected), "{expected} in\n{text}");
    }
}

#[test]
fn the_time_zone_comes_before_the_event_with_its_rules_and_nothing_else() {
    let text = feed_text(&[]);
    let lines = lines(&text);
    let begin = lines
        .iter()
        .position(|l| *l == "BEGIN:VTIMEZONE")
        .expect("a VTIMEZONE");
    let end = lines
        .iter()
        .position(|l| *l == "END:VTIMEZONE")
        .expect("its end");
    let event = lines
        .iter()
        .position(|l| *l == "BEGIN:VEVENT")
        .expect("an event");
    assert!(begin < end && end < event);
    let zone = &lines[begin..=end];
    assert_eq!(zone[1], "TZID:America/New_York");
    let daylight = zone
        .iter()
        .position(|l| *l == "BEGIN:DAYLIGHT")
        .expect("DAYLIGHT");
    assert_eq!(
        &zone[daylight..daylight + 7],
        [
            "BEGIN:DAYLIGHT",
            "DTSTART:20260308T020000",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "TZNAME:EDT",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
            "END:DAYLIGHT",
        ]
    );
    assert!(zone.contains(&"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"));
    assert!(
        !zone
            .iter()
            .any(|l| l.starts_with("UID") || l.starts_with("DTSTAMP")),
        "{zone:#?}"
    );
}

#[test]
fn the_description_holds_the_next_meeting_and_its_ranked_agenda() {
    let agenda = ranked(vec![
        (
            topic(4, Intent::Quest.into(), "Adopt a queue, or not; soon"),
            5,
        ),
        (topic(2, Intent::Inform.into(), "New CI runners"), 1),
    ]);
    let text = feed_text(&agenda);
    let description = lines(&text)
        .into_iter()
        .find(|l| l.starts_with("DESCRIPTION:"))
        .expect("a description");
    // Text values escape commas, semicolons and line breaks (RFC 5545 §3.3.11).
    assert!(
        description.starts_with(
            "DESCRIPTION:Next meeting: Wednesday 18 November 2026\\, 11:00 EST (America/New_York).\\n"
        ),
        "{description}"
    );
    assert!(
        description.contains(
            "\\n1. #4 [quest] Adopt a queue\\, or not\\; soon (5 votes)\\n2. #2 [inform] New CI runners (1 vote)\\n"
        ),
        "{description}"
    );
    assert!(
        description.ends_with("https://slack.com/app_redirect?channel=C1&team=T1"),
        "{description}"
    );
}

#[test]
fn a_long_agenda_is_cut_to_its_top_ten() {
    let agenda = ranked(
        (1..=12)
            .map(|n| (topic(n, Intent::Discuss.into(), &format!("Topic {n}")), 0))
            .collect(),
    );
    let text = feed_text(&agenda);
    assert!(
        text.contains("10. #10 [discuss] Topic 10 (0 votes)"),
        "{text}"
    );
    assert!(!text.contains("Topic 11"), "{text}");
    assert!(text.contains("…and 2 more in the channel."), "{text}");
    assert!(feed_text(&[]).contains("No topics proposed yet."));
}
