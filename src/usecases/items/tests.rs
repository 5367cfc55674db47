//! Changing action items, decided without a database: who may, what each change writes, what
//! is redrawn, and what the presser of a button is told.

use chrono::{DateTime, TimeZone, Utc};

use super::record::check_new;
use super::{ItemChange, Subject, decide_close, decide_press, decide_reassign};
use crate::domain::actions::{ActionItem, ItemState, ItemText};
use crate::domain::ids::{ItemNumber, UserId};
use crate::slack::actions::ItemControl;
use crate::slack::call::SlackCall;
use crate::slack::inbound::{ItemPress, PressedMessage};
use crate::slack::outgoing::Outgoing;
use crate::usecases::refusal::Refusal;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

/// A7, open, owned by U1 and U2, created by U3, listed in two sent reminder DMs.
fn subject(facilitators: &[&str]) -> Subject {
    Subject {
        item: ActionItem {
            id: 70,
            number: ItemNumber(7),
            team_id: "T1".into(),
            channel_id: "C1".into(),
            text: "Write the ADR".into(),
            owners: vec!["U2".into(), "U1".into()],
            owner_names: Vec::new(),
            due_on: None,
            topic_id: None,
            meeting_id: None,
            created_by: "U3".into(),
            created_at: now(),
            state: ItemState::Open,
            snoozed_until: None,
        },
        facilitators: facilitators.iter().map(|&f| UserId::from(f)).collect(),
        dms: vec![
            ("weekly:C1:2026-11-23".into(), "U2".into()),
            ("weekly:C1:2026-11-16".into(), "U1".into()),
        ],
    }
}

fn text(text: &str) -> ItemText {
    ItemText {
        text: text.into(),
        mentioned: Vec::new(),
        due: None,
        topic_number: None,
    }
}

#[test]
fn a_new_item_needs_an_owner_something_to_do_and_at_most_a_thousand_characters() {
    let owners = [UserId::from("U1")];
    assert_eq!(
        check_new(&[], &text("Write it")),
        Err(Refusal::ItemNeedsOwner)
    );
    assert_eq!(check_new(&owners, &text("  ")), Err(Refusal::ItemNeedsText));
    let long = "x".repeat(1001);
    assert_eq!(
        check_new(&owners, &text(&long)),
        Err(Refusal::TooLong {
            what: "An action item",
            chars: 1001
        })
    );
    assert_eq!(check_new(&owners, &text(&"x".repeat(1000))), Ok(()));
}

