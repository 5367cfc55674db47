//! Replies to `edit N [intent] title`.

use archhour::domain::topics::{Topic, TopicState};
use archhour::slack::blocks::{edit_not_open, edit_refused, edit_unchanged, edited};
use insta::assert_json_snapshot;

use super::fixtures::{facilitators, markup_topic, proposers_topic};
use super::message;

#[test]
fn only_open_topics_can_be_edited() {
    for (name, state) in [
        ("edit_not_open_withdrawn", TopicState::Withdrawn),
        ("edit_not_open_discussing", TopicState::Discussing),
        ("edit_not_open_discussed", TopicState::Discussed),
    ] {
        let topic = Topic {
            state,
            ..markup_topic()
        };
        assert_json_snapshot!(name, message(&edit_not_open(&topic)));
    }
}

#[test]
fn an_edit_by_someone_else_names_who_may() {
    let reply = edit_refused(&markup_topic(), &facilitators());
    assert_json_snapshot!("edit_refused", message(&reply));
}

/// Without facilitators a workspace admin may; an imported topic names its proposers.
#[test]
fn an_edit_refused_in_a_channel_without_facilitators() {
    let reply = edit_refused(&proposers_topic(), &[]);
    assert_json_snapshot!("edit_refused_without_facilitators", message(&reply));
}

#[test]
fn an_edit_that_changes_nothing_says_so() {
    assert_json_snapshot!("edit_unchanged", message(&edit_unchanged(&markup_topic())));
}

#[test]
fn an_edit_shows_the_topic_as_it_reads_now_and_keeps_its_votes() {
    for (name, votes) in [("edited", 5), ("edited_one_vote", 1)] {
        assert_json_snapshot!(name, message(&edited(&markup_topic(), votes)));
    }
}
