//! The feed as RFC 5545 text, built with the `icalendar` crate: one VCALENDAR with the
//! channel's VTIMEZONE and the weekly meeting as one recurring VEVENT, whose description holds
//! the next meeting's agenda.

use chrono::{DateTime, Datelike, Duration, Utc};
use icalendar::{Calendar, Component, Event, Property};

use super::Series;
use super::zone::{self, Observance, utc_offset, weekday_code};
use crate::domain::ids::ChannelId;
use crate::domain::meeting::Schedule;
use crate::domain::votes::RankedTopic;

/// How many topics of the agenda the description lists.
pub const AGENDA_TOPICS: usize = 10;

/// The event's title, and the calendar's name.
pub const SUMMARY: &str = "Arch Hour";

/// How often clients are asked to fetch the feed again (clients that honour it; Google and
/// Outlook keep their own pace).
const REFRESH: &str = "PT1H";

/// Everything a channel's feed shows.
#[derive(Debug, Clone, Copy)]
pub struct Feed<'a> {
    pub channel_id: &'a ChannelId,
    /// Where the channel opens in Slack.
    pub channel_link: &'a str,
    pub schedule: &'a Schedule,
    pub series: &'a Series,
    /// The next meeting's agenda, ranked as `/archtopic list` ranks it.
    pub agenda: &'a [RankedTopic],
    pub now: DateTime<Utc>,
}

/// The feed as an `.ics` document.
pub fn render(feed: &Feed<'_>) -> String {
    let schedule = feed.schedule;
    let mut calendar = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//archhour//Arch Hour calendar//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", SUMMARY),
        ("X-WR-TIMEZONE", schedule.tz.name()),
        ("X-PUBLISHED-TTL", REFRESH),
    ] {
        calendar.append_property(Property::new(key, value));
    }
    let mut refresh = Property::new("REFRESH-INTERVAL", REFRESH);
    refresh.add_parameter("VALUE", "DURATION");
    calendar.append_property(refresh);
    // The time zone from January of the series' first year to three years from now: the
    // changes still in force then recur by rule with no end.
    let from = year_start(feed.series.start.year());
    let until = year_start(feed.now.year() + 3);
    for line in timezone_lines(
        schedule.tz.name(),
        &zone::observances(schedule.tz, from, until),
    ) {
        calendar.append_property(line);
    }
    calendar.push(meeting(feed));
    calendar.to_string()
}

/// The weekly meeting as a recurring event in the channel's time zone.
fn meeting(feed: &Feed<'_>) -> Event {
    let schedule = feed.schedule;
    let tz = schedule.tz.name();
    let start = feed.series.start.with_timezone(&schedule.tz).naive_local();
    let length = i64::try_from(schedule.length.secs()).unwrap_or(3600);
    let end = start + Duration::seconds(length);
    let local = |key: &str, at: chrono::NaiveDateTime| {
        let mut property = Property::new(key, at.format(LOCAL).to_string());
        property.add_parameter("TZID", tz);
        property
    };
    let mut event = Event::new();
    event
        .uid(&format!("arch-hour-{}@archhour", feed.channel_id))
        .timestamp(feed.now)
        .sequence(u32::try_from(feed.series.sequence).unwrap_or(0))
        .summary(SUMMARY)
        .url(feed.channel_link)
        .description(&description(feed))
        .append_property(local("DTSTART", start))
        .append_property(local("DTEND", end))
        .add_property(
            "RRULE",
            format!("FREQ=WEEKLY;BYDAY={}", weekday_code(schedule.at.weekday)),
        );
    event.done()
}

/// What the event says: when the next meeting is, its agenda so far, and where the channel is.
fn description(feed: &Feed<'_>) -> String {
    let schedule = feed.schedule;
    let next = schedule.next_after(feed.now).with_timezone(&schedule.tz);
    let mut lines = vec![format!(
        "Next meeting: {} ({}).",
        next.format("%A %-d %B %Y, %H:%M %Z"),
        schedule.tz.name()
    )];
    if feed.agenda.is_empty() {
        lines.push("No topics proposed yet.".to_string());
    } else {
        lines.push(
            "Agenda so far (ranked by votes, then by meetings missed, then by age):".to_string(),
        );
        for entry in feed.agenda.iter().take(AGENDA_TOPICS) {
            let topic = &entry.topic;
            let votes = if entry.votes == 1 { "vote" } else { "votes" };
            lines.push(format!(
                "{}. #{} [{}] {} ({} {votes})",
                entry.rank, topic.number.0, topic.intents, topic.title, entry.votes
            ));
        }
        let more = feed.agenda.len().saturating_sub(AGENDA_TOPICS);
        if more > 0 {
            lines.push(format!("…and {more} more in the channel."));
        }
    }
    lines.push(String::new());
    lines.push(format!(
        "Propose a topic with /archtopic [intent] title in the channel, and vote with a reaction on its card: {}",
        feed.channel_link
    ));
    lines.join("\n")
}

/// Local date-times as RFC 5545 writes them with a TZID.
const LOCAL: &str = "%Y%m%dT%H%M%S";

fn year_start(year: i32) -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
}

/// The VTIMEZONE's content lines. `icalendar` 0.17 has no time zone component, and every
/// component it writes gets a DTSTAMP and a random UID, which a VTIMEZONE must not have; the
/// calendar's own properties are written in order before its components, and BEGIN and END
/// are content lines like any other (RFC 5545 §3.1, §3.6.5), so the time zone is written as
/// a run of them.
fn timezone_lines(tzid: &str, observances: &[Observance]) -> Vec<Property> {
    let mut lines = vec![
        Property::new("BEGIN", "VTIMEZONE"),
        Property::new("TZID", tzid),
    ];
    for observance in observances {
        let kind = if observance.to.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        lines.push(Property::new("BEGIN", kind));
        lines.push(Property::new(
            "DTSTART",
            observance.onset.format(LOCAL).to_string(),
        ));
        lines.push(Property::new(
            "TZOFFSETFROM",
            utc_offset(observance.offset_from),
        ));
        lines.push(Property::new(
            "TZOFFSETTO",
            utc_offset(observance.to.offset),
        ));
        lines.push(Property::new("TZNAME", observance.to.name.as_str()));
        if let Some(rule) = observance.rule {
            lines.push(Property::new("RRULE", rule.rrule()));
        }
        for onset in &observance.more {
            lines.push(Property::new("RDATE", onset.format(LOCAL).to_string()));
        }
        lines.push(Property::new("END", kind));
    }
    lines.push(Property::new("END", "VTIMEZONE"));
    lines
}

#[cfg(test)]
mod tests;
