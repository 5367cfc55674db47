//! Replies to `/archtopic`: the proposal's confirmation, every way a proposal or edit can be
//! wrong, usage, help, and the refusals any command can meet.

use archhour::domain::command::{ACTION_USAGE, MINUTES_USAGE, ProposalError, UsageError};
use archhour::domain::membership::Outside;
use archhour::domain::topics::{Intent, IntentError, TitleError};
use archhour::slack::blocks::search::similar_lines;
use archhour::slack::blocks::{
    control_done, direct_message_refusal, edit_error, help, internal_error, not_in_channel,
    not_installed, proposal_confirmation, proposal_error, unknown_command, usage,
};
use insta::assert_json_snapshot;

use super::fixtures::{LONG_TITLE, bot, markup_topic};
use super::message;
use super::search::similar;
use archhour::domain::ids::TopicNumber;

#[test]
fn a_proposal_is_confirmed_with_its_number_and_how_to_vote() {
    let reply = proposal_confirmation(&markup_topic(), "+1", &[]);
    assert_json_snapshot!("proposal_confirmation", message(&reply));
}

/// Earlier topics with similar titles, linked to their cards, so the group does not re-hash.
#[test]
fn a_proposal_like_earlier_topics_lists_them() {
    let similar = similar_lines(&similar(), Some(&bot()));
    let reply = proposal_confirmation(&markup_topic(), "star", &similar);
    assert_json_snapshot!("proposal_confirmation_with_similar", message(&reply));
}

/// Every way a proposal can be wrong, each with the command that would have worked.
#[test]
fn a_wrong_proposal_says_why_and_shows_a_corrected_command() {
    let cases = [
        (
            "proposal_error_missing_intent",
            ProposalError::MissingIntent {
                title: "What is <paver> used for & by whom?".into(),
                guess: Intent::Quest,
            },
        ),
        (
            "proposal_error_unclosed_tag",
            ProposalError::UnclosedTag {
                title: "Brainstorm: a `faster` build".into(),
                guess: Intent::Ideation,
            },
        ),
        (
            "proposal_error_empty_tag",
            ProposalError::BadIntent {
                error: IntentError::Empty,
                title: "Event bus ownership".into(),
            },
        ),
        (
            "proposal_error_unknown_intent_with_suggestion",
            ProposalError::BadIntent {
                error: IntentError::Unknown {
                    word: "qeust".into(),
                    suggestion: Some(Intent::Quest),
                },
                title: "Event bus ownership".into(),
            },
        ),
        (
            "proposal_error_unknown_intent_without_suggestion",
            ProposalError::BadIntent {
                error: IntentError::Unknown {
                    word: "rant`<b>".into(),
                    suggestion: None,
                },
                title: "Event bus ownership".into(),
            },
        ),
        (
            "proposal_error_empty_title",
            ProposalError::BadTitle {
                error: TitleError::Empty,
                intents: Intent::Analysis.into(),
            },
        ),
        (
            "proposal_error_title_too_long",
            ProposalError::BadTitle {
                error: TitleError::TooLong {
                    chars: LONG_TITLE.chars().count() * 2,
                },
                intents: Intent::Analysis.into(),
            },
        ),
    ];
    for (name, error) in cases {
        assert_json_snapshot!(name, message(&proposal_error(&error)));
    }
}

#[test]
fn a_wrong_edit_shows_the_corrected_edit_command() {
    let error = ProposalError::MissingIntent {
        title: "Should we adopt Kafka?".into(),
        guess: Intent::Quest,
    };
    assert_json_snapshot!("edit_error", message(&edit_error(TopicNumber(22), &error)));
}

/// The short confirmation of a command that did what it said; the words are the caller's.
#[test]
fn a_control_that_worked_says_what_it_did() {
    let reply = control_done(
        "Starting Arch Hour: recounting votes, then posting the agenda and the first topic",
    );
    assert_json_snapshot!("control_done", message(&reply));
}

#[test]
fn a_subcommand_used_the_wrong_way_shows_its_usage() {
    for (name, usage_text) in [
        ("usage_action", ACTION_USAGE),
        ("usage_minutes", MINUTES_USAGE),
    ] {
        let error = UsageError { usage: usage_text };
        assert_json_snapshot!(name, message(&usage(&error)));
    }
}

#[test]
fn a_command_in_a_direct_message_is_refused() {
    assert_json_snapshot!("direct_message_refusal", message(&direct_message_refusal()));
}

#[test]
fn a_channel_without_the_bot_is_told_why_nothing_was_stored() {
    for (name, why) in [
        ("not_in_channel_private", Outside::Private),
        ("not_in_channel_removed", Outside::Removed),
        ("not_in_channel_archived", Outside::Archived),
    ] {
        assert_json_snapshot!(name, message(&not_in_channel(why)));
    }
}

/// A command from a workspace the app was uninstalled from: where an admin adds it again.
#[test]
fn a_workspace_without_the_app_is_told_how_to_add_it_again() {
    let install = "https://archhour.example.com/slack/install";
    assert_json_snapshot!("not_installed", message(&not_installed(Some(install))));
    assert_json_snapshot!("not_installed_no_address", message(&not_installed(None)));
}

#[test]
fn our_own_failure_says_nothing_was_saved() {
    assert_json_snapshot!("internal_error", message(&internal_error()));
}

/// Usage, thread replies, and every intent with what it asks of the room.
#[test]
fn help_explains_every_command_and_intent() {
    assert_json_snapshot!("help", message(&help()));
}

#[test]
fn an_unknown_command_is_named_before_help() {
    assert_json_snapshot!(
        "unknown_command",
        message(&unknown_command("frobnicate<&>"))
    );
}
