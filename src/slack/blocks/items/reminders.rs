//! The reminder DM with its Done and Snooze buttons, the App Home's Done button, and the
//! replies to `remind`.

use std::collections::HashMap;

use chrono::NaiveDate;
use slack_morphism::prelude::*;

use super::{TopicRef, item_line};
use crate::domain::actions::{ActionItem, ItemState};
use crate::domain::ids::ChannelId;
use crate::slack::actions::ItemControl;
use crate::slack::blocks::{Reply, plural};

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
    channel_id: &ChannelId,
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

#[cfg(test)]
mod tests {
    use super::super::tests::item;
    use super::*;

    #[test]
    fn the_dm_has_done_and_snooze_for_each_open_item() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 18).expect("date");
        let mut done = item(2, None);
        done.state = ItemState::Done;
        let reply = reminder_dm(
            &ChannelId::from("C1"),
            &[item(1, None), done],
            today,
            &HashMap::new(),
        );
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
