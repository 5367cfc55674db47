//! A meeting's minutes in Slack, and the replies around them.

use archhour::domain::notes::{ActionNotes, MeetingNotes, Note, Person, TopicNotes};
use archhour::domain::topics::Intent;
use archhour::slack::blocks::minutes::{
    minutes, no_meeting_on, no_meetings, post_refusal, posting,
};
use insta::assert_json_snapshot;

use super::fixtures::{ANA, BEN, CHO, LONG_TITLE, MARKUP_TITLE, day, facilitators};
use super::message;

fn note(text: &str, children: Vec<Note>) -> Note {
    Note {
        text: text.into(),
        children,
    }
}

/// A meeting of three topics: nested notes, decisions, items owned by a user, by several
/// people, by a name only, and by nobody; a title needing escaping and a mention in the notes.
fn meeting() -> MeetingNotes {
    MeetingNotes {
        title: "Arch Hour <platform> & friends".into(),
        date: day(2026, 11, 18),
        topics: vec![
            TopicNotes {
                title: MARKUP_TITLE.into(),
                intents: vec![Intent::Quest, Intent::Ideation],
                proposers: vec![Person::Slack(BEN.into())],
                votes: 5,
                notes: vec![note(
                    "the gateway still serves 3% of traffic",
                    vec![note(
                        "ask <@U01ANA> about <!channel> & the rest",
                        Vec::new(),
                    )],
                )],
                decisions: vec!["retire it by Q2 & move auth to the edge".into()],
                actions: vec![ActionNotes {
                    text: "<@U03CHO> to write the ADR".into(),
                    owners: vec![Person::Slack(CHO.into())],
                    due: Some(day(2026, 12, 1)),
                }],
            },
            TopicNotes {
                title: LONG_TITLE.into(),
                intents: vec![Intent::Analysis],
                proposers: vec![Person::Slack(ANA.into())],
                votes: 7,
                notes: Vec::new(),
                decisions: Vec::new(),
                actions: vec![ActionNotes {
                    text: "Compare queue costs".into(),
                    owners: vec![Person::Slack(CHO.into()), Person::Name("Omar K.".into())],
                    due: None,
                }],
            },
            TopicNotes {
                title: "Documentation strategy for shared libraries".into(),
                intents: Vec::new(),
                proposers: vec![Person::Name("Priya".into()), Person::Name("Omar K.".into())],
                votes: 0,
                notes: vec![note("ran out of time", Vec::new())],
                decisions: Vec::new(),
                actions: Vec::new(),
            },
        ],
        actions: vec![ActionNotes {
            text: "Find an owner for the flaky-test dashboard".into(),
            owners: Vec::new(),
            due: None,
        }],
    }
}

#[test]
fn minutes_show_topics_notes_decisions_and_items_by_owner() {
    assert_json_snapshot!("minutes", message(&minutes(&meeting())));
}

#[test]
fn a_channel_without_meetings_has_no_minutes() {
    assert_json_snapshot!("no_meetings", message(&no_meetings()));
}

#[test]
fn a_day_without_a_meeting_points_to_the_last_one() {
    assert_json_snapshot!("no_meeting_on", message(&no_meeting_on(day(2026, 11, 11))));
}

#[test]
fn posting_minutes_is_for_facilitators() {
    assert_json_snapshot!("post_refusal", message(&post_refusal(&facilitators())));
}

#[test]
fn posting_minutes_is_confirmed() {
    assert_json_snapshot!("posting", message(&posting(&meeting())));
}
