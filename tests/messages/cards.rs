//! Topic cards in each state, and the DM when Slack refused a card.

use archhour::domain::topics::{Topic, TopicState};
use archhour::slack::blocks::{CardView, card_not_posted, topic_card};
use insta::assert_json_snapshot;

use super::fixtures::{long_topic, markup_topic, proposers_topic, untagged_topic};
use super::message;

fn card(topic: &Topic, votes: i64) -> serde_json::Value {
    message(&topic_card(&CardView {
        topic,
        votes,
        vote_emoji: "+1",
        challenge: None,
    }))
}

#[test]
fn an_open_card_shows_votes_and_how_to_vote() {
    assert_json_snapshot!("card_open", card(&markup_topic(), 1));
}

#[test]
fn a_deferred_card_from_the_challenges_log_says_both_with_the_channels_emoji() {
    let topic = long_topic();
    let card = topic_card(&CardView {
        topic: &topic,
        votes: 7,
        vote_emoji: "star",
        challenge: Some(4),
    });
    assert_json_snapshot!("card_open_deferred_from_challenge", message(&card));
}

#[test]
fn an_imported_card_names_the_proposers_the_notes_page_gave() {
    assert_json_snapshot!("card_open_imported_proposers", card(&proposers_topic(), 5));
}

#[test]
fn an_imported_card_without_intents_or_proposers() {
    assert_json_snapshot!("card_open_imported_untagged", card(&untagged_topic(), 0));
}

#[test]
fn a_card_being_discussed() {
    let topic = Topic {
        state: TopicState::Discussing,
        ..markup_topic()
    };
    assert_json_snapshot!("card_discussing", card(&topic, 5));
}

#[test]
fn a_discussed_card() {
    let topic = Topic {
        state: TopicState::Discussed,
        ..markup_topic()
    };
    assert_json_snapshot!("card_discussed", card(&topic, 5));
}

#[test]
fn a_withdrawn_card_is_struck_through() {
    let topic = Topic {
        state: TopicState::Withdrawn,
        ..markup_topic()
    };
    assert_json_snapshot!("card_withdrawn", card(&topic, 5));
}

/// One snapshot per remedy: each of Slack's refusals tells the proposer something different.
#[test]
fn a_refused_card_tells_the_proposer_what_to_do() {
    for (name, error) in [
        ("card_not_posted_not_in_channel", "not_in_channel"),
        ("card_not_posted_channel_not_found", "channel_not_found"),
        ("card_not_posted_is_archived", "is_archived"),
        ("card_not_posted_restricted_action", "restricted_action"),
        ("card_not_posted_other_error", "msg_too_long"),
    ] {
        assert_json_snapshot!(name, message(&card_not_posted(&markup_topic(), error)));
    }
}
