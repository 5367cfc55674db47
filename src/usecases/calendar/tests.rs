use chrono::TimeZone;

use super::*;
use crate::domain::meeting::Schedule;
use crate::usecases::refusal::Refusal;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap()
}

fn public_url() -> Url {
    Url::parse("https://archhour.example.com/bot/").unwrap()
}

fn token(byte: u8) -> CalendarToken {
    CalendarToken::from_bytes([byte; calendar::TOKEN_BYTES])
}

fn settings(facilitators: &[&str]) -> ChannelSettings {
    ChannelSettings {
        schedule: Schedule::parse("wed 11:00 America/New_York 60m").unwrap(),
        facilitators: facilitators.iter().map(|&f| UserId::from(f)).collect(),
        ..ChannelSettings::default()
    }
}

fn existing() -> ChannelCalendar {
    ChannelCalendar {
        channel_id: ChannelId::from("C1"),
        team_id: "T1".into(),
        token: token(0x11),
        series: Series::begin(&settings(&[]).schedule, now()),
    }
}

fn subject(facilitators: &[&str], existing: Option<ChannelCalendar>) -> Subject {
    Subject {
        settings: settings(facilitators),
        existing,
    }
}

#[test]
fn the_first_calendar_makes_the_feed_and_shows_its_address() {
    let asker = Asker::u9_in_c1();
    let decision = decide(
        &asker,
        false,
        subject(&[], None),
        token(0xab),
        &public_url(),
        now(),
    )
    .expect("anyone may");
    let address = format!(
        "https://archhour.example.com/bot/calendar/{}.ics",
        "ab".repeat(32)
    );
    assert!(
        decision.reply.text.contains(&format!("<{address}>")),
        "{}",
        decision.reply.text
    );
    assert!(
        decision.reply.text.contains(&format!(
            "<webcal://archhour.example.com/bot/calendar/{}.ics|",
            "ab".repeat(32)
        )),
        "{}",
        decision.reply.text
    );
    // This week's meeting: Wednesday 11 November 2026, 11:00 EST = 16:00 UTC.
    assert_eq!(
        decision.changes,
        vec![CalendarChange::Create(ChannelCalendar {
            channel_id: ChannelId::from("C1"),
            team_id: "T1".into(),
            token: token(0xab),
            series: Series {
                schedule: "wed 11:00 America/New_York 1h".into(),
                start: Utc.with_ymd_and_hms(2026, 11, 11, 16, 0, 0).unwrap(),
                sequence: 0,
            },
        })]
    );
}

#[test]
fn a_later_calendar_shows_the_same_address_and_changes_nothing() {
    let asker = Asker::u9_in_c1();
    let decision = decide(
        &asker,
        false,
        subject(&["U7"], Some(existing())),
        token(0xab),
        &public_url(),
        now(),
    )
    .expect("anyone may");
    assert!(decision.changes.is_empty());
    assert!(decision.reply.text.contains(&"11".repeat(32)));
    assert!(!decision.reply.text.contains(&"ab".repeat(32)));
}

#[test]
fn a_reset_gives_the_feed_a_new_token_and_says_the_old_one_is_gone() {
    let asker = Asker::u9_in_c1();
    for facilitators in [&[][..], &["U9"][..]] {
        let decision = decide(
            &asker,
            true,
            subject(facilitators, Some(existing())),
            token(0xab),
            &public_url(),
            now(),
        )
        .expect("a facilitator may");
        assert_eq!(
            decision.changes,
            vec![CalendarChange::NewToken {
                channel_id: ChannelId::from("C1"),
                token: token(0xab),
                by: UserId::from("U9"),
            }]
        );
        assert!(decision.reply.text.contains("the old one no longer works"));
        assert!(decision.reply.text.contains(&"ab".repeat(32)));
        assert!(!decision.reply.text.contains(&"11".repeat(32)));
    }
}

#[test]
fn only_facilitators_reset_when_the_channel_names_some() {
    let asker = Asker::u9_in_c1();
    let refused = decide(
        &asker,
        true,
        subject(&["U7"], Some(existing())),
        token(0xab),
        &public_url(),
        now(),
    )
    .expect_err("U9 is not a facilitator");
    assert_eq!(
        refused,
        Refusal::NotFacilitator {
            what: FacilitatorsOnly::ResetCalendar,
            facilitators: vec![UserId::from("U7")],
        }
    );
}
