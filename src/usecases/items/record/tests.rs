//! Recording an item from the command, decided without a database: every refusal, the item as
//! it will be stored, the reply, and the reminders it schedules.

use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::domain::ids::TopicNumber;
use crate::domain::topics::{Intents, TopicState};

/// Monday 30 November 2026, 10:00 UTC; the default reminder run is Tuesday 10:00 UTC.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

/// A7 (id 70), open, recorded by U9 in C1 of T1 at [`now`], on topic 501 in meeting 5.
pub(crate) fn a7(text: &str, owners: &[&str], due_on: Option<NaiveDate>) -> ActionItem {
    ActionItem {
        id: 70,
        number: ItemNumber(7),
        team_id: "T1".into(),
        channel_id: "C1".into(),
        text: text.into(),
        owners: owners.iter().map(|&id| UserId::from(id)).collect(),
        owner_names: Vec::new(),
        due_on,
        topic_id: Some(501),
        meeting_id: Some(5),
        created_by: "U9".into(),
        created_at: now(),
        state: ItemState::Open,
        snoozed_until: None,
    }
}

fn item(text: &str, due: Option<NaiveDate>, topic_number: Option<i32>) -> ItemText {
    ItemText {
        text: text.into(),
        mentioned: Vec::new(),
        due,
        topic_number: topic_number.map(TopicNumber),
    }
}

/// #12, its card posted.
fn topic() -> Topic {
    Topic {
        id: 501,
        number: TopicNumber(12),
        team_id: "T1".into(),
        channel_id: "C1".into(),
        author_id: Some("U3".into()),
        proposers: Vec::new(),
        intents: Intents::parse("quest").unwrap(),
        title: "Pin <tox>?".into(),
        state: TopicState::Discussing,
        card_ts: Some("1700000000.000100".into()),
        times_deferred: 0,
        discussed_in: Some(5),
        imported_votes: 0,
        created_at: now(),
        challenge_id: None,
    }
}

/// A7 (id 70) taken, in meeting 5, on `topic`, with the default settings.
fn place(topic: Option<Topic>) -> Place {
    Place {
        taken: Taken {
            id: 70,
            number: ItemNumber(7),
        },
        meeting_id: Some(5),
        topic,
        settings: ChannelSettings::default(),
    }
}

fn owners(ids: &[&str]) -> Vec<UserId> {
    ids.iter().map(|&id| UserId::from(id)).collect()
}

fn refusal(owners: &[UserId], item: &ItemText, place: &Place) -> Option<Refusal> {
    decide(&Asker::u9_in_c1(), owners, item, place, None, now()).err()
}

#[test]
fn an_item_without_an_owner_or_text_or_too_long_is_refused_before_its_topic_is_looked_at() {
    let missing = place(None);
    let named = |text: &str| item(text, None, Some(12));
    assert_eq!(
        refusal(&[], &named("Write it"), &missing),
        Some(Refusal::ItemNeedsOwner)
    );
    let u1 = owners(&["U1"]);
    assert_eq!(
        refusal(&u1, &named(" \n "), &missing),
        Some(Refusal::ItemNeedsText)
    );
    assert_eq!(
        refusal(&u1, &named(&"é".repeat(1001)), &missing),
        Some(Refusal::TooLong {
            what: "An action item",
            chars: 1001
        })
    );
    assert_eq!(
        refusal(&u1, &named(&"é".repeat(1000)), &missing),
        Some(Refusal::NoSuchTopic(TopicNumber(12)))
    );
}

#[test]
fn an_item_naming_a_topic_the_channel_does_not_have_is_refused() {
    let u1 = owners(&["U1"]);
    assert_eq!(
        refusal(&u1, &item("Write it", None, Some(12)), &place(None)),
        Some(Refusal::NoSuchTopic(TopicNumber(12)))
    );
    // Without a number, no topic is fine: the item is on none.
    assert_eq!(
        refusal(&u1, &item("Write it", None, None), &place(None)),
        None
    );
}

#[test]
fn the_item_is_stored_as_it_will_read_back_and_the_reply_names_its_topic() {
    let due = NaiveDate::from_ymd_opt(2026, 12, 2);
    let text = item("Ask <@U2> & co", due, Some(12));
    let decision = decide(
        &Asker::u9_in_c1(),
        &owners(&["U2", "U1"]),
        &text,
        &place(Some(topic())),
        None,
        now(),
    )
    .expect("recorded");
    assert_eq!(
        decision.changes,
        vec![StoreItem {
            item: a7("Ask <@U2> & co", &["U1", "U2"], due),
            source_ts: None
        }]
    );
    assert_eq!(
        decision.reply.text,
        "Recorded A7: Ask <@U2> &amp; co\nOwners: <@U1>, <@U2> · due 2026-12-02 · on #12 Pin &lt;tox&gt;?"
    );
    assert!(decision.calls.is_empty());
    let steps: Vec<(&str, DateTime<Utc>)> = decision
        .steps
        .iter()
        .map(|step| (step.key.as_str(), step.due_at))
        .collect();
    assert_eq!(
        steps,
        vec![
            (
                "due-morning:C1:2026-12-02",
                Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap()
            ),
            (
                "reminder-run:C1:1796119200",
                Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()
            ),
        ]
    );
}

#[test]
fn without_a_number_the_item_goes_on_the_loaded_topic_or_none() {
    let text = item("Write it", None, None);
    let u1 = owners(&["U1"]);
    let on_topic = decide(
        &Asker::u9_in_c1(),
        &u1,
        &text,
        &place(Some(topic())),
        None,
        now(),
    )
    .unwrap();
    assert_eq!(on_topic.changes[0].item.topic_id, Some(501));
    assert_eq!(
        on_topic.reply.text,
        "Recorded A7: Write it\nOwners: <@U1> · on #12 Pin &lt;tox&gt;?"
    );
    let mut outside = place(None);
    outside.meeting_id = None;
    let alone = decide(&Asker::u9_in_c1(), &u1, &text, &outside, None, now()).unwrap();
    let stored = &alone.changes[0].item;
    assert_eq!((stored.topic_id, stored.meeting_id), (None, None));
    assert_eq!(alone.reply.text, "Recorded A7: Write it\nOwners: <@U1>");
}

#[test]
fn a_due_date_already_past_and_reminders_turned_off_schedule_nothing() {
    let mut quiet = place(None);
    quiet.settings.reminders = None;
    // 09:00 on the day it is due has passed at 10:00.
    let today = NaiveDate::from_ymd_opt(2026, 11, 30);
    let text = item("Write it", today, None);
    let decision = decide(
        &Asker::u9_in_c1(),
        &owners(&["U1"]),
        &text,
        &quiet,
        None,
        now(),
    )
    .unwrap();
    assert!(decision.steps.is_empty(), "{:?}", decision.steps);
    assert_eq!(decision.changes[0].item.due_on, today);
}
