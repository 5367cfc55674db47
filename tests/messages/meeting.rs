//! Messages the meeting posts (the agenda at its start, "Now discussing", warnings, "Time's up",
//! each way a topic ends, the summary, the reminders before it) and the refusals its controls
//! can meet.

use archhour::domain::actions::{ActionItem, ItemState};
use archhour::domain::meeting::Span;
use archhour::domain::meeting::rules::{Finish, Grant};
use archhour::domain::topics::Topic;
use archhour::domain::votes::{RankedTopic, rank};
use archhour::slack::blocks::agenda;
use archhour::slack::blocks::items::open_items_by_owner;
use archhour::slack::blocks::meeting::{
    NowDiscussing, agenda_done, already_running, box_warning, clock_time, last_box, meeting_ended,
    meeting_refusal, meeting_started, no_meeting, nothing_to_extend, now_discussing, pre_meeting,
    stale_button, still_starting, times_up, topic_finished,
};
use insta::assert_json_snapshot;

use super::fixtures::{
    DEE, bot, facilitators, fresh_topic, items, long_topic, markup_topic, next_meeting, now,
    ranked, today, topic, tz, untagged_topic, utc,
};
use super::message;
use archhour::domain::ids::UserId;

/// 11:10 in New York, on the meeting's day.
fn ten_past() -> chrono::DateTime<chrono::Utc> {
    utc(2026, 11, 18, 16, 10)
}

/// The channel's zone is the fallback; Slack shows each reader their own.
#[test]
fn times_are_shown_in_each_readers_zone() {
    let at = ten_past();
    let shown: Vec<String> = [
        tz(),
        chrono_tz::Europe::Berlin,
        chrono_tz::Asia::Kolkata,
        chrono_tz::UTC,
    ]
    .into_iter()
    .map(|zone| clock_time(at, zone))
    .collect();
    assert_json_snapshot!("clock_time", shown);
}

/// The agenda, after the votes were recounted, with the open items of earlier meetings.
#[test]
fn a_meeting_starts_with_the_agenda_and_open_items() {
    let open: Vec<ActionItem> = items()
        .into_iter()
        .filter(|item| item.state == ItemState::Open)
        .collect();
    let reply = meeting_started(
        &agenda(&ranked(), next_meeting()),
        &UserId::from(DEE),
        true,
        &open_items_by_owner(&open, today()),
    );
    assert_json_snapshot!("meeting_started", message(&reply));
}

#[test]
fn a_meeting_starts_without_a_recount_or_open_items() {
    let reply = meeting_started(&agenda(&[], next_meeting()), &UserId::from(DEE), false, &[]);
    assert_json_snapshot!("meeting_started_empty_not_recounted", message(&reply));
}

fn discussing(topic: &Topic, round: u32, length: Span, grant: Option<Grant>) -> serde_json::Value {
    let bot = bot();
    message(&now_discussing(&NowDiscussing {
        meeting_id: 3,
        topic,
        round,
        rounds: 3,
        length,
        ends_at: ten_past(),
        tz: tz(),
        grant,
        bot: Some(&bot),
    }))
}

/// The first box, with a link to the card's thread where notes go, and the controls.
#[test]
fn now_discussing_the_first_box() {
    let value = discussing(&markup_topic(), 1, Span::from_secs(600), None);
    assert_json_snapshot!("now_discussing", value);
}

#[test]
fn the_room_voted_to_keep_going() {
    let grant = Grant::Voted { up: 5, down: 2 };
    let value = discussing(&long_topic(), 2, Span::from_secs(300), Some(grant));
    assert_json_snapshot!("now_discussing_voted", value);
}

/// A box of a minute and a half; an imported topic has no card to link to.
#[test]
fn a_facilitator_extended() {
    let value = discussing(
        &untagged_topic(),
        3,
        Span::from_secs(90),
        Some(Grant::Extended),
    );
    assert_json_snapshot!("now_discussing_extended", value);
}

