//! Messages about action items: how an item reads in a list, and the replies to `action`,
//! `done`, `mine`. The reminder DM and the lists by owner live in the submodules.

mod owners;
mod reminders;

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Reply, headed, mentions, plural};
use crate::domain::actions::{ActionItem, ItemState};
use crate::domain::ids::{ItemNumber, TopicNumber, UserId};
use crate::domain::mrkdwn::{escape, escape_keeping_mentions};

pub use owners::open_items_by_owner;
pub(super) use owners::{item_owners, owner_lines};
pub use reminders::{done_button, reminder_dm, reminders_already_sent, reminders_sent};

/// The topic an item came from, as a reader would follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRef {
    pub number: TopicNumber,
    pub title: String,
    /// A link to the topic card, when the workspace's address is known.
    pub link: Option<String>,
}

/// How an item reads in a list: `*A7* text · due 2026-12-01 · *overdue* · from #12 Title`.
pub fn item_line(item: &ActionItem, today: NaiveDate, topic: Option<&TopicRef>) -> String {
    let mut parts = vec![format!(
        "*A{}* {}",
        item.number,
        escape_keeping_mentions(&item.text)
    )];
    if let Some(due) = item.due_on {
        parts.push(format!("due {due}"));
    }
    if item.is_overdue(today) {
        parts.push("*overdue*".into());
    }
    if let Some(topic) = topic {
        let name = format!("#{} {}", topic.number, escape(&topic.title));
        parts.push(match &topic.link {
            Some(link) => format!("from <{link}|{name}>"),
            None => format!("from {name}"),
        });
    }
    match item.state {
        ItemState::Open => parts.join(" · "),
        ItemState::Done => format!("~{}~ · done :white_check_mark:", parts.join(" · ")),
        ItemState::Dropped => format!("~{}~ · dropped", parts.join(" · ")),
    }
}

/// Confirms a new item.
pub fn item_recorded(item: &ActionItem, topic: Option<&TopicRef>) -> Reply {
    let mut text = format!(
        "Recorded A{}: {}\nOwners: {}",
        item.number,
        escape_keeping_mentions(&item.text),
        mentions(&item.owners)
    );
    if let Some(due) = item.due_on {
        text.push_str(&format!(" · due {due}"));
    }
    if let Some(topic) = topic {
        text.push_str(&format!(" · on #{} {}", topic.number, escape(&topic.title)));
    }
    Reply::markdown(text)
}

/// Text over the length limit: `what` is "An action item" or "A decision".
pub fn text_too_long(what: &str, chars: usize) -> Reply {
    Reply::markdown(format!(
        "{what} can be at most {} characters; this one is {chars}. Say it shorter, perhaps with a link to the details. Nothing was recorded.",
        crate::domain::actions::MAX_TEXT_CHARS
    ))
}

/// A thread reply too long to be an action item or decision, kept as a note instead.
pub fn kept_as_note(what: &str, chars: usize) -> Reply {
    Reply::markdown(format!(
        "{what} can be at most {} characters; yours is {chars}, so it was kept as a note on the topic. Post a shorter one to record it.",
        crate::domain::actions::MAX_TEXT_CHARS
    ))
}

/// An item needs someone to own it.
pub fn item_needs_owner() -> Reply {
    Reply::markdown(
        "An action item needs an owner. Try: `/archtopic action @owner what they will do due 2026-12-01`. Nothing was recorded."
            .to_string(),
    )
}

/// `action` with owners but nothing to do.
pub fn item_needs_text() -> Reply {
    Reply::markdown(
        "Say what the owners will do. Try: `/archtopic action @owner what they will do due 2026-12-01`. Nothing was recorded."
            .to_string(),
    )
}

pub fn no_such_item(number: ItemNumber) -> Reply {
    Reply::markdown(format!(
        "There is no action item A{number} in this workspace. `/archtopic mine` lists yours."
    ))
}

pub fn item_not_open(item: &ActionItem) -> Reply {
    Reply::markdown(format!(
        "A{} is already {}.",
        item.number,
        item.state.as_str()
    ))
}

