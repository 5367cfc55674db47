//! The vote batch's decisions, without a database: which events are new votes, and what the
//! changed votes call for (card refreshes, budget notices).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};

use super::follow_up::{self, Loaded, VoterVotes};
use super::vote_changes;
use crate::domain::ids::{ChannelId, TopicNumber, UserId};
use crate::domain::settings::ChannelSettings;
use crate::domain::topics::TopicState;
use crate::slack::blocks;
use crate::slack::call::SlackCall;
use crate::slack::inbound::ReactionEvent;
use crate::slack::outgoing::{CARD_REFRESH_DELAY, Outgoing, Render};
use crate::store::votes::{BudgetedVote, ChangedVote, VoteChange};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

fn event(id: &str, user: &str, card: &str, reaction: &str, added: bool, ts: i64) -> ReactionEvent {
    ReactionEvent {
        event_id: id.into(),
        team_id: "T1".into(),
        channel_id: "C1".into(),
        message_ts: card.into(),
        user_id: user.into(),
        reaction: reaction.into(),
        added,
        event_ts: ts,
    }
}

fn fresh(ids: &[&str]) -> HashSet<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

/// C1 with a budget of `budget` votes (:+1:).
fn settings(budget: u32) -> HashMap<ChannelId, ChannelSettings> {
    let settings = ChannelSettings {
        votes_per_person: budget,
        ..ChannelSettings::default()
    };
    HashMap::from([(ChannelId::from("C1"), settings)])
}

fn change(user: &str, card: &str, present: bool, ts: i64) -> VoteChange {
    VoteChange {
        channel_id: "C1".into(),
        message_ts: card.into(),
        user_id: user.into(),
        present,
        at: now(),
        event_ts: ts,
    }
}

#[test]
fn only_new_vote_reactions_become_changes_the_latest_per_person_and_card_in_key_order() {
    let events = [
        event("Ev1", "U2", "111.1", "+1", true, 10),
        event("Ev2", "U1", "111.1", "+1::skin-tone-3", true, 11),
        event("Ev3", "U1", "111.1", "+1", false, 13),
        event("Ev4", "U1", "111.1", "+1", true, 12),
        event("Ev5", "U1", "222.2", "tada", true, 14),
        event("Ev6", "U3", "111.1", "+1", true, 15),
        // The same event twice in one batch counts once.
        event("Ev1", "U2", "111.1", "+1", true, 10),
    ];
    // Ev6 was seen before: a redelivery.
    let changes = vote_changes(
        &events,
        &fresh(&["Ev1", "Ev2", "Ev3", "Ev4", "Ev5"]),
        &settings(0),
        now(),
    );
    assert_eq!(
        changes,
        [
            change("U1", "111.1", false, 13),
            change("U2", "111.1", true, 10)
        ]
    );
}

#[test]
fn a_channel_s_own_vote_emoji_is_the_vote() {
    let mut settings = settings(0);
    settings.get_mut(&ChannelId::from("C1")).unwrap().vote_emoji = "tada".into();
    let events = [
        event("Ev1", "U1", "111.1", "+1", true, 10),
        event("Ev2", "U1", "222.2", "tada", true, 11),
    ];
    let changes = vote_changes(&events, &fresh(&["Ev1", "Ev2"]), &settings, now());
    assert_eq!(changes, [change("U1", "222.2", true, 11)]);
}

fn changed(user: &str, card: &str, present: bool) -> ChangedVote {
    ChangedVote {
        channel_id: "C1".into(),
        message_ts: card.into(),
        user_id: user.into(),
        present,
        voted_at: now(),
    }
}

fn topic(id: i64, number: i32, card: &str, state: TopicState) -> crate::domain::topics::Topic {
    crate::domain::topics::Topic {
        id,
        number: TopicNumber(number),
        card_ts: Some(card.into()),
        state,
        ..blocks::tests::topic()
    }
}

fn budgeted(number: i32, card: &str, counted: bool) -> BudgetedVote {
    BudgetedVote {
        topic_number: TopicNumber(number),
        message_ts: card.into(),
        counted,
    }
}

fn refreshed(follow_up: &follow_up::FollowUp) -> Vec<(i64, Option<String>)> {
    follow_up
        .refreshes
        .iter()
        .map(|delivery| {
            assert_eq!(delivery.delay, CARD_REFRESH_DELAY);
            let Outgoing::Render(Render::TopicCard { topic_id }) = delivery.outgoing else {
                panic!("not a card refresh: {delivery:?}");
            };
            (topic_id, delivery.coalesce_key.clone())
        })
        .collect()
}

