//! The digest's account of the last meeting: topics with votes and time used, decisions, and
//! action items with their owners.

use chrono::NaiveDate;

use super::{LastMeeting, MeetingTopic, capped};
use crate::domain::mrkdwn::{escape, escape_keeping_mentions};
use crate::slack::blocks::items::{item_line, item_owners};
use crate::slack::blocks::{numbered, plural};

pub(super) fn last_meeting(meeting: &LastMeeting, today: NaiveDate) -> Vec<String> {
    let mut lines = vec![format!(
        "*Last meeting*: {}, {}",
        escape(&meeting.title),
        meeting.date
    )];
    lines.extend(capped(
        meeting.topics.iter().map(topic_line),
        meeting.topics.len(),
        ("topic", "topics"),
    ));
    lines.extend(listed(
        "Decisions",
        &meeting.decisions,
        ("decision", "decisions"),
        |d| format!("• {}", escape_keeping_mentions(d)),
    ));
    lines.extend(listed(
        "Action items",
        &meeting.items,
        ("action item", "action items"),
        |item| format!("• {} — {}", item_line(item, today, None), item_owners(item)),
    ));
    lines
}

/// A discussed topic with its votes, rounds and time used against the time planned.
fn topic_line(entry: &MeetingTopic) -> String {
    let planned = entry.record.planned_seconds / 60;
    let mut line = format!(
        "• {} · {} · {} · {} min (planned {planned})",
        numbered(&entry.topic, &escape(&entry.topic.title)),
        plural(entry.record.votes, "vote", "votes"),
        plural(entry.record.rounds, "round", "rounds"),
        entry.minutes_used
    );
    if entry.record.needs_follow_up {
        line.push_str(" · needs follow-up");
    }
    line
}

/// A list under its italic heading, capped; nothing at all when the list is empty.
fn listed<T>(
    heading: &str,
    all: &[T],
    noun: (&str, &str),
    row: impl FnMut(&T) -> String,
) -> Vec<String> {
    if all.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!("_{heading}_")];
    lines.extend(capped(all.iter().map(row), all.len(), noun));
    lines
}
