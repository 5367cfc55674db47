//! Messages about votes: the dot-vote budget, withdrawing, recounting.

use archhour::domain::ids::{TopicNumber, UserId};
use archhour::domain::topics::{Topic, TopicState};
use archhour::domain::votes::{CardRepair, UnreadCard};
use archhour::slack::blocks::{
    admin_check_failed, admin_check_pending, budget_notice, facilitator_refusal, no_such_topic,
    recount_report, recount_started, withdraw_not_open, withdraw_refused, withdrawn,
};
use insta::assert_json_snapshot;

use super::fixtures::{ANA, BEN, CHO, facilitators, markup_topic, untagged_topic, users};
use super::message;

/// Three votes each: the fourth is kept but not counted.
#[test]
fn a_vote_over_the_budget_says_which_votes_count() {
    let reply = budget_notice(
        "+1",
        3,
        TopicNumber(22),
        &[TopicNumber(7), TopicNumber(21), TopicNumber(23)],
    );
    assert_json_snapshot!("budget_notice", message(&reply));
}

#[test]
fn a_missing_topic_number_points_to_the_list() {
    assert_json_snapshot!("no_such_topic", message(&no_such_topic(TopicNumber(99))));
}

#[test]
fn only_open_topics_can_be_withdrawn() {
    for (name, state) in [
        ("withdraw_not_open_withdrawn", TopicState::Withdrawn),
        ("withdraw_not_open_discussing", TopicState::Discussing),
        ("withdraw_not_open_discussed", TopicState::Discussed),
    ] {
        let topic = Topic {
            state,
            ..markup_topic()
        };
        assert_json_snapshot!(name, message(&withdraw_not_open(&topic)));
    }
}

#[test]
fn a_withdrawal_by_someone_else_names_who_may() {
    for (name, facilitators) in [
        ("withdraw_refused", facilitators()),
        ("withdraw_refused_without_facilitators", Vec::new()),
    ] {
        let reply = withdraw_refused(&markup_topic(), &facilitators);
        assert_json_snapshot!(name, message(&reply));
    }
}

#[test]
fn a_withdrawal_is_confirmed() {
    assert_json_snapshot!("withdrawn", message(&withdrawn(&markup_topic())));
}

/// An imported topic has no intents to show in its name.
#[test]
fn an_imported_topic_without_intents_is_withdrawn() {
    assert_json_snapshot!("withdrawn_untagged", message(&withdrawn(&untagged_topic())));
}

#[test]
fn a_facilitators_command_from_someone_else_names_the_facilitators() {
    let reply = facilitator_refusal("send the reminders", &facilitators());
    assert_json_snapshot!("facilitator_refusal", message(&reply));
}

#[test]
fn a_recount_says_how_many_cards_it_reads() {
    for (name, cards) in [
        ("recount_started_none", 0),
        ("recount_started_one", 1),
        ("recount_started_many", 5),
    ] {
        assert_json_snapshot!(name, message(&recount_started(cards)));
    }
}

#[test]
fn a_recount_that_matched_says_so() {
    assert_json_snapshot!(
        "recount_report_matched",
        message(&recount_report(1, &[], &[]))
    );
}

fn repair(number: i32, added: Vec<UserId>, removed: Vec<UserId>) -> CardRepair {
    CardRepair {
        number: TopicNumber(number),
        added,
        removed,
    }
}

/// Voters added and removed per topic, each as mentions.
#[test]
fn a_recount_lists_each_repair() {
    let changes = [
        repair(21, users(&[ANA]), users(&[BEN, CHO])),
        repair(22, users(&[BEN, CHO]), Vec::new()),
        repair(7, Vec::new(), users(&[ANA])),
    ];
    let reply = recount_report(5, &changes, &[]);
    assert_json_snapshot!("recount_report_repaired", message(&reply));
}

/// Cards Slack did not answer for are named, with why, and keep their votes.
#[test]
fn a_recount_names_the_cards_it_could_not_read() {
    let changes = [repair(22, users(&[BEN]), Vec::new())];
    let unread = [
        UnreadCard {
            number: TopicNumber(21),
            why: Some("Slack error `message_not_found`".to_string()),
        },
        UnreadCard {
            number: TopicNumber(7),
            why: None,
        },
    ];
    let reply = recount_report(5, &changes, &unread);
    assert_json_snapshot!("recount_report_unread", message(&reply));
}

/// Someone only a workspace admin could be, before Slack says whether they are one.
#[test]
fn a_change_waiting_for_the_admin_check_says_what_happens_next() {
    let reply = admin_check_pending(&markup_topic(), "withdraw it");
    assert_json_snapshot!("admin_check_pending", message(&reply));
    let failed = admin_check_failed(&markup_topic(), "withdraw it");
    assert_json_snapshot!("admin_check_failed", message(&failed));
}
