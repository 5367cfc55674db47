//! Search results, and the earlier topics a proposal's confirmation lists.

use archhour::domain::topics::Found;
use archhour::domain::topics::{Topic, TopicState};
use archhour::slack::blocks::search::{search_results, similar_lines};
use insta::assert_json_snapshot;

use super::fixtures::{ANA, BEN, bot, day, markup_topic, proposers_topic, topic};
use super::message;

/// Topics in every state a search can find them in.
pub fn similar() -> Vec<Found> {
    vec![
        Found {
            topic: Topic {
                state: TopicState::Discussed,
                discussed_in: Some(2),
                card_ts: Some("1750780000.000007".into()),
                ..proposers_topic()
            },
            discussed_on: Some(day(2026, 6, 24)),
            votes: 6,
            decisions: 2,
            needs_follow_up: true,
        },
        Found {
            topic: Topic {
                state: TopicState::Discussed,
                card_ts: None,
                ..topic(3, "inform", "Docs site & <search> migration", BEN)
            },
            discussed_on: None,
            votes: 1,
            decisions: 1,
            needs_follow_up: false,
        },
        Found {
            topic: Topic {
                state: TopicState::Discussing,
                ..topic(19, "analysis", "API documentation from code", ANA)
            },
            discussed_on: None,
            votes: 4,
            decisions: 0,
            needs_follow_up: false,
        },
        Found {
            topic: markup_topic(),
            discussed_on: None,
            votes: 1,
            decisions: 0,
            needs_follow_up: false,
        },
        Found {
            topic: Topic {
                state: TopicState::Withdrawn,
                ..topic(20, "discuss", "Docs in the monorepo", BEN)
            },
            discussed_on: None,
            votes: 0,
            decisions: 0,
            needs_follow_up: false,
        },
    ]
}

#[test]
fn a_search_without_matches_says_so() {
    let reply = search_results("docs `strategy` <v2>", &[], Some(&bot()));
    assert_json_snapshot!("search_results_none", message(&reply));
}

/// Each result's outcome, votes and decisions, linked to its card where it has one.
#[test]
fn search_results_say_where_each_topic_stands() {
    let reply = search_results("docs `strategy` <v2>", &similar(), Some(&bot()));
    assert_json_snapshot!("search_results", message(&reply));
}

/// Without the workspace's address there are no links.
#[test]
fn one_search_result_without_links() {
    let reply = search_results("documentation", &similar()[..1], None);
    assert_json_snapshot!("search_results_one_unlinked", message(&reply));
}

#[test]
fn similar_topics_are_listed_by_outcome() {
    assert_json_snapshot!("similar_lines", similar_lines(&similar(), Some(&bot())));
}
