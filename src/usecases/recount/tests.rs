//! A recount's decisions, without a database: who may ask, what it reads and when it finishes,
//! what it repairs, and whom it tells.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::finish::{Finished, Loaded, decide_finish, decide_repairs, voters};
use super::{Card, Plan, Requester, decide_start};
use crate::domain::ids::{ChannelId, TeamId, TopicNumber, UserId};
use crate::domain::job::Job;
use crate::domain::settings::ChannelSettings;
use crate::domain::votes::CardRepair;
use crate::slack::api::Reaction;
use crate::slack::call::SlackCall;
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::{AfterSend, Outgoing};
use crate::store::recounts::{CardRead, Recount};
use crate::store::votes::VoteChange;
use crate::usecases::facilitators::FacilitatorsOnly;
use crate::usecases::refusal::Refusal;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

fn command(user: &str) -> SlashCommand {
    SlashCommand {
        team_id: "T1".into(),
        channel_id: "C1".into(),
        channel_name: None,
        user_id: user.into(),
        command: "/archtopic".into(),
        text: "recount".into(),
        response_url: String::new(),
        trigger_id: "trigger-1".into(),
    }
}

fn facilitated_by(facilitators: &[&str]) -> ChannelSettings {
    ChannelSettings {
        facilitators: facilitators.iter().map(|&f| UserId::from(f)).collect(),
        ..ChannelSettings::default()
    }
}

fn cards() -> Vec<Card> {
    vec![
        Card {
            topic_id: 4,
            ts: "111.1".into(),
        },
        Card {
            topic_id: 9,
            ts: "222.2".into(),
        },
    ]
}

#[test]
fn only_a_facilitator_may_recount() {
    let refused = decide_start(facilitated_by(&["U7"]), &command("U9"), cards(), now());
    let Err(refusal) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(
        refusal,
        Refusal::NotFacilitator {
            what: FacilitatorsOnly::RecountVotes,
            facilitators: vec!["U7".into()],
        }
    );
    assert!(decide_start(facilitated_by(&["U7"]), &command("U7"), cards(), now()).is_ok());
}

#[test]
fn with_no_open_cards_the_answer_says_so_and_nothing_is_recorded() {
    let decision = decide_start(facilitated_by(&[]), &command("U9"), Vec::new(), now()).unwrap();
    assert_eq!(
        decision.reply.text,
        "There are no open topic cards in this channel, so there are no votes to recount."
    );
    assert!(decision.changes.is_empty() && decision.calls.is_empty() && decision.steps.is_empty());
}

#[test]
fn a_person_s_recount_reads_each_card_and_finishes_within_an_hour() {
    let decision = decide_start(facilitated_by(&[]), &command("U9"), cards(), now()).unwrap();
    assert_eq!(
        decision.reply.text,
        "Recounting the votes on 2 open cards from Slack. I'll tell you what changed."
    );
    let expected = Plan {
        team: "T1".into(),
        channel_id: "C1".into(),
        person: Some("U9".into()),
        meeting: None,
        cards: cards(),
        finish_at: Utc.with_ymd_and_hms(2026, 11, 30, 11, 0, 0).unwrap(),
    };
    assert_eq!(decision.changes, [expected]);
}

#[test]
fn a_meeting_s_recount_waits_half_a_minute_and_one_with_nothing_to_read_not_at_all() {
    let plan = Plan::new(
        &TeamId::from("T1"),
        &ChannelId::from("C1"),
        Requester::Meeting(3),
        cards(),
        now(),
    );
    assert_eq!((plan.person.clone(), plan.meeting), (None, Some(3)));
    assert_eq!(plan.finish_at, now() + Duration::seconds(30));
    let empty = Plan::new(
        &TeamId::from("T1"),
        &ChannelId::from("C1"),
        Requester::Meeting(3),
        Vec::new(),
        now(),
    );
    assert_eq!(empty.finish_at, now());
}

#[test]
fn the_reads_and_the_step_are_named_by_the_recount() {
    let plan = Plan::new(
        &TeamId::from("T1"),
        &ChannelId::from("C1"),
        Requester::Person(&UserId::from("U9")),
        cards(),
        now(),
    );
    let reads = plan.reads(7);
    let keys: Vec<&str> = reads.iter().map(|read| read.key.as_str()).collect();
    assert_eq!(keys, ["recount:7:card:4", "recount:7:card:9"]);
    let call = SlackCall::get_reactions(&ChannelId::from("C1"), "222.2");
    assert_eq!(reads[1].outgoing, Outgoing::Call(Box::new(call)));
    assert_eq!(
        reads[1].after_send,
        Some(AfterSend::RecordReactions {
            recount_id: 7,
            topic_id: 9
        })
    );
    let step = plan.finish_step(7);
    assert_eq!(step.key, "recount_finish:recount:7");
    assert_eq!(step.subject, "recount:7");
    assert_eq!(step.job, Job::RecountFinish { recount_id: 7 });
    assert_eq!(
        step.due_at,
        Utc.with_ymd_and_hms(2026, 11, 30, 11, 0, 0).unwrap()
    );
}

