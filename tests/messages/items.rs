//! Messages about action items: `action`, `done`, `drop`, `mine`, `remind`, and the reminder
//! DM with its Done and Snooze buttons.

use std::collections::HashMap;

use archhour::domain::actions::{ActionItem, ItemState};
use archhour::slack::blocks::items::{
    TopicRef, done_button, item_close_refused, item_closed, item_line, item_needs_owner,
    item_needs_text, item_not_open, item_reassigned, item_recorded, item_snoozed, kept_as_note,
    my_items, no_such_item, open_items_by_owner, reminder_dm, reminders_already_sent,
    reminders_sent, text_too_long,
};
use insta::assert_json_snapshot;

use super::fixtures::{BEN, CHANNEL, CHO, day, item, item_topics, items, today, users};
use super::message;
use archhour::domain::ids::{ChannelId, ItemNumber, UserId};

fn topic_ref() -> TopicRef {
    item_topics().remove(&122).expect("#22")
}

/// Every kind of item as a list shows it, with and without its topic.
#[test]
fn item_lines_show_due_dates_overdue_topics_and_state() {
    let topics = item_topics();
    let lines: Vec<String> = items()
        .iter()
        .map(|item| item_line(item, today(), item.topic_id.and_then(|id| topics.get(&id))))
        .collect();
    assert_json_snapshot!("item_lines", lines);
}

#[test]
fn a_recorded_item_names_its_owners_due_date_and_topic() {
    let item = ActionItem {
        due_on: Some(day(2026, 12, 1)),
        ..item(
            11,
            "<@U03CHO> and <@U02BEN> to compare <kafka> & <nats>",
            &[CHO, BEN],
        )
    };
    let reply = item_recorded(&item, Some(&topic_ref()));
    assert_json_snapshot!("item_recorded", message(&reply));
}

#[test]
fn an_item_recorded_outside_a_meeting_has_no_topic() {
    let reply = item_recorded(&item(12, "Ask platform about the runners", &[CHO]), None);
    assert_json_snapshot!("item_recorded_without_topic", message(&reply));
}

#[test]
fn text_over_the_limit_is_refused() {
    for (name, what) in [
        ("text_too_long_action", "An action item"),
        ("text_too_long_decision", "A decision"),
    ] {
        assert_json_snapshot!(name, message(&text_too_long(what, 1234)));
    }
}

#[test]
fn a_thread_reply_over_the_limit_is_kept_as_a_note() {
    let reply = kept_as_note("A decision", 1234);
    assert_json_snapshot!("kept_as_note", message(&reply));
}

#[test]
fn an_item_needs_an_owner_and_something_to_do() {
    assert_json_snapshot!("item_needs_owner", message(&item_needs_owner()));
    assert_json_snapshot!("item_needs_text", message(&item_needs_text()));
}

#[test]
fn a_missing_item_number_points_to_mine() {
    assert_json_snapshot!("no_such_item", message(&no_such_item(ItemNumber(42))));
}

#[test]
fn a_closed_item_cannot_be_closed_again() {
    for (name, state) in [
        ("item_not_open_done", ItemState::Done),
        ("item_not_open_dropped", ItemState::Dropped),
    ] {
        let item = ActionItem {
            state,
            ..item(8, "Compare queue costs", &[CHO])
        };
        assert_json_snapshot!(name, message(&item_not_open(&item)));
    }
}

#[test]
fn only_owners_creator_or_facilitators_close_an_item() {
    let reply = item_close_refused(&item(8, "Compare queue costs", &[CHO, BEN]));
    assert_json_snapshot!("item_close_refused", message(&reply));
}

/// Items imported from a notes page: the importer created them, and the page named A3's owner
/// without a Slack mention and gave A10 none, so only facilitators may close them.
#[test]
fn closing_an_imported_item_is_refused() {
    for (name, number) in [
        ("item_close_refused_imported", 3),
        ("item_close_refused_imported_unowned", 10),
    ] {
        let imported = items()
            .into_iter()
            .find(|item| item.number == ItemNumber(number))
            .expect("an imported item");
        let reply = item_close_refused(&imported);
        assert_json_snapshot!(name, message(&reply));
    }
}