#[test]
fn a_warning_before_the_box_ends() {
    let reply = box_warning(&markup_topic(), Span::from_secs(120), ten_past(), tz());
    assert_json_snapshot!("box_warning", message(&reply));
}

#[test]
fn times_up_asks_the_room_to_vote() {
    let reply = times_up(3, &markup_topic(), Span::from_secs(300), ten_past(), tz());
    assert_json_snapshot!("times_up", message(&reply));
}

/// Every way a topic's discussion ends.
#[test]
fn each_way_a_topic_ends() {
    let cases = [
        (
            "topic_finished_moved_on",
            Finish::MovedOn { up: 1, down: 4 },
            false,
        ),
        ("topic_finished_last_box_follow_up", Finish::LastBox, true),
        ("topic_finished_last_box", Finish::LastBox, false),
        ("topic_finished_skipped", Finish::Skipped, false),
        ("topic_finished_meeting_ended", Finish::MeetingEnded, false),
    ];
    for (name, finish, follow_up) in cases {
        let reply = topic_finished(&markup_topic(), finish, follow_up);
        assert_json_snapshot!(name, message(&reply));
    }
}

#[test]
fn nothing_left_on_the_agenda() {
    assert_json_snapshot!("agenda_done", message(&agenda_done()));
}

#[test]
fn the_summary_counts_topics_time_and_backlog() {
    for (name, discussed, minutes, deferred) in [
        ("meeting_ended", 3, 58, 4),
        ("meeting_ended_singular", 1, 1, 1),
        ("meeting_ended_nothing_discussed", 0, 0, 0),
    ] {
        let reply = meeting_ended(discussed, minutes, deferred);
        assert_json_snapshot!(name, message(&reply));
    }
}

/// Seven open topics: the reminders show the top five.
fn seven_ranked() -> Vec<RankedTopic> {
    let mut topics: Vec<(Topic, i64)> = ranked()
        .into_iter()
        .map(|entry| (entry.topic, entry.votes))
        .collect();
    topics.push((
        topic(24, "quest", "Feature flags in the mobile apps", DEE),
        0,
    ));
    topics.push((topic(25, "quest", "Who owns the CDN?", DEE), 0));
    rank(topics)
}

#[test]
fn the_day_before_the_meeting_the_channel_is_reminded() {
    let reply = pre_meeting(false, next_meeting(), tz(), &seven_ranked());
    assert_json_snapshot!("pre_meeting_tomorrow", message(&reply));
}

#[test]
fn ten_minutes_before_the_meeting_the_channel_is_reminded() {
    let reply = pre_meeting(true, next_meeting(), tz(), &seven_ranked());
    assert_json_snapshot!("pre_meeting_soon", message(&reply));
}

#[test]
fn a_reminder_without_topics_says_so() {
    let reply = pre_meeting(false, next_meeting(), tz(), &[]);
    assert_json_snapshot!("pre_meeting_no_topics", message(&reply));
}

#[test]
fn refusals_of_meeting_controls() {
    let cases = [
        ("already_running", already_running()),
        ("no_meeting", no_meeting()),
        ("still_starting", still_starting()),
        ("last_box", last_box(ten_past(), tz())),
        ("nothing_to_extend", nothing_to_extend()),
        ("stale_button", stale_button()),
        ("meeting_refusal", meeting_refusal(&facilitators())),
    ];
    for (name, reply) in cases {
        assert_json_snapshot!(name, message(&reply));
    }
}

/// A channel in Berlin whose topics get one box; without the bot's identity there is no link.
#[test]
fn now_discussing_without_a_bot_identity_has_no_link() {
    let topic = fresh_topic();
    let reply = now_discussing(&NowDiscussing {
        meeting_id: 3,
        topic: &topic,
        round: 1,
        rounds: 1,
        length: Span::from_secs(900),
        ends_at: now(),
        tz: chrono_tz::Europe::Berlin,
        grant: None,
        bot: None,
    });
    assert_json_snapshot!("now_discussing_unlinked_single_box", message(&reply));
}