#[test]
fn the_vote_emoji_in_any_skin_tone_counts_and_the_bot_s_own_does_not() {
    let reaction = |name: &str, users: &[&str]| Reaction {
        name: name.to_string(),
        users: users.iter().map(|&user| UserId::from(user)).collect(),
    };
    let reactions = vec![
        reaction("+1::skin-tone-2", &["U1", "UBOT"]),
        reaction("tada", &["U3"]),
        reaction("+1", &["U2"]),
    ];
    let found: Vec<UserId> = voters(&reactions, "+1", Some(&UserId::from("UBOT")))
        .into_iter()
        .collect();
    assert_eq!(found, ["U1", "U2"]);
}

fn read_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 59, 0).unwrap()
}

fn card(number: i32, ts: &str, read: Option<Vec<&str>>, failure: Option<&str>) -> CardRead {
    CardRead {
        topic_id: i64::from(number),
        number: TopicNumber(number),
        channel_id: "C1".into(),
        message_ts: ts.into(),
        read: read.map(|users| {
            let users = users.into_iter().map(UserId::from).collect();
            let reaction = Reaction {
                name: "+1".to_string(),
                users,
            };
            (vec![reaction], read_at())
        }),
        failure: failure.map(String::from),
    }
}

fn loaded(requested_by: Option<&str>, meeting_id: Option<i64>, cards: Vec<CardRead>) -> Loaded {
    let stored = |users: &[&str]| {
        users
            .iter()
            .map(|&u| UserId::from(u))
            .collect::<BTreeSet<_>>()
    };
    Loaded {
        recount: Recount {
            id: 5,
            channel_id: "C1".into(),
            requested_by: requested_by.map(UserId::from),
            meeting_id,
            finished_at: None,
        },
        cards,
        settings: ChannelSettings::default(),
        holders: HashMap::from([
            ("111.1".to_string(), stored(&["U2", "U4"])),
            ("222.2".to_string(), stored(&["U1"])),
        ]),
    }
}

#[test]
fn a_card_read_is_repaired_to_what_slack_showed_as_of_the_read_and_the_rest_are_left() {
    let loaded = loaded(
        Some("U9"),
        None,
        vec![
            card(1, "111.1", Some(vec!["U2", "U1"]), None),
            card(2, "222.2", Some(vec!["U1"]), None),
            card(3, "333.3", None, Some("ratelimited")),
        ],
    );
    let repairs = decide_repairs(&loaded, None);
    assert_eq!(repairs.len(), 1, "{repairs:?}");
    assert_eq!(repairs[0].number, TopicNumber(1));
    let change = |user: &str, present| VoteChange {
        event_id: None,
        channel_id: "C1".into(),
        message_ts: "111.1".into(),
        user_id: user.into(),
        reaction: None,
        present,
        event_ts: read_at().timestamp_micros(),
    };
    assert_eq!(
        repairs[0].changes,
        [change("U1", true), change("U4", false)]
    );
}

#[test]
fn the_person_who_asked_hears_what_changed_and_which_cards_were_not_read() {
    let loaded = loaded(
        Some("U9"),
        None,
        vec![
            card(1, "111.1", Some(vec!["U2", "U1"]), None),
            card(3, "333.3", None, Some("ratelimited")),
        ],
    );
    let repaired = [CardRepair {
        number: TopicNumber(1),
        added: vec![UserId::from("U1")],
        removed: vec![UserId::from("U4")],
    }];
    let (finished, decision) = decide_finish(&loaded, &repaired);
    assert_eq!(
        finished,
        Finished {
            meeting_id: None,
            all_read: false
        }
    );
    assert_eq!(decision.changes.len(), 1);
    assert_eq!(decision.changes[0].recount_id, 5);
    assert_eq!(decision.calls.len(), 1);
    let report = &decision.calls[0];
    assert_eq!(report.key, "recount-report:5");
    let Outgoing::Call(call) = &report.outgoing else {
        panic!("expected a call");
    };
    let SlackCall::PostEphemeral(message) = call.as_ref() else {
        panic!("expected an ephemeral message, got {call:?}");
    };
    assert_eq!(
        (message.channel.0.as_str(), message.user.0.as_str()),
        ("C1", "U9")
    );
    let text = message.content.text.clone().unwrap_or_default();
    assert!(
        text.starts_with("Recount done: checked 1 of 2 cards. Repaired:"),
        "{text}"
    );
}

#[test]
fn a_meeting_s_recount_tells_no_one_and_says_whether_every_card_was_read() {
    let loaded = loaded(
        None,
        Some(3),
        vec![card(2, "222.2", Some(vec!["U1"]), None)],
    );
    let (finished, decision) = decide_finish(&loaded, &[]);
    assert_eq!(
        finished,
        Finished {
            meeting_id: Some(3),
            all_read: true
        }
    );
    assert!(decision.calls.is_empty());
    assert_eq!(decision.changes.len(), 1);
}