#[test]
fn a_closed_item_is_confirmed() {
    let item = item(7, "<@U03CHO> to write the ADR for <legacy-gateway>", &[CHO]);
    for (name, state) in [
        ("item_closed_done", ItemState::Done),
        ("item_closed_dropped", ItemState::Dropped),
    ] {
        assert_json_snapshot!(name, message(&item_closed(&item, state)));
    }
}

#[test]
fn a_reassigned_item_names_its_new_owners() {
    let reply = item_reassigned(&item(8, "Compare queue costs", &[CHO]), &users(&[BEN, CHO]));
    assert_json_snapshot!("item_reassigned", message(&reply));
}

#[test]
fn a_snoozed_item_is_left_out_for_a_week() {
    let reply = item_snoozed(&item(8, "Compare queue costs", &[CHO]));
    assert_json_snapshot!("item_snoozed", message(&reply));
}

#[test]
fn mine_without_items_says_so() {
    let reply = my_items(&[], today(), &HashMap::new());
    assert_json_snapshot!("my_items_none", message(&reply));
}

#[test]
fn mine_lists_my_open_items() {
    let open: Vec<ActionItem> = items()
        .into_iter()
        .filter(|item| {
            item.owners.contains(&UserId::from(CHO.to_string())) && item.state == ItemState::Open
        })
        .collect();
    let reply = my_items(&open, today(), &item_topics());
    assert_json_snapshot!("my_items", message(&reply));
}

#[test]
fn mine_with_one_item() {
    let one = [item(9, "Ask platform about the runners", &[CHO])];
    let reply = my_items(&one, today(), &HashMap::new());
    assert_json_snapshot!("my_items_one", message(&reply));
}

#[test]
fn remind_says_how_many_dms_went_out() {
    for (name, dms) in [
        ("reminders_sent_none", 0),
        ("reminders_sent_one", 1),
        ("reminders_sent_many", 3),
    ] {
        assert_json_snapshot!(name, message(&reminders_sent(dms)));
    }
}

#[test]
fn remind_twice_in_a_day_sends_nothing() {
    assert_json_snapshot!("reminders_already_sent", message(&reminders_already_sent()));
}

/// Cho's DM: open items with buttons, closed ones struck through without.
#[test]
fn the_reminder_dm_lists_each_item_with_done_and_snooze() {
    let theirs: Vec<ActionItem> = items()
        .into_iter()
        .filter(|item| item.owners.contains(&UserId::from(CHO.to_string())))
        .collect();
    let reply = reminder_dm(&ChannelId::from(CHANNEL), &theirs, today(), &item_topics());
    assert_json_snapshot!("reminder_dm", message(&reply));
}

/// Slack allows 24 items with buttons in one message; the rest are counted.
#[test]
fn a_reminder_dm_with_many_items_counts_the_rest() {
    let many: Vec<ActionItem> = (1..=26)
        .map(|number| {
            let mut item = item(number, "Review a migration", &[CHO]);
            item.topic_id = None;
            item
        })
        .collect();
    let reply = reminder_dm(&ChannelId::from(CHANNEL), &many, today(), &HashMap::new());
    assert_json_snapshot!("reminder_dm_many", message(&reply));
}

#[test]
fn the_done_button_of_the_app_home() {
    assert_json_snapshot!("done_button", done_button(1007));
}

/// The lines the agenda at a meeting's start lists, one per owner (Slack users and names from a
/// notes page alike, in the order they first appear), then the items nobody owns.
#[test]
fn open_items_are_listed_by_owner() {
    let open: Vec<ActionItem> = items()
        .into_iter()
        .filter(|item| item.state == ItemState::Open)
        .collect();
    assert_json_snapshot!("open_items_by_owner", open_items_by_owner(&open, today()));
}
