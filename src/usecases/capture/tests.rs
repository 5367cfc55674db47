//! Capturing thread replies, decided without a database: what each kind of reply stores, how
//! the bot reacts, what an over-long one becomes, and whose capture `undo` takes back.

use super::*;
use crate::domain::ids::ItemNumber;
use crate::usecases::items::record::tests::{a7, now};

/// U9's reply `ts` in the thread of topic 501's card, in channel C1 of T1.
fn reply(ts: &str) -> ThreadReply {
    ThreadReply {
        event_id: "Ev1".into(),
        team_id: "T1".into(),
        channel_id: "C1".into(),
        ts: ts.into(),
        thread_ts: "1700000000.000100".into(),
        user_id: "U9".into(),
        text: String::new(),
    }
}

/// Captured in meeting 5.
fn place(reply: &ThreadReply) -> Place<'_> {
    Place {
        reply,
        topic_id: 501,
        meeting_id: Some(5),
    }
}

fn keys(decision: &Decision<CaptureChange>) -> Vec<&str> {
    decision
        .calls
        .iter()
        .map(|call| call.key.as_str())
        .collect()
}

fn item_reading(text: &str, mentioned: &[&str]) -> Reading {
    Reading::Item {
        item: ItemText {
            text: text.into(),
            mentioned: mentioned.iter().map(|&u| UserId::from(u)).collect(),
            due: None,
            topic_number: None,
        },
        taken: Taken {
            id: 70,
            number: ItemNumber(7),
        },
        settings: ChannelSettings::default(),
    }
}

/// A7, captured from reply 200.
fn stored(text: &str, owners: &[&str]) -> CaptureChange {
    CaptureChange::Item(StoreItem {
        item: a7(text, owners, None),
        source_ts: Some("1700000000.000200".into()),
    })
}

fn entry(text: &str) -> Entry {
    Entry {
        channel_id: "C1".into(),
        topic_id: 501,
        meeting_id: Some(5),
        text: text.into(),
        by: "U9".into(),
        at: now(),
        source_ts: "1700000000.000200".into(),
    }
}

#[test]
fn an_item_is_owned_by_whom_it_mentions_reacted_to_and_reminded_of() {
    let reply = reply("1700000000.000200");
    let reading = item_reading("<@U2> and <@U1> write the ADR", &["U2", "U1"]);
    let decision = decide(&place(&reply), reading, None, now());
    assert_eq!(
        decision.changes,
        vec![stored("<@U2> and <@U1> write the ADR", &["U1", "U2"])]
    );
    assert_eq!(
        keys(&decision),
        vec!["react:C1:1700000000.000200:white_check_mark"]
    );
    let steps: Vec<&str> = decision.steps.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(steps, vec!["reminder-run:C1:1796119200"]);
    assert!(decision.reply.text.is_empty());
}

#[test]
fn an_item_mentioning_no_one_is_its_authors() {
    let reply = reply("1700000000.000200");
    let decision = decide(
        &place(&reply),
        item_reading("write the ADR", &[]),
        None,
        now(),
    );
    assert_eq!(decision.changes, vec![stored("write the ADR", &["U9"])]);
}

#[test]
fn a_decision_is_stored_and_pinned_and_a_note_stored_quietly() {
    let reply = reply("1700000000.000200");
    let reading = Reading::Decision("Jim will slugify".into());
    let decided = decide(&place(&reply), reading, None, now());
    assert_eq!(
        decided.changes,
        vec![CaptureChange::Decision(entry("Jim will slugify"))]
    );
    assert_eq!(keys(&decided), vec!["react:C1:1700000000.000200:pushpin"]);
    assert!(decided.steps.is_empty());

    let noted = decide(
        &place(&reply),
        Reading::Note("a toolbox?".into()),
        None,
        now(),
    );
    assert_eq!(
        noted.changes,
        vec![CaptureChange::Note(entry("a toolbox?"))]
    );
    assert!(noted.calls.is_empty() && noted.steps.is_empty());
}

#[test]
fn an_item_or_decision_over_the_limit_is_kept_as_a_note_and_its_author_told() {
    let long_item = format!("AI: {}", "x".repeat(1001));
    let (capture, over) = what_to_capture(&format!("  {long_item} "));
    assert_eq!(capture, Capture::Note(long_item.clone()));
    assert_eq!(over, Some(("An action item", 1001)));
    let long_decision = format!("DECIDED {}", "y".repeat(1002));
    assert_eq!(
        what_to_capture(&long_decision),
        (
            Capture::Note(long_decision.clone()),
            Some(("A decision", 1002))
        )
    );
    let fits = format!("AI: {}", "x".repeat(1000));
    assert!(matches!(what_to_capture(&fits), (Capture::Action(_), None)));

    let reply = reply("1700000000.000200");
    let decision = decide(
        &place(&reply),
        Reading::Note(long_item.clone()),
        over,
        now(),
    );
    assert_eq!(
        decision.changes,
        vec![CaptureChange::Note(entry(&long_item))]
    );
    assert_eq!(keys(&decision), vec!["too-long:C1:1700000000.000200"]);
    let (_, channel, user, text) = decision.calls[0].ephemeral_parts();
    assert_eq!((channel.as_str(), user.as_str()), ("C1", "U9"));
    assert_eq!(
        text,
        "An action item can be at most 1000 characters; yours is 1001, so it was kept as a \
         note on the topic. Post a shorter one to record it."
    );
}

/// The thread's newest capture is someone else's decision (reply 300); U9's newest is the item
/// from reply 200.
fn undo_reading(facilitators: &[&str], own: bool) -> Reading {
    Reading::Undo {
        facilitators: facilitators.iter().map(|&u| UserId::from(u)).collect(),
        newest: Some(Captured::Decision {
            id: 3,
            source_ts: "1700000000.000300".into(),
        }),
        own: own.then(|| Captured::Item {
            id: 70,
            source_ts: "1700000000.000200".into(),
        }),
    }
}

#[test]
fn undo_takes_back_ones_own_last_capture_and_its_reaction() {
    let reply = reply("1700000000.000400");
    for facilitators in [&[][..], &["U7"][..]] {
        let decision = decide(
            &place(&reply),
            undo_reading(facilitators, true),
            None,
            now(),
        );
        assert_eq!(
            decision.changes,
            vec![CaptureChange::Undo(Captured::Item {
                id: 70,
                source_ts: "1700000000.000200".into()
            })],
            "facilitators {facilitators:?}"
        );
        assert_eq!(
            keys(&decision),
            vec![
                "unreact:C1:1700000000.000200:white_check_mark",
                "react:C1:1700000000.000400:leftwards_arrow_with_hook"
            ]
        );
    }
}

#[test]
fn a_facilitators_undo_takes_back_anyones_last_capture() {
    let reply = reply("1700000000.000400");
    let decision = decide(
        &place(&reply),
        undo_reading(&["U7", "U9"], false),
        None,
        now(),
    );
    assert_eq!(
        decision.changes,
        vec![CaptureChange::Undo(Captured::Decision {
            id: 3,
            source_ts: "1700000000.000300".into()
        })]
    );
    assert_eq!(
        keys(&decision),
        vec![
            "unreact:C1:1700000000.000300:pushpin",
            "react:C1:1700000000.000400:leftwards_arrow_with_hook"
        ]
    );
}

#[test]
fn undo_with_nothing_of_ones_own_to_take_back_does_nothing() {
    let reply = reply("1700000000.000400");
    let decision = decide(&place(&reply), undo_reading(&["U7"], false), None, now());
    assert!(decision.changes.is_empty() && decision.calls.is_empty() && decision.steps.is_empty());
}
