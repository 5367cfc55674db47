//! The weekly digest: the next meeting, the agenda so far, new topics, the last meeting, open
//! action items by owner, and topics by intent, within Slack's block limits.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

use super::items::item_line;
use super::{Reply, badges, mentions, plural, sections};
use crate::actions::ActionItem;
use crate::meeting::DiscussedTopic;
use crate::slack::mrkdwn::escape;
use crate::topics::{Intent, Topic};
use crate::votes::RankedTopic;

/// How many rows each part lists before "…and N more".
const ROWS: usize = 10;

/// What a digest shows.
#[derive(Debug, Clone)]
pub struct Digest {
    pub next_meeting: DateTime<Utc>,
    pub tz: Tz,
    pub agenda: Vec<RankedTopic>,
    /// The first new topics, and how many there are in all.
    pub new_topics: Vec<Topic>,
    pub new_total: usize,
    pub last_meeting: Option<LastMeeting>,
    /// Overdue first, then oldest.
    pub open_items: Vec<ActionItem>,
    pub today: NaiveDate,
    pub intent_counts: Vec<(Intent, usize)>,
}

/// The last meeting, as the digest tells it.
#[derive(Debug, Clone)]
pub struct LastMeeting {
    pub title: String,
    pub date: NaiveDate,
    pub topics: Vec<MeetingTopic>,
    pub decisions: Vec<String>,
    pub items: Vec<ActionItem>,
}

#[derive(Debug, Clone)]
pub struct MeetingTopic {
    pub topic: Topic,
    pub record: DiscussedTopic,
    pub minutes_used: i64,
}

/// Up to `ROWS` of `lines`, then how many of the `total` were left out.
fn capped(mut lines: Vec<String>, total: usize, what: &str) -> Vec<String> {
    lines.truncate(ROWS);
    if total > lines.len() {
        let more = total - lines.len();
        lines.push(format!("…and {more} more {what}"));
    }
    lines
}

/// The digest as a channel message.
pub fn digest(digest: &Digest) -> Reply {
    let when = format!(
        "<!date^{}^{{date_long_pretty}} at {{time}}|{}>",
        digest.next_meeting.timestamp(),
        digest
            .next_meeting
            .with_timezone(&digest.tz)
            .format("%a %d %b %H:%M %Z")
    );
    let mut parts: Vec<String> = vec![format!("*Arch Hour weekly digest* · next meeting {when}")];

    let agenda: Vec<String> = digest
        .agenda
        .iter()
        .map(|entry| {
            format!(
                "{}. *#{}* {} {} · {}",
                entry.rank,
                entry.topic.number,
                badges(&entry.topic.intents),
                escape(&entry.topic.title),
                plural(entry.votes, "vote", "votes")
            )
        })
        .collect();
    parts.push(section(
        "Agenda so far",
        capped(agenda, digest.agenda.len(), "topics"),
        "No open topics.",
    ));

    let new: Vec<String> = digest
        .new_topics
        .iter()
        .map(|topic| {
            format!(
                "• *#{}* {} {}",
                topic.number,
                badges(&topic.intents),
                escape(&topic.title)
            )
        })
        .collect();
    parts.push(section(
        "New since the last digest",
        capped(new, digest.new_total, "topics"),
        "No new topics.",
    ));

    parts.push(match &digest.last_meeting {
        None => "*Last meeting*\nNo meeting yet.".to_string(),
        Some(meeting) => last_meeting(meeting, digest.today),
    });

    let owners = owners_of(&digest.open_items);
    let owner_count = owners.len();
    let items: Vec<String> = owners
        .into_iter()
        .map(|owner| {
            let theirs: Vec<String> = digest
                .open_items
                .iter()
                .filter(|item| item_owned_by(item, &owner))
                .map(|item| item_line(item, digest.today, None))
                .collect();
            format!("• {owner}: {}", theirs.join("; "))
        })
        .collect();
    parts.push(section(
        "Open action items",
        capped(items, owner_count, "owners"),
        "No open action items.",
    ));

    let intents: Vec<String> = digest
        .intent_counts
        .iter()
        .map(|(intent, count)| format!("{intent} {count}"))
        .collect();
    parts.push(format!(
        "*Topics by intent*: {}",
        if intents.is_empty() {
            "none yet".to_string()
        } else {
            intents.join(" · ")
        }
    ));

    let lines: Vec<&str> = parts.iter().map(String::as_str).collect();
    let mut blocks: Vec<SlackBlock> = Vec::new();
    for (index, part) in sections(&lines).into_iter().enumerate() {
        if index > 0 {
            blocks.push(SlackDividerBlock::new().into());
        }
        blocks.push(part);
    }
    // Dividers double the count; Slack allows 50 blocks.
    blocks.truncate(50);
    Reply {
        text: "Arch Hour weekly digest".to_string(),
        blocks,
    }
}

fn section(title: &str, lines: Vec<String>, empty: &str) -> String {
    if lines.is_empty() {
        format!("*{title}*\n{empty}")
    } else {
        format!("*{title}*\n{}", lines.join("\n"))
    }
}

fn last_meeting(meeting: &LastMeeting, today: NaiveDate) -> String {
    let mut lines = vec![format!(
        "*Last meeting*: {}, {}",
        escape(&meeting.title),
        meeting.date
    )];
    for entry in meeting.topics.iter().take(ROWS) {
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
        lines.push(line);
    }
    if meeting.topics.len() > ROWS {
        lines.push(format!("…and {} more topics", meeting.topics.len() - ROWS));
    }
    if !meeting.decisions.is_empty() {
        lines.push("_Decisions_".to_string());
        lines.extend(
            meeting
                .decisions
                .iter()
                .take(ROWS)
                .map(|d| format!("• {d}")),
        );
    }
    if !meeting.items.is_empty() {
        lines.push("_Action items_".to_string());
        lines.extend(meeting.items.iter().take(ROWS).map(|item| {
            let mut owners = mentions(&item.owners);
            if !item.owner_names.is_empty() {
                if !owners.is_empty() {
                    owners.push_str(", ");
                }
                owners.push_str(&item.owner_names.join(", "));
            }
            format!("• {} — {}", item_line(item, today, None), owners)
        }));
    }
    lines.join("\n")
}

/// Everyone who owns an open item (Slack users as mentions, imported names as written).
fn owners_of(items: &[ActionItem]) -> Vec<String> {
    let mut owners: Vec<String> = Vec::new();
    for item in items {
        let all = item
            .owners
            .iter()
            .map(|o| format!("<@{o}>"))
            .chain(item.owner_names.iter().cloned());
        for owner in all {
            if !owners.contains(&owner) {
                owners.push(owner);
            }
        }
    }
    owners
}

fn item_owned_by(item: &ActionItem, owner: &str) -> bool {
    item.owners.iter().any(|o| format!("<@{o}>") == owner)
        || item.owner_names.iter().any(|n| n == owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("line {i}")).collect()
    }

    #[test]
    fn a_short_list_is_shown_whole() {
        assert_eq!(capped(lines(3), 3, "topics"), lines(3));
    }

    #[test]
    fn a_long_list_shows_ten_then_how_many_more() {
        let shown = capped(lines(12), 12, "topics");
        assert_eq!(shown.len(), 11);
        assert_eq!(shown[9], "line 10");
        assert_eq!(shown[10], "…and 2 more topics");
    }

    #[test]
    fn a_list_loaded_partly_counts_the_ones_never_loaded() {
        // Ten of 25 new topics were loaded; 15 stayed in the database.
        let shown = capped(lines(10), 25, "topics");
        assert_eq!(shown.last().unwrap(), "…and 15 more topics");
    }
}
