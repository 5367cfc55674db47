//! The vote batch's decisions, without a database: events as vote changes, and what changed
//! votes call for under a budget (notices, the voter's cards refreshed).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeZone, Utc};

use super::follow_up::{self, Loaded, VoterVotes};
use super::vote_changes;
use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::settings::ChannelSettings;
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

/// C1 with a budget of `budget` votes (:+1:).
fn settings(budget: u32) -> HashMap<ChannelId, ChannelSettings> {
    let settings = ChannelSettings {
        votes_per_person: budget,
        ..ChannelSettings::default()
    };
    HashMap::from([(ChannelId::from("C1"), settings)])
}

/// Each event becomes a change in arrival order, duplicates and all (the database drops
/// redeliveries and keeps the latest per person and card), its reaction without colons or skin
/// tone.
#[test]
fn events_become_changes_with_the_reaction_as_settings_store_emoji() {
    let events = [
        event("Ev2", "U1", "111.1", "+1::skin-tone-3", true, 11),
        event("Ev1", "U2", "111.1", ":tada:", false, 10),
        event("Ev2", "U1", "111.1", "+1::skin-tone-3", true, 11),
    ];
    let change = |id: &str, user: &str, reaction: &str, present, event_ts| VoteChange {
        event_id: Some(id.into()),
        channel_id: "C1".into(),
        message_ts: "111.1".into(),
        user_id: user.into(),
        reaction: Some(reaction.into()),
        present,
        event_ts,
    };
    assert_eq!(
        vote_changes(&events),
        [
            change("Ev2", "U1", "+1", true, 11),
            change("Ev1", "U2", "tada", false, 10),
            change("Ev2", "U1", "+1", true, 11),
        ]
    );
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

/// Without a budget the follow-up has nothing to add: the voted cards' refreshes are queued
/// with the votes.
#[test]
fn without_a_budget_no_one_is_told_and_nothing_more_is_refreshed() {
    let votes = [changed("U1", "111.1", true), changed("U2", "444.4", false)];
    assert!(follow_up::budget_voters(&votes, &settings(0)).is_empty());
    let follow_up = follow_up::decide(&votes, &settings(0), &Loaded::default());
    assert_eq!(follow_up, follow_up::FollowUp::default());
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
        voters: [(
            (ChannelId::from("C1"), UserId::from("U1")),
            VoterVotes {
                budgeted,
                open_topics: vec![1, 2, 3],
            },
        )]
        .into(),
        teams: [(ChannelId::from("C1"), TeamId::from("T7"))].into(),
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
    // The channel's workspace's bot sends the notice and edits the cards.
    let teams: Vec<Option<&str>> = (follow_up.notices.iter().chain(&follow_up.refreshes))
        .map(|delivery| delivery.team.as_ref().map(TeamId::as_str))
        .collect();
    assert_eq!(teams, [Some("T7"); 4]);
}

/// The voter's open cards refresh (#1, whose vote was removed, was refreshed with the votes).
#[test]
fn a_counted_vote_or_a_removed_one_is_not_told_but_the_voter_s_cards_refresh() {
    // U1 removed their vote on #1 (so #2's counts now) and added one on #3, counted.
    let votes = [changed("U1", "111.1", false), changed("U1", "333.3", true)];
    let loaded = Loaded {
        voters: [(
            (ChannelId::from("C1"), UserId::from("U1")),
            VoterVotes {
                budgeted: vec![budgeted(2, "222.2", true), budgeted(3, "333.3", true)],
                open_topics: vec![2, 3],
            },
        )]
        .into(),
        teams: BTreeMap::new(),
    };
    let follow_up = follow_up::decide(&votes, &settings(2), &loaded);
    assert!(follow_up.notices.is_empty(), "{:?}", follow_up.notices);
    let ids: Vec<i64> = refreshed(&follow_up)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, [2, 3]);
}

#[test]
fn nothing_changed_calls_for_nothing() {
    let follow_up = follow_up::decide(&[], &settings(2), &Loaded::default());
    assert_eq!(follow_up, follow_up::FollowUp::default());
}

mod turns {
    use std::time::Instant;

    use futures::FutureExt;

    use super::super::{SPARE_AFTER, Turns};

    #[tokio::test]
    async fn a_batch_goes_at_once_when_none_is_being_applied() {
        let turns = Turns::new();
        assert!(turns.take().now_or_never().flatten().is_some());
    }

    #[tokio::test]
    async fn a_batch_waits_for_the_one_being_applied_then_goes_beside_it() {
        let turns = Turns::new();
        let _applying = turns.take().await.expect("the first turn");
        let waited = Instant::now();
        let _beside = turns.take().await.expect("the spare");
        assert!(waited.elapsed() >= SPARE_AFTER, "{:?}", waited.elapsed());
    }

    #[tokio::test]
    async fn with_two_being_applied_the_next_goes_when_one_is_done() {
        let turns = Turns::new();
        let first = turns.take().await.expect("the first turn");
        let _spare = turns.take().await.expect("the spare");
        let mut next = Box::pin(turns.take());
        assert!((&mut next).now_or_never().is_none());
        drop(first);
        assert!(next.await.is_some());
    }
}