#[test]
fn owners_the_creator_and_facilitators_may_change_an_item_and_no_one_else() {
    for user in ["U1", "U2", "U3", "U7"] {
        assert!(
            decide_reassign(&subject(&["U7"]), &UserId::from(user), &["U9".into()]).is_ok(),
            "{user}"
        );
    }
    let refused = decide_reassign(&subject(&["U7"]), &UserId::from("U9"), &["U9".into()]);
    let Err(Refusal::NotItemOwner(item)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(item.number, ItemNumber(7));
    let reply = Refusal::NotItemOwner(item).reply();
    assert!(
        reply
            .text
            .starts_with("Only A7's owners (<@U2>, <@U1>), its creator (<@U3>) or a facilitator"),
        "{}",
        reply.text
    );
}

#[test]
fn an_item_that_is_done_cannot_be_changed_even_by_its_owner() {
    let mut done = subject(&[]);
    done.item.state = ItemState::Done;
    let refused = decide_close(&done, &UserId::from("U1"), ItemState::Dropped);
    let Err(refusal) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(refusal.reply().text, "A7 is already done.");
}

#[test]
fn reassigning_writes_the_new_owners_and_says_so() {
    let owners = vec![UserId::from("U5"), UserId::from("U6")];
    let decision = decide_reassign(&subject(&[]), &UserId::from("U1"), &owners).unwrap();
    assert_eq!(decision.reply.text, "A7 now belongs to <@U5>, <@U6>.");
    assert_eq!(
        decision.changes,
        [ItemChange::Owners {
            item_id: 70,
            owners
        }]
    );
    assert!(decision.calls.is_empty());
}

fn coalesce_keys(calls: &[crate::slack::outgoing::Delivery]) -> Vec<String> {
    calls
        .iter()
        .filter_map(|c| c.coalesce_key.clone())
        .collect()
}

#[test]
fn closing_redraws_the_dms_that_list_it_and_the_owners_homes_in_key_order() {
    let decision = decide_close(&subject(&[]), &UserId::from("U3"), ItemState::Dropped).unwrap();
    assert_eq!(decision.reply.text, "Dropped A7: Write the ADR");
    assert_eq!(
        decision.changes,
        [ItemChange::Close {
            item_id: 70,
            state: ItemState::Dropped,
            by: "U3".into()
        }]
    );
    assert_eq!(
        coalesce_keys(&decision.calls),
        [
            "dm:weekly:C1:2026-11-16:U1",
            "dm:weekly:C1:2026-11-23:U2",
            "home:U1",
            "home:U2"
        ]
    );
}

fn press(control: ItemControl, user: &str, in_dm: bool) -> ItemPress {
    ItemPress {
        team_id: "T1".into(),
        user_id: user.into(),
        trigger_id: "trigger-1".into(),
        control,
        item_id: 70,
        message: in_dm.then(|| PressedMessage {
            channel_id: "D1".into(),
            ts: "555.5".to_string(),
        }),
    }
}

/// The ephemeral message a decision tells the presser in the DM: (key, channel, user, text).
fn told(calls: &[crate::slack::outgoing::Delivery]) -> Vec<(String, String, String, String)> {
    calls
        .iter()
        .filter_map(|call| {
            let Outgoing::Call(call_box) = &call.outgoing else {
                return None;
            };
            let SlackCall::PostEphemeral(message) = call_box.as_ref() else {
                return None;
            };
            Some((
                call.key.clone(),
                message.channel.0.clone(),
                message.user.0.clone(),
                message.content.text.clone().unwrap_or_default(),
            ))
        })
        .collect()
}

#[test]
fn done_on_a_button_closes_and_redraws_without_a_word() {
    let decision = decide_press(&subject(&[]), &press(ItemControl::Done, "U1", true), now());
    assert_eq!(
        decision.changes,
        [ItemChange::Close {
            item_id: 70,
            state: ItemState::Done,
            by: "U1".into()
        }]
    );
    assert_eq!(decision.calls.len(), 4);
    assert!(told(&decision.calls).is_empty());
}

#[test]
fn snooze_leaves_it_out_for_a_week_and_says_so_in_the_dm() {
    let decision = decide_press(
        &subject(&[]),
        &press(ItemControl::Snooze, "U2", true),
        now(),
    );
    assert_eq!(
        decision.changes,
        [ItemChange::Snooze {
            item_id: 70,
            until: Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap()
        }]
    );
    assert_eq!(
        told(&decision.calls),
        [(
            "button-reply:trigger-1".to_string(),
            "D1".to_string(),
            "U2".to_string(),
            "A7 will be left out of reminders for a week.".to_string()
        )]
    );
}

#[test]
fn a_refused_press_changes_nothing_and_is_told_in_the_dm_or_nowhere() {
    let in_dm = decide_press(&subject(&[]), &press(ItemControl::Done, "U9", true), now());
    assert!(in_dm.changes.is_empty());
    let told = told(&in_dm.calls);
    assert_eq!(told.len(), 1);
    assert!(told[0].3.starts_with("Only A7's owners"), "{}", told[0].3);
    let in_home = decide_press(
        &subject(&[]),
        &press(ItemControl::Snooze, "U9", false),
        now(),
    );
    assert!(in_home.changes.is_empty() && in_home.calls.is_empty());
}