/// Who may close or change an item, told to someone who may not: its Slack owners, its creator
/// and the facilitators. An item imported from a notes page was created by the importer, not a
/// person, and owners the page gives by name only cannot be mentioned (nor close it), so neither
/// is offered; when that leaves only the facilitators, the reply says why.
pub fn item_close_refused(item: &ActionItem) -> Reply {
    let mut who = Vec::new();
    if !item.owners.is_empty() {
        who.push(format!("owners ({})", mentions(&item.owners)));
    }
    if item.created_by != IMPORTER {
        who.push(format!("creator (<@{}>)", item.created_by));
    }
    if !who.is_empty() {
        return Reply::markdown(format!(
            "Only A{}'s {} or a facilitator can close or change it.",
            item.number,
            who.join(", its ")
        ));
    }
    let owners = match item.owner_names.as_slice() {
        [] => "without an owner".to_string(),
        [one] => format!("that gives its owner by name only ({})", escape(one)),
        many => format!(
            "that gives its owners by name only ({})",
            escape(&many.join(", "))
        ),
    };
    Reply::markdown(format!(
        "A{} was imported from a notes page {owners}, so only a facilitator can close or change it.",
        item.number
    ))
}

/// What `archhour import` records as the creator of the items it imports, in place of a Slack
/// user (`IMPORTER` in store/imports.rs; slack/ may not import store/, so it is repeated here).
const IMPORTER: &str = "import";

pub fn item_closed(item: &ActionItem, state: ItemState) -> Reply {
    let verb = match state {
        ItemState::Dropped => "Dropped",
        ItemState::Done | ItemState::Open => "Closed",
    };
    Reply::markdown(format!(
        "{verb} A{}: {}",
        item.number,
        escape_keeping_mentions(&item.text)
    ))
}

pub fn item_reassigned(item: &ActionItem, owners: &[UserId]) -> Reply {
    Reply::markdown(format!(
        "A{} now belongs to {}.",
        item.number,
        mentions(owners)
    ))
}

pub fn item_snoozed(item: &ActionItem) -> Reply {
    Reply::markdown(format!(
        "A{} will be left out of reminders for a week.",
        item.number
    ))
}

/// `mine`: the caller's open items.
pub fn my_items(items: &[ActionItem], today: NaiveDate, topics: &HashMap<i64, TopicRef>) -> Reply {
    if items.is_empty() {
        return Reply::markdown("You have no open action items.".to_string());
    }
    let header = format!(
        "*Your open action items* ({})",
        plural(items.len(), "item", "items")
    );
    let lines: Vec<String> = items
        .iter()
        .map(|item| item_line(item, today, item.topic_id.and_then(|id| topics.get(&id))))
        .collect();
    Reply {
        blocks: headed(&header, &lines),
        text: header,
    }
}
#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    pub(super) fn item(number: i32, due: Option<u32>) -> ActionItem {
        ActionItem {
            id: i64::from(number),
            number: ItemNumber(number),
            team_id: "T1".into(),
            channel_id: "C1".into(),
            text: "<@UADAM> to fix the error page".into(),
            owners: vec!["UADAM".into()],
            owner_names: vec![],
            due_on: due.and_then(|d| NaiveDate::from_ymd_opt(2026, 11, d)),
            topic_id: Some(5),
            meeting_id: None,
            created_by: "UNIM".into(),
            created_at: Utc.with_ymd_and_hms(2026, 11, 10, 9, 0, 0).unwrap(),
            state: ItemState::Open,
            snoozed_until: None,
        }
    }

    #[test]
    fn an_item_line_marks_overdue_and_links_its_topic() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 18).expect("date");
        let topic = TopicRef {
            number: TopicNumber(12),
            title: "Error pages & MFEs".into(),
            link: Some("https://acme.slack.com/archives/C1/p1700000000000001".into()),
        };
        assert_eq!(
            item_line(&item(7, Some(17)), today, Some(&topic)),
            "*A7* <@UADAM> to fix the error page · due 2026-11-17 · *overdue* · from <https://acme.slack.com/archives/C1/p1700000000000001|#12 Error pages &amp; MFEs>"
        );
        assert_eq!(
            item_line(&item(8, None), today, None),
            "*A8* <@UADAM> to fix the error page"
        );
    }

    #[test]
    fn only_slack_users_are_offered_as_who_may_close_an_item() {
        let created = item(3, None);
        assert_eq!(
            item_close_refused(&created).text,
            "Only A3's owners (<@UADAM>), its creator (<@UNIM>) or a facilitator can close or change it."
        );
        let imported = ActionItem {
            created_by: "import".into(),
            ..created.clone()
        };
        assert_eq!(
            item_close_refused(&imported).text,
            "Only A3's owners (<@UADAM>) or a facilitator can close or change it."
        );
        let named = ActionItem {
            owners: vec![],
            owner_names: vec!["Omar K.".into(), "Ana <B>".into()],
            ..imported.clone()
        };
        assert_eq!(
            item_close_refused(&named).text,
            "A3 was imported from a notes page that gives its owners by name only \
             (Omar K., Ana &lt;B&gt;), so only a facilitator can close or change it."
        );
    }
}
