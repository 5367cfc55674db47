//! The phrases many messages share, so each reads the same everywhere: counts, a topic's name
//! and badges, people, times, and a topic's row in an agenda.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::ids::UserId;
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

/// `` `quest` `ideation` `` and then `title` (already marked up): the intents as code spans
/// before the title, or the title alone for a topic imported without intents (no stray space).
fn badged(intents: &Intents, title: &str) -> String {
    let badges: Vec<String> = intents
        .as_slice()
        .iter()
        .map(|intent| format!("`{intent}`"))
        .chain([title.to_string()])
        .collect();
    badges.join(" ")
}

/// `` `quest` Title ``, escaped; just the title for an imported topic without intents.
pub(super) fn badged_title(topic: &Topic) -> String {
    badged(&topic.intents, &escape(&topic.title))
}

/// `` *#12* `quest` Title ``: a topic's number, badges and `title` (already escaped and marked
/// up), as lists and cards show it.
pub(super) fn numbered(topic: &Topic, title: &str) -> String {
    format!("*#{}* {}", topic.number, badged(&topic.intents, title))
}

/// `#12 [quest] Title`, escaped: how a topic is named in running text; `#5 Title` for a topic
/// imported without intents.
pub(super) fn topic_name(topic: &Topic) -> String {
    if topic.intents.as_slice().is_empty() {
        format!("#{} {}", topic.number, escape(&topic.title))
    } else {
        format!(
            "#{} [{}] {}",
            topic.number,
            topic.intents,
            escape(&topic.title)
        )
    }
}

/// `text` closing a sentence: with a full stop, unless it already ends in one, or in `?`, `!`
/// or `…` (a question's title does not take "?.").
pub(super) fn full_stop(text: &str) -> String {
    if text.ends_with(['.', '?', '!', '…']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
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
        "{}. {}{} · {}",
        entry.rank,
        numbered(&entry.topic, &escape(&entry.topic.title)),
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
pub(super) fn shown(person: &Person) -> String {
    match person {
        Person::Slack(user) => format!("<@{user}>"),
        Person::Name(name) => escape(name),
    }
}

/// `<@U1>, <@U2>`.
pub(super) fn mentions(users: &[UserId]) -> String {
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
    use crate::slack::blocks::tests::topic;
    use chrono::TimeZone;

    /// Topics imported from a notes page may have no intents: no empty brackets, no double
    /// space where the badges would be.
    #[test]
    fn a_topic_without_intents_is_named_without_brackets_or_a_gap() {
        let tagged = Topic {
            title: "Queues & cron".into(),
            ..topic()
        };
        let untagged = Topic {
            intents: Intents::from_stored(&[]),
            ..tagged.clone()
        };
        assert_eq!(
            topic_name(&tagged),
            "#12 [quest/ideation] Queues &amp; cron"
        );
        assert_eq!(topic_name(&untagged), "#12 Queues &amp; cron");
        assert_eq!(
            numbered(&tagged, "*Queues*"),
            "*#12* `quest` `ideation` *Queues*"
        );
        assert_eq!(numbered(&untagged, "*Queues*"), "*#12* *Queues*");
        assert_eq!(badged_title(&untagged), "Queues &amp; cron");
    }

    #[test]
    fn ages_read_naturally() {
        let then = Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap();
        assert_eq!(age(then, then), "today");
        assert_eq!(age(then, then + chrono::Duration::hours(30)), "1 day old");
        assert_eq!(age(then, then + chrono::Duration::days(9)), "9 days old");
    }

    #[test]
    fn a_sentence_ending_in_a_title_gets_one_full_stop() {
        assert_eq!(
            full_stop("Withdrew #4 [quest] Is it used?"),
            "Withdrew #4 [quest] Is it used?"
        );
        assert_eq!(full_stop("Ship it!"), "Ship it!");
        assert_eq!(
            full_stop("Time's up on #5: Queues &amp; cron"),
            "Time's up on #5: Queues &amp; cron."
        );
        assert_eq!(
            full_stop("Moving on from #6: v2.0…"),
            "Moving on from #6: v2.0…"
        );
        assert_eq!(full_stop("Use v2."), "Use v2.");
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