#[test]
fn each_voter_with_a_budget_is_loaded_once_and_only_where_there_is_a_budget() {
    let votes = [
        changed("U1", "111.1", true),
        changed("U1", "222.2", false),
        changed("U2", "111.1", true),
    ];
    let voters = follow_up::budget_voters(&votes, &settings(2));
    let expected = [("C1", "U1"), ("C1", "U2")].map(|(c, u)| (ChannelId::from(c), UserId::from(u)));
    assert_eq!(voters.into_iter().collect::<Vec<_>>(), expected);
    assert!(follow_up::budget_voters(&votes, &settings(0)).is_empty());
}

#[test]
fn without_a_budget_the_open_and_discussed_cards_voted_on_are_refreshed_and_no_one_is_told() {
    let votes = [
        changed("U1", "111.1", true),
        changed("U1", "333.3", true),
        changed("U2", "444.4", false),
    ];
    let loaded = Loaded {
        topics: vec![
            topic(1, 1, "111.1", TopicState::Open),
            topic(3, 3, "333.3", TopicState::Discussed),
            topic(4, 4, "444.4", TopicState::Discussing),
        ],
        voters: Default::default(),
    };
    let follow_up = follow_up::decide(&votes, &settings(0), &loaded);
    assert!(follow_up.notices.is_empty());
    assert_eq!(
        refreshed(&follow_up),
        [(1, Some("card:1".into())), (4, Some("card:4".into()))]
    );
}

#[test]
fn a_vote_beyond_the_budget_is_told_naming_the_counted_ones_and_the_voter_s_cards_refresh() {
    // U1 voted #1, then #3, then #2 under a budget of 2: #2's vote waits.
    let votes = [changed("U1", "222.2", true)];
    let budgeted = vec![
        budgeted(1, "111.1", true),
        budgeted(3, "333.3", true),
        budgeted(2, "222.2", false),
    ];
    let loaded = Loaded {
        topics: vec![topic(2, 2, "222.2", TopicState::Open)],
        voters: [(
            (ChannelId::from("C1"), UserId::from("U1")),
            VoterVotes {
                budgeted,
                open_topics: vec![1, 2, 3],
            },
        )]
        .into(),
    };
    let follow_up = follow_up::decide(&votes, &settings(2), &loaded);
    assert_eq!(follow_up.notices.len(), 1);
    let notice = &follow_up.notices[0];
    assert_eq!(
        notice.key,
        format!("budget-notice:C1:U1:222.2:{}", now().timestamp_micros())
    );
    let expected = "2 of 2 votes used: your :+1: on #2 is kept but does not count yet. \
         Your votes on #1, #3 count. To move a vote, remove your :+1: from one of them and #2 counts instead.";
    let reply = blocks::budget_notice("+1", 2, TopicNumber(2), &[TopicNumber(1), TopicNumber(3)]);
    assert_eq!(reply.text, expected);
    let call = SlackCall::post_ephemeral(&ChannelId::from("C1"), &UserId::from("U1"), reply);
    assert_eq!(notice.outgoing, Outgoing::Call(Box::new(call)));
    assert_eq!(
        refreshed(&follow_up),
        [
            (1, Some("card:1".into())),
            (2, Some("card:2".into())),
            (3, Some("card:3".into()))
        ]
    );
}

#[test]
fn a_counted_vote_or_a_removed_one_is_not_told_but_the_voter_s_cards_refresh() {
    // U1 removed their vote on #1 (so #2's counts now) and added one on #3, counted.
    let votes = [changed("U1", "111.1", false), changed("U1", "333.3", true)];
    let loaded = Loaded {
        topics: vec![
            topic(1, 1, "111.1", TopicState::Open),
            topic(3, 3, "333.3", TopicState::Open),
        ],
        voters: [(
            (ChannelId::from("C1"), UserId::from("U1")),
            VoterVotes {
                budgeted: vec![budgeted(2, "222.2", true), budgeted(3, "333.3", true)],
                open_topics: vec![2, 3],
            },
        )]
        .into(),
    };
    let follow_up = follow_up::decide(&votes, &settings(2), &loaded);
    assert!(follow_up.notices.is_empty(), "{:?}", follow_up.notices);
    let ids: Vec<i64> = refreshed(&follow_up)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, [1, 2, 3]);
}

#[test]
fn nothing_changed_calls_for_nothing() {
    let follow_up = follow_up::decide(&[], &settings(2), &Loaded::default());
    assert_eq!(follow_up, follow_up::FollowUp::default());
}
