//! The phrases many messages share, so each reads the same everywhere: counts, a topic's name
//! and badges, people, times, and a topic's row in an agenda.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::mrkdwn::escape;
use crate::domain::people::Person;
use crate::domain::topics::{Intent, Intents, Topic};
use crate::domain::votes::RankedTopic;

/// "1 vote", "3 votes".
pub(super) fn plural(n: impl TryInto<i64>, one: &str, many: &str) -> String {
    match n.try_into().unwrap_or(i64::MAX) {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// `quest` `ideation`, as code spans.
pub(super) fn badges(intents: &Intents) -> String {
    intents
        .as_slice()
        .iter()
        .map(|intent| format!("`{intent}`"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `` `quest` Title ``, escaped; just the title for an imported topic without intents.
pub(super) fn badged_title(topic: &Topic) -> String {
    if topic.intents.as_slice().is_empty() {
        escape(&topic.title)
    } else {
        format!("{} {}", badges(&topic.intents), escape(&topic.title))
    }
}

/// `#12 [quest] Title`, escaped: how a topic is named in running text.
pub(super) fn topic_name(topic: &Topic) -> String {
    format!(
        "#{} [{}] {}",
        topic.number,
        topic.intents,
        escape(&topic.title)
    )
}

/// The intents as code spans, for help and error messages.
pub(super) fn intent_names() -> String {
    Intent::ALL
        .iter()
        .map(|intent| format!("`{intent}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1. *#4* `quest` Title · 5 votes`: a topic's row in an agenda, wherever one is shown.
pub(super) fn agenda_row(entry: &RankedTopic) -> String {
    format!(
        "{}. *#{}* {}{} · {}",
        entry.rank,
        entry.topic.number,
        badged_title(&entry.topic),
        named_proposers(&entry.topic),
        plural(entry.votes, "vote", "votes")
    )
}

/// Who proposed a topic: mentions, or the names a notes page gave.
pub(super) fn proposer(topic: &Topic) -> String {
    let people = topic.proposed_by_whom();
    if people.is_empty() {
        return "someone (imported)".to_string();
    }
    people.iter().map(shown).collect::<Vec<_>>().join(", ")
}

/// ` · proposed by Priya, Omar K` for a topic whose notes page named its proposers; empty for
/// topics proposed in Slack, whose card already says who (and listing them again in every
/// agenda would mention them each time).
pub(super) fn named_proposers(topic: &Topic) -> String {
    if topic.proposers.is_empty() {
        return String::new();
    }
    let names: Vec<String> = topic.proposers.iter().map(shown).collect();
    format!(" · proposed by {}", names.join(", "))
}

/// A person in a message: a mention, or the name as written, escaped.
fn shown(person: &Person) -> String {
    match person {
        Person::Slack(user) => format!("<@{user}>"),
        Person::Name(name) => escape(name),
    }
}

/// `<@U1>, <@U2>`.
pub(super) fn mentions(users: &[String]) -> String {
    users
        .iter()
        .map(|user| format!("<@{user}>"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text safe inside a code span: escaped, with backticks (which would end the span) replaced.
pub(super) fn code_safe(text: &str) -> String {
    escape(text).replace('`', "'")
}

/// How long ago, in the words a person would use.
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match (now - then).num_days() {
        i64::MIN..=0 => "today".to_string(),
        1 => "1 day old".to_string(),
        n => format!("{n} days old"),
    }
}

/// How much of a moment a message shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Moment {
    /// The time of day: a time box's end.
    Clock,
    /// Day and time, briefly: the App Home's next meeting.
    ShortDate,
    /// Day and time in full: the next meeting in a digest or reminder.
    LongDate,
}

/// A moment as Slack shows it to each reader in their own zone (`<!date^…^…|…>`), with the
/// time in the channel's zone as the fallback for clients that cannot (notifications, email).
pub(super) fn local_time(at: DateTime<Utc>, tz: Tz, moment: Moment) -> String {
    let (tokens, fallback) = match moment {
        Moment::Clock => ("{time}", "%H:%M %Z"),
        Moment::ShortDate => ("{date_short_pretty} at {time}", "%a %d %b %H:%M %Z"),
        Moment::LongDate => ("{date_long_pretty} at {time}", "%a %d %b %H:%M %Z"),
    };
    format!(
        "<!date^{}^{tokens}|{}>",
        at.timestamp(),
        at.with_timezone(&tz).format(fallback)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ages_read_naturally() {
        let then = Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap();
        assert_eq!(age(then, then), "today");
        assert_eq!(age(then, then + chrono::Duration::hours(30)), "1 day old");
        assert_eq!(age(then, then + chrono::Duration::days(9)), "9 days old");
    }

    #[test]
    fn counts_of_any_integer_type_read_naturally() {
        assert_eq!(plural(1_usize, "vote", "votes"), "1 vote");
        assert_eq!(plural(0_i32, "vote", "votes"), "0 votes");
        assert_eq!(plural(3_u32, "vote", "votes"), "3 votes");
    }

    #[test]
    fn a_moment_falls_back_to_the_channels_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 18, 16, 0, 0).unwrap();
        let tz: Tz = "America/New_York".parse().expect("zone");
        assert_eq!(
            local_time(at, tz, Moment::Clock),
            "<!date^1795017600^{time}|11:00 EST>"
        );
        assert_eq!(
            local_time(at, tz, Moment::ShortDate),
            "<!date^1795017600^{date_short_pretty} at {time}|Wed 18 Nov 11:00 EST>"
        );
        assert_eq!(
            local_time(at, tz, Moment::LongDate),
            "<!date^1795017600^{date_long_pretty} at {time}|Wed 18 Nov 11:00 EST>"
        );
    }
}
