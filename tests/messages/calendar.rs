//! `/archtopic calendar`: the feed's address and how to subscribe, a reset, and the refusals.

use archhour::slack::blocks::calendar::{needs_public_url, reset, reset_refusal, subscription};
use insta::assert_json_snapshot;
use url::Url;

use super::fixtures::facilitators;
use super::message;

const ADDRESS: &str = "https://archhour.example.com/calendar/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.ics";
const WEBCAL: &str = "webcal://archhour.example.com/calendar/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.ics";

fn address() -> Url {
    Url::parse(ADDRESS).expect("an address")
}

#[test]
fn the_address_comes_with_how_to_subscribe() {
    assert_json_snapshot!("subscription", message(&subscription(&address(), WEBCAL)));
}

#[test]
fn a_reset_gives_the_new_address_and_says_the_old_one_is_gone() {
    assert_json_snapshot!("reset", message(&reset(&address(), WEBCAL)));
}

#[test]
fn without_a_public_url_the_calendar_says_what_to_set() {
    assert_json_snapshot!("needs_public_url", message(&needs_public_url()));
}

#[test]
fn resetting_is_for_facilitators() {
    assert_json_snapshot!("reset_refusal", message(&reset_refusal(&facilitators())));
}
