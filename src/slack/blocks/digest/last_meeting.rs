//! The digest's account of the last meeting: topics with votes and time used, decisions, and
//! action items with their owners.

use chrono::NaiveDate;

use super::{LastMeeting, ROWS, capped};
use crate::domain::mrkdwn::{escape, escape_keeping_mentions};
use crate::slack::blocks::items::item_line;
use crate::slack::blocks::{badges, mentions, plural};

pub(super) fn last_meeting(meeting: &LastMeeting, today: NaiveDate) -> Vec<String> {
    let mut lines = vec![format!(
        "*Last meeting*: {}, {}",
        escape(&meeting.title),
        meeting.date
    )];
    let topics: Vec<String> = meeting
        .topics
        .iter()
        .take(ROWS)
        .map(|entry| {
            let planned = entry.record.planned_seconds / 60;
            let mut line = format!(
                "• *#{}* {} {} · {} · {} · {} min (planned {planned})",
                entry.topic.number,
                badges(&entry.topic.intents),
                escape(&entry.topic.title),
                plural(i64::from(entry.record.votes), "vote", "votes"),
                plural(i64::from(entry.record.rounds), "round", "rounds"),
                entry.minutes_used
            );
            if entry.record.needs_follow_up {
                line.push_str(" · needs follow-up");
            }
            line
        })
        .collect();
    lines.extend(capped(topics, meeting.topics.len(), "topics"));
    if !meeting.decisions.is_empty() {
        lines.push("_Decisions_".to_string());
        let decisions: Vec<String> = meeting
            .decisions
            .iter()
            .take(ROWS)
            .map(|d| format!("• {}", escape_keeping_mentions(d)))
            .collect();
        lines.extend(capped(decisions, meeting.decisions.len(), "decisions"));
    }
    if !meeting.items.is_empty() {
        lines.push("_Action items_".to_string());
        let items: Vec<String> = meeting
            .items
            .iter()
            .take(ROWS)
            .map(|item| {
                let mut owners = mentions(&item.owners);
                if !item.owner_names.is_empty() {
                    if !owners.is_empty() {
                        owners.push_str(", ");
                    }
                    owners.push_str(&escape(&item.owner_names.join(", ")));
                }
                format!("• {} — {}", item_line(item, today, None), owners)
            })
            .collect();
        lines.extend(capped(items, meeting.items.len(), "action items"));
    }
    lines
}
