//! The week the snapshots show: one channel meeting on Wednesdays at 11:00 in New York, topics
//! whose titles are long or need escaping, action items with and without owners. Every time is
//! fixed, so a snapshot never depends on the clock.

use std::collections::HashMap;

use archhour::domain::actions::{ActionItem, ItemState};
use archhour::domain::ids::{ItemNumber, TopicNumber, UserId};
use archhour::domain::people::Person;
use archhour::domain::topics::{Intents, Topic, TopicState};
use archhour::domain::votes::{RankedTopic, rank};
use archhour::slack::blocks::items::TopicRef;
use archhour::slack::identity::BotIdentity;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The channel the meeting runs in.
pub const CHANNEL: &str = "C0ARCH";
/// People: Ana and Ben propose and vote, Cho owns items, Dee and Eli facilitate.
pub const ANA: &str = "U01ANA";
pub const BEN: &str = "U02BEN";
pub const CHO: &str = "U03CHO";
pub const DEE: &str = "U04DEE";
pub const ELI: &str = "U05ELI";

/// A title at the long end of what people write (over 150 characters).
pub const LONG_TITLE: &str = "Should every service publish its domain events to the shared event bus, and if so who owns \
     the schemas, how are breaking changes versioned, and what happens to consumers that lag behind for days?";
/// A title that must come out escaped: as written it would be read as Slack markup.
pub const MARKUP_TITLE: &str = "Retire the <legacy-gateway> & move auth to the <edge> proxy?";

/// The channel's time zone.
pub fn tz() -> Tz {
    chrono_tz::America::New_York
}

/// Monday 2026-11-16, 09:30 in New York: when most messages are rendered.
pub fn now() -> DateTime<Utc> {
    utc(2026, 11, 16, 14, 30)
}

/// The day of [`now`] in the channel.
pub fn today() -> NaiveDate {
    day(2026, 11, 16)
}

/// Wednesday 2026-11-18, 11:00 in New York: the next meeting.
pub fn next_meeting() -> DateTime<Utc> {
    utc(2026, 11, 18, 16, 0)
}

pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a valid UTC time")
}

pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

pub fn users(ids: &[&str]) -> Vec<UserId> {
    ids.iter().map(|&id| UserId::from(id)).collect()
}

/// The channel's facilitators.
pub fn facilitators() -> Vec<UserId> {
    users(&[DEE, ELI])
}

/// The bot, for links to topic cards.
pub fn bot() -> BotIdentity {
    BotIdentity {
        user_id: "UARCHBOT".into(),
        bot_id: Some("BARCHBOT".into()),
        team_id: "T0ACME".into(),
        url: "https://acme.slack.com/".into(),
    }
}

/// An open topic proposed in Slack.
pub fn topic(number: i32, intents: &str, title: &str, author: &str) -> Topic {
    Topic {
        id: i64::from(number) + 100,
        number: TopicNumber(number),
        team_id: "T0ACME".into(),
        channel_id: CHANNEL.into(),
        author_id: Some(author.into()),
        proposers: Vec::new(),
        intents: Intents::parse(intents).expect("valid intents"),
        title: title.into(),
        state: TopicState::Open,
        card_ts: Some(format!("1763300000.{number:06}")),
        times_deferred: 0,
        discussed_in: None,
        imported_votes: 0,
        created_at: utc(2026, 11, 10, 15, 0),
        challenge_id: None,
    }
}

/// #21: the long title, missed by two meetings, two weeks old.
pub fn long_topic() -> Topic {
    Topic {
        times_deferred: 2,
        created_at: utc(2026, 11, 2, 15, 0),
        ..topic(21, "analysis", LONG_TITLE, ANA)
    }
}

/// #22: the title that needs escaping, proposed yesterday.
pub fn markup_topic() -> Topic {
    Topic {
        created_at: utc(2026, 11, 15, 13, 0),
        ..topic(22, "quest/ideation", MARKUP_TITLE, BEN)
    }
}

/// #23: proposed an hour ago.
pub fn fresh_topic() -> Topic {
    Topic {
        created_at: utc(2026, 11, 16, 13, 30),
        ..topic(23, "inform", "We moved CI to the new runners", CHO)
    }
}

