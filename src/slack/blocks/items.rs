//! Messages about action items: replies to `action`, `done`, `mine`, `remind`, and the
//! reminder DM with its Done and Snooze buttons.

use std::collections::HashMap;

use chrono::NaiveDate;
use slack_morphism::prelude::*;

use super::{Reply, headed, mentions, plural, shown};
use crate::domain::actions::{ActionItem, ItemState};
use crate::domain::mrkdwn::{escape, escape_keeping_mentions};
use crate::domain::people::Person;
use crate::slack::actions::ItemControl;

/// The topic an item came from, as a reader would follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRef {
    pub number: i32,
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

pub fn no_such_item(number: i32) -> Reply {
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

pub fn item_reassigned(item: &ActionItem, owners: &[String]) -> Reply {
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

/// The result of `remind`.
pub fn reminders_sent(dms: usize) -> Reply {
    Reply::markdown(match dms {
        0 => "Nobody in this channel has open action items, so no reminders went out.".to_string(),
        n => format!("Sent reminders: {}.", plural(n, "DM", "DMs")),
    })
}

/// `remind` twice in a day.
pub fn reminders_already_sent() -> Reply {
    Reply::markdown(
        "Reminders for this channel already went out today; owners were not DMed again."
            .to_string(),
    )
}

/// Slack's limit allows 24 items with their buttons in one message.
const MAX_DM_ITEMS: usize = 24;

/// The reminder DM: every open item of the owner, oldest first, with Done and Snooze.
pub fn reminder_dm(
    channel_id: &str,
    items: &[ActionItem],
    today: NaiveDate,
    topics: &HashMap<i64, TopicRef>,
) -> Reply {
    let open = items.iter().filter(|i| i.state == ItemState::Open).count();
    let header = format!(
        "*Your open action items from Arch Hour* in <#{channel_id}> ({} open):",
        open
    );
    let mut blocks: Vec<SlackBlock> = vec![SlackSectionBlock::new().with_text(md!(header)).into()];
    for item in items.iter().take(MAX_DM_ITEMS) {
        let line = item_line(item, today, item.topic_id.and_then(|id| topics.get(&id)));
        blocks.push(SlackSectionBlock::new().with_text(md!(line)).into());
        if item.state == ItemState::Open {
            blocks.push(item_buttons(item.id));
        }
    }
    if items.len() > MAX_DM_ITEMS {
        blocks.push(
            SlackSectionBlock::new()
                .with_text(md!(format!(
                    "…and {} more: `/archtopic mine` lists them all.",
                    items.len() - MAX_DM_ITEMS
                )))
                .into(),
        );
    }
    Reply {
        text: format!(
            "You have {} from Arch Hour",
            plural(open, "open action item", "open action items")
        ),
        blocks,
    }
}

/// Done and Snooze for one item.
fn item_buttons(item_id: i64) -> SlackBlock {
    let button = |control: ItemControl, label: &str| {
        SlackActionBlockElement::Button(
            SlackBlockButtonElement::new(pt!(label))
                .with_action_id(control.action_id().into())
                .with_value(item_id.to_string()),
        )
    };
    SlackActionsBlock::new(vec![
        button(ItemControl::Done, "Done"),
        button(ItemControl::Snooze, "Snooze a week"),
    ])
    .into()
}

/// A Done button alone, as the App Home shows next to each item.
pub fn done_button(item_id: i64) -> SlackSectionBlockElement {
    SlackBlockButtonElement::new(pt!("Done"))
        .with_action_id(ItemControl::Done.action_id().into())
        .with_value(item_id.to_string())
        .into()
}

/// Open items listed by owner, for the agenda posted at a meeting's start.
pub fn open_items_by_owner(items: &[ActionItem], today: NaiveDate) -> Vec<String> {
    owner_lines(items, today, usize::MAX)
}

/// `• <@U1>: *A7* … ; *A9* …`: one line for each owner (Slack users, and the names a notes
/// page gave), in the order they first appear in `items`, and last one for the items nobody
/// owns. An item with two owners is on both lines. Each line names up to `per_owner` items,
/// then counts the rest.
pub(super) fn owner_lines(items: &[ActionItem], today: NaiveDate, per_owner: usize) -> Vec<String> {
    let mut owners: Vec<(Person, Vec<&ActionItem>)> = Vec::new();
    let mut unowned: Vec<&ActionItem> = Vec::new();
    for item in items {
        let theirs = owners_of(item);
        if theirs.is_empty() {
            unowned.push(item);
        }
        for owner in theirs {
            match owners.iter_mut().find(|(known, _)| *known == owner) {
                Some((_, listed)) => listed.push(item),
                None => owners.push((owner, vec![item])),
            }
        }
    }
    let named = owners.iter().map(|(owner, theirs)| (shown(owner), theirs));
    let nobody = (!unowned.is_empty()).then(|| (NO_OWNER.to_string(), &unowned));
    named
        .chain(nobody)
        .map(|(owner, theirs)| {
            let mut lines: Vec<String> = theirs
                .iter()
                .take(per_owner)
                .map(|item| item_line(item, today, None))
                .collect();
            if theirs.len() > per_owner {
                lines.push(format!("…and {} more", theirs.len() - per_owner));
            }
            format!("• {owner}: {}", lines.join("; "))
        })
        .collect()
}

/// What lists say for an item nobody owns (a notes page's "Unassigned").
const NO_OWNER: &str = "no owner";

/// An item's owners: Slack users, then the names a notes page gave.
fn owners_of(item: &ActionItem) -> Vec<Person> {
    let slack = item.owners.iter().cloned().map(Person::Slack);
    let named = item.owner_names.iter().cloned().map(Person::Name);
    slack.chain(named).collect()
}

/// `<@U1>, Omar K.`: an item's owners as a list shows them, or "no owner".
pub(super) fn item_owners(item: &ActionItem) -> String {
    let owners = owners_of(item);
    if owners.is_empty() {
        return NO_OWNER.to_string();
    }
    owners.iter().map(shown).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn item(number: i32, due: Option<u32>) -> ActionItem {
        ActionItem {
            id: i64::from(number),
            number,
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
            number: 12,
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

    #[test]
    fn the_dm_has_done_and_snooze_for_each_open_item() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 18).expect("date");
        let mut done = item(2, None);
        done.state = ItemState::Done;
        let reply = reminder_dm("C1", &[item(1, None), done], today, &HashMap::new());
        let blocks = serde_json::to_value(&reply.blocks).expect("serialises");
        assert_eq!(blocks.as_array().expect("blocks").len(), 4);
        assert_eq!(blocks[2]["elements"][0]["action_id"], "item_done");
        assert_eq!(blocks[2]["elements"][1]["action_id"], "item_snooze");
        assert_eq!(blocks[2]["elements"][0]["value"], "1");
        assert_eq!(
            blocks[3]["text"]["text"],
            "~*A2* <@UADAM> to fix the error page~ · done :white_check_mark:"
        );
        assert_eq!(reply.text, "You have 1 open action item from Arch Hour");
    }
}
