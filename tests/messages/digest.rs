//! The weekly digest.

use archhour::domain::actions::{ActionItem, ItemState};
use archhour::domain::challenges::RecentAnecdote;
use archhour::domain::challenges::{Anecdote, ChallengeIssue, When};
use archhour::domain::meeting::DiscussedTopic;
use archhour::domain::topics::{Intent, Topic, TopicState};
use archhour::slack::blocks::digest::{
    ChallengesDigest, ChartImage, Digest, DigestLinks, LastMeeting, MeetingTopic, digest,
    digest_with, post_refusal,
};
use insta::assert_json_snapshot;

use super::challenges::issues;
use super::fixtures::{
    ANA, BEN, CHO, facilitators, fresh_topic, imported, item, items, long_topic, markup_topic,
    next_meeting, ranked, today, topic, tz, utc,
};
use super::message;

fn discussed(topic: Topic, position: i32, votes: i32, rounds: i32, used: i64) -> MeetingTopic {
    let started = utc(2026, 11, 11, 16, 0);
    MeetingTopic {
        record: DiscussedTopic {
            topic_id: topic.id,
            position,
            votes,
            rounds,
            planned_seconds: 600,
            started_at: started,
            ended_at: Some(started + chrono::Duration::minutes(used)),
            needs_follow_up: rounds == 3,
        },
        topic: Topic {
            state: TopicState::Discussed,
            discussed_in: Some(3),
            ..topic
        },
        minutes_used: used,
    }
}

/// Last week's meeting: one topic with every box and a follow-up, one short; two decisions;
/// items owned by one person, by two, by a name from a notes page, and by nobody.
fn last_meeting() -> LastMeeting {
    LastMeeting {
        title: "Arch Hour".into(),
        date: utc(2026, 11, 11, 16, 0).date_naive(),
        topics: vec![
            discussed(
                topic(
                    18,
                    "analysis",
                    "Split the <orders> service & its database?",
                    BEN,
                ),
                1,
                6,
                3,
                21,
            ),
            discussed(topic(17, "inform", "New on-call rota", ANA), 2, 1, 1, 1),
        ],
        decisions: vec![
            "<@U02BEN> keeps <orders> whole until Q2 & revisits".into(),
            "on-call rota starts in December".into(),
        ],
        items: vec![
            ActionItem {
                due_on: Some(super::fixtures::day(2026, 11, 13)),
                ..item(7, "<@U03CHO> to write the ADR for <orders>", &[CHO])
            },
            item(8, "Compare queue costs", &[CHO, BEN]),
            imported(ActionItem {
                owner_names: vec!["Omar K.".into()],
                ..item(3, "Draft the docs template", &[])
            }),
            imported(item(10, "Find an owner for the flaky-test dashboard", &[])),
        ],
    }
}

/// A busy week: the agenda so far, new topics (more than were loaded), the last meeting, open
/// items by owner (overdue first), the challenges log, and topics by intent.
fn full() -> Digest {
    let recent = issues()
        .into_iter()
        .take(2)
        .zip([
            Anecdote {
                when: Some(When {
                    written: "2026-11-12".into(),
                    on: super::fixtures::day(2026, 11, 12),
                }),
                team: Some("Payments <core>".into()),
                text: "Nightly build & deploy stalled for 6 hours".into(),
            },
            Anecdote {
                when: None,
                team: None,
                text: "Nobody knew who owns the <shared> schema".into(),
            },
        ])
        .map(|(issue, anecdote)| RecentAnecdote {
            issue_number: issue.number,
            category: issue.category,
            title: issue.title,
            anecdote,
        })
        .collect();
    let open_items: Vec<ActionItem> = items()
        .into_iter()
        .filter(|item| item.state == ItemState::Open)
        .collect();
    Digest {
        next_meeting: next_meeting(),
        tz: tz(),
        agenda: ranked(),
        new_topics: vec![fresh_topic(), markup_topic(), long_topic()],
        new_total: 4,
        last_meeting: Some(last_meeting()),
        open_items,
        today: today(),
        intent_counts: vec![
            (Intent::Quest, 2),
            (Intent::Analysis, 1),
            (Intent::Inform, 1),
        ],
        challenges: ChallengesDigest {
            recent,
            recent_total: 2,
            top: issues()
                .into_iter()
                .take(3)
                .collect::<Vec<ChallengeIssue>>(),
        },
    }
}

#[test]
fn the_digest_of_a_busy_week() {
    assert_json_snapshot!("digest_full", message(&digest(&full())));
}

/// A new channel: nothing proposed, no meeting yet, no items, no challenges log.
#[test]
fn the_digest_of_a_quiet_week() {
    let quiet = Digest {
        next_meeting: next_meeting(),
        tz: tz(),
        agenda: Vec::new(),
        new_topics: Vec::new(),
        new_total: 0,
        last_meeting: None,
        open_items: Vec::new(),
        today: today(),
        intent_counts: Vec::new(),
        challenges: ChallengesDigest::default(),
    };
    assert_json_snapshot!("digest_empty", message(&digest(&quiet)));
}

#[test]
fn posting_the_digest_is_for_facilitators() {
    assert_json_snapshot!(
        "digest_post_refusal",
        message(&post_refusal(&facilitators()))
    );
}

/// With the web on: the chart's image after the open action items, and the archive's link last.
#[test]
fn the_digest_with_its_chart_and_a_link_to_the_archive() {
    let links = DigestLinks {
        chart: Some(ChartImage {
            url: format!(
                "https://archhour.example.com/charts/{}.png",
                "3f".repeat(32)
            )
            .parse()
            .expect("a URL"),
            title: "Open and closed action items over time".into(),
            alt_text: "Line chart of this channel's action items at the end of each month from \
                       2025-12 to 2026-11: at the end of 2026-11, 5 open and 12 closed."
                .into(),
        }),
        archive: Some(
            "https://archhour.example.com/archive/C0ARCH"
                .parse()
                .expect("a URL"),
        ),
    };
    assert_json_snapshot!(
        "digest_with_chart_and_archive",
        message(&digest_with(&full(), &links))
    );
}