/// #7: imported from a notes page that named three proposers, one of them a Slack user.
pub fn proposers_topic() -> Topic {
    Topic {
        author_id: None,
        proposers: vec![
            Person::Name("Priya".into()),
            Person::Name("Omar K.".into()),
            Person::Slack(CHO.into()),
        ],
        card_ts: None,
        times_deferred: 1,
        imported_votes: 4,
        created_at: utc(2026, 10, 1, 12, 0),
        ..topic(
            7,
            "discuss",
            "Documentation strategy for shared libraries",
            ANA,
        )
    }
}

/// #5: imported from a notes page without intents or proposers.
pub fn untagged_topic() -> Topic {
    Topic {
        author_id: None,
        intents: Intents::from_stored(&[]),
        card_ts: None,
        created_at: utc(2026, 9, 30, 12, 0),
        ..topic(5, "discuss", "Monorepo or not", ANA)
    }
}

/// The full agenda, ranked by the agenda's own rule: #7 and #22 tie on votes, and #7 comes
/// first because a meeting missed it.
pub fn ranked() -> Vec<RankedTopic> {
    rank([
        (markup_topic(), 5),
        (untagged_topic(), 0),
        (long_topic(), 7),
        (fresh_topic(), 1),
        (proposers_topic(), 5),
    ])
}

/// An open action item owned by `owners`, recorded on the topic with id 122 (#22).
pub fn item(number: i32, text: &str, owners: &[&str]) -> ActionItem {
    ActionItem {
        id: i64::from(number) + 1000,
        number: ItemNumber(number),
        team_id: "T0ACME".into(),
        channel_id: CHANNEL.into(),
        text: text.into(),
        owners: users(owners),
        owner_names: Vec::new(),
        due_on: None,
        topic_id: Some(122),
        meeting_id: Some(3),
        created_by: ANA.into(),
        created_at: utc(2026, 11, 4, 17, 0),
        state: ItemState::Open,
        snoozed_until: None,
    }
}

/// Items of every kind: overdue, due later, without a due date, owned by several people, owned
/// only by a name from an imported page, owned by nobody (imported as "Unassigned"), done, and
/// dropped.
pub fn items() -> Vec<ActionItem> {
    vec![
        ActionItem {
            due_on: Some(day(2026, 11, 13)),
            ..item(
                7,
                "<@U03CHO> to write the ADR for <legacy-gateway> & its auth",
                &[CHO],
            )
        },
        ActionItem {
            due_on: Some(day(2026, 12, 1)),
            ..item(8, "Compare queue costs", &[CHO, BEN])
        },
        ActionItem {
            topic_id: None,
            ..item(9, "Ask platform about the runners", &[CHO])
        },
        imported(ActionItem {
            owner_names: vec!["Omar K.".into()],
            topic_id: Some(107),
            ..item(3, "Draft the docs template", &[])
        }),
        imported(item(10, "Find an owner for the flaky-test dashboard", &[])),
        ActionItem {
            state: ItemState::Done,
            ..item(4, "Share the benchmark", &[CHO])
        },
        ActionItem {
            state: ItemState::Dropped,
            ..item(5, "Try the other broker", &[CHO])
        },
    ]
}

/// An item as `archhour import` stores it: created by the importer, owned by no Slack user.
pub fn imported(item: ActionItem) -> ActionItem {
    ActionItem {
        created_by: "import".into(),
        meeting_id: None,
        ..item
    }
}

/// The topics items were recorded on: #22 with a link to its card, #7 (imported) without.
pub fn item_topics() -> HashMap<i64, TopicRef> {
    HashMap::from([
        (
            122,
            TopicRef {
                number: TopicNumber(22),
                title: MARKUP_TITLE.into(),
                link: Some("https://acme.slack.com/archives/C0ARCH/p1763300000000022".into()),
            },
        ),
        (
            107,
            TopicRef {
                number: TopicNumber(7),
                title: "Documentation strategy for shared libraries".into(),
                link: None,
            },
        ),
    ])
}
