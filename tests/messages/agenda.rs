//! The ranked agenda: `list`, and the agenda posted when a meeting starts.

use archhour::slack::blocks::agenda;
use insta::assert_json_snapshot;

use super::fixtures::{now, ranked};
use super::message;

#[test]
fn an_empty_agenda_says_how_to_propose_a_topic() {
    assert_json_snapshot!("agenda_empty", message(&agenda(&[], now())));
}

/// Votes (plural and singular), deferrals, ages, intents, proposers named by a notes page, a
/// long title and one that needs escaping.
#[test]
fn a_full_agenda_ranks_every_open_topic() {
    assert_json_snapshot!("agenda_full", message(&agenda(&ranked(), now())));
}
