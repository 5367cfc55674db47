//! The meeting, with the clock moved by the test: time boxes, warnings, votes to keep going,
//! moving on, the end of the meeting, restarts and competing processes.

use std::time::Duration;

use crate::support::fake_slack::FakeSlack;
use crate::support::{CHANNEL, Card, TestApp, eventually, spawn_app};

pub(crate) const MINUTE: Duration = Duration::from_secs(60);

/// Every message posted to the channel so far, by its fallback text.
fn posts(slack: &FakeSlack) -> Vec<String> {
    slack
        .calls_to("chat.postMessage")
        .into_iter()
        .map(|call| call.args["text"].as_str().unwrap_or("").to_string())
        .collect()
}

pub(crate) fn count_posts(slack: &FakeSlack, starting: &str) -> usize {
    posts(slack)
        .iter()
        .filter(|t| t.starts_with(starting))
        .count()
}

/// Waits until a message starting with `starting` has been posted `times` times.
pub(crate) async fn posted(app: &TestApp, starting: &str, times: usize) {
    eventually(&format!("{times}× “{starting}”"), || async {
        (count_posts(&app.slack, starting) >= times).then_some(())
    })
    .await;
}

/// The "Time's up" message of the current vote, once Slack has it.
async fn vote_message(app: &TestApp) -> String {
    eventually("the vote message's ts", || async {
        sqlx::query_scalar::<_, Option<String>>(
            "select vote_message_ts from meetings where phase = 'voting'",
        )
        .fetch_optional(&app.db)
        .await
        .expect("reading the meeting")
        .flatten()
    })
    .await
}

/// Topics #1, #2, #3 with 3, 2 and 1 votes: the agenda takes them in that order.
pub(crate) async fn three_topics(app: &TestApp) -> Vec<Card> {
    let mut cards = Vec::new();
    for (title, votes) in [
        ("Splitting LMS and Studio", 3),
        ("Docker images", 2),
        ("On-call", 1),
    ] {
        let card = app.propose(&format!("[discuss] {title}")).await;
        for voter in 0..votes {
            app.react(&format!("UV{voter}"), &card, "+1").await;
        }
        cards.push(card);
    }
    cards
}

pub(crate) async fn start(app: &TestApp) {
    let reply = app.command("start").await;
    assert_eq!(
        reply["text"],
        "Starting Arch Hour: recounting votes, then posting the agenda and the first topic."
    );
    posted(app, "Now discussing #1", 1).await;
}

/// (rounds, planned seconds, actual seconds, needs follow-up) of topic `number`.
async fn record_of(app: &TestApp, number: i32) -> (i32, i32, i64, bool) {
    sqlx::query_as(
        "select mt.rounds, mt.planned_seconds,
                extract(epoch from mt.ended_at - mt.started_at)::bigint, mt.needs_follow_up
         from meeting_topics mt join topics t on t.id = mt.topic_id where t.number = $1",
    )
    .bind(number)
    .fetch_one(&app.db)
    .await
    .expect("the topic's record")
}

#[tokio::test]
async fn the_whole_ladder_keep_going_then_move_on_then_a_tie_then_the_hard_stop() {
    let app = spawn_app().await;
    three_topics(&app).await;
    start(&app).await;
    let texts = posts(&app.slack);
    let agenda = texts
        .iter()
        .position(|t| t == "Arch Hour is starting")
        .expect("agenda");
    let first = texts
        .iter()
        .position(|t| t.starts_with("Now discussing #1"))
        .expect("first");
    assert!(agenda < first, "the agenda comes first: {texts:?}");

    // Box 1 is 10 minutes: the warning is due at 8 minutes, not a second before.
    app.advance(8 * MINUTE - Duration::from_secs(1)).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, ":hourglass_flowing_sand:"), 0);
    app.advance(Duration::from_secs(1)).await;
    posted(&app, ":hourglass_flowing_sand: 2 min left on #1", 1).await;

    // 10 minutes: time's up; 👍 2 to 👎 1 when the 60-second vote closes → a second box.
    app.advance(2 * MINUTE).await;
    posted(&app, "Time's up on #1", 1).await;
    let ts = vote_message(&app).await;
    app.slack.set_reactions(
        CHANNEL,
        &ts,
        &[
            ("+1", &["U1", "U2"]),
            ("-1::skin-tone-2", &["U3"]),
            ("+1", &["UBOT"]),
        ],
    );
    app.advance(MINUTE).await;
    posted(&app, "Now discussing #1", 2).await;
    let keep_going = app
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| {
            c.args["text"]
                .as_str()
                .unwrap_or("")
                .starts_with("Now discussing #1")
        })
        .nth(1)
        .expect("the second box");
    let text = keep_going.args["blocks"][0]["text"]["text"]
        .as_str()
        .expect("text");
    assert!(text.starts_with("*Keep going* (:+1: 2 · :-1: 1)"), "{text}");
    assert!(text.contains("Box 2 of 3: 5 min"), "{text}");

    // Box 2 is 5 minutes; this time 👎 wins 2 to 1: move on to #2.
    app.advance(3 * MINUTE).await;
    posted(&app, ":hourglass_flowing_sand: 2 min left on #1", 2).await;
    app.advance(2 * MINUTE).await;
    posted(&app, "Time's up on #1", 2).await;
    let ts = vote_message(&app).await;
    app.slack
        .set_reactions(CHANNEL, &ts, &[("+1", &["U1"]), ("-1", &["U2", "U3"])]);
    app.advance(MINUTE).await;
    posted(&app, "Moving on from #1", 1).await;
    posted(&app, "Now discussing #2", 1).await;
    // #1: two boxes planned (10 + 5 min), used from 0:00 to 17:00.
    assert_eq!(record_of(&app, 1).await, (2, 900, 17 * 60, false));

    // #2: a tie (1 to 1) moves on.
    app.advance(10 * MINUTE).await;
    posted(&app, "Time's up on #2", 1).await;
    let ts = vote_message(&app).await;
    app.slack
        .set_reactions(CHANNEL, &ts, &[("+1", &["U1"]), ("-1", &["U2"])]);
    app.advance(MINUTE).await;
    posted(&app, "Now discussing #3", 1).await;
    assert_eq!(record_of(&app, 2).await, (1, 600, 11 * 60, false));

    // #3: 👍 twice, then the third box ends with no vote: marked for follow-up.
    for round in 1..=2 {
        app.advance(if round == 1 { 10 * MINUTE } else { 5 * MINUTE })
            .await;
        posted(&app, "Time's up on #3", round).await;
        let ts = vote_message(&app).await;
        app.slack.set_reactions(CHANNEL, &ts, &[("+1", &["U1"])]);
        app.advance(MINUTE).await;
        posted(&app, "Now discussing #3", round + 1).await;
    }
    app.advance(5 * MINUTE).await;
    eventually("the hard stop", || async {
        posts(&app.slack)
            .iter()
            .find(|t| t.contains("#3: On-call used every time box; marked *needs follow-up*."))
            .cloned()
    })
    .await;
    posted(&app, "That was every topic on the agenda.", 1).await;
    app.idle().await;
    assert_eq!(
        count_posts(&app.slack, "Time's up on #3"),
        2,
        "no vote after the last box"
    );
    assert_eq!(record_of(&app, 3).await, (3, 1200, 22 * 60, true));
    let states: Vec<String> = sqlx::query_scalar("select state from topics order by number")
        .fetch_all(&app.db)
        .await
        .expect("states");
    assert_eq!(states, ["discussed", "discussed", "discussed"]);
}

#[tokio::test]
async fn end_defers_the_rest_and_records_the_meeting() {
    let app = spawn_app().await;
    three_topics(&app).await;
    start(&app).await;
    app.advance(7 * MINUTE).await;
    let reply = app.command("end").await;
    assert_eq!(reply["text"], "Ended the meeting.");
    posted(&app, "*Arch Hour ended* after 7 minutes", 1).await;
    let summary = posts(&app.slack)
        .into_iter()
        .find(|t| t.starts_with("*Arch Hour ended*"))
        .expect("summary");
    assert_eq!(
        summary,
        "*Arch Hour ended* after 7 minutes: discussed 1 topic. 2 open topics stay on the backlog for next time."
    );
    let deferred: Vec<(i32, String, i32)> =
        sqlx::query_as("select number, state, times_deferred from topics order by number")
            .fetch_all(&app.db)
            .await
            .expect("topics");
    assert_eq!(
        deferred,
        [
            (1, "discussed".into(), 0),
            (2, "open".into(), 1),
            (3, "open".into(), 1)
        ]
    );
    assert_eq!(record_of(&app, 1).await, (1, 600, 7 * 60, false));
    let (phase, ended): (String, bool) =
        sqlx::query_as("select phase, ended_at is not null from meetings")
            .fetch_one(&app.db)
            .await
            .expect("meeting");
    assert_eq!((phase.as_str(), ended), ("ended", true));

    // Nothing scheduled for the ended meeting fires.
    app.advance(30 * MINUTE).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "Time's up"), 0);
    assert_eq!(count_posts(&app.slack, ":hourglass"), 0);
}

#[tokio::test]
async fn extend_grants_the_next_box_and_refuses_past_the_last() {
    let app = spawn_app().await;
    three_topics(&app).await;
    start(&app).await;
    assert_eq!(app.command("extend").await["text"], "Extended.");
    assert_eq!(app.command("extend").await["text"], "Extended.");
    let refused = app.command("extend").await;
    assert!(
        refused["text"]
            .as_str()
            .expect("text")
            .starts_with("This is the last time box: the hard stop is at <!date^"),
        "{refused}"
    );
    // 10 + 5 + 5 minutes: the hard stop comes at 20 minutes, without a vote.
    app.advance(20 * MINUTE).await;
    posted(&app, "Now discussing #2", 1).await;
    assert_eq!(count_posts(&app.slack, "Time's up on #1"), 0);
    assert_eq!(record_of(&app, 1).await, (3, 1200, 20 * 60, true));
}

/// "Now discussing" links to the topic card, whose thread is where notes are recorded.
#[tokio::test]
async fn now_discussing_links_to_the_cards_thread_for_notes() {
    let app = spawn_app().await;
    // The link needs the workspace's address, which auth.test gives the bot at start.
    eventually("the bot to know who it is", || async {
        let health = app.get("/healthz").await.text().await.expect("health");
        health.contains("slack: signed in as").then_some(())
    })
    .await;
    let card = app.propose("[discuss] Splitting LMS and Studio").await;
    start(&app).await;
    let now = app
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .find(|call| {
            call.args["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Now discussing #1"))
        })
        .expect("Now discussing");
    let text = now.args["blocks"][0]["text"]["text"]
        .as_str()
        .expect("text");
    let link = format!(
        "Notes: reply in <https://acme.slack.com/archives/{CHANNEL}/p{}|its card's thread>",
        card.ts.replace('.', "")
    );
    assert!(text.contains(&link), "{text}");
}

/// A warning that runs a few seconds after it fell due still speaks in whole minutes: "2 min
/// left", not "1 min 57 s left".
#[tokio::test]
async fn a_warning_that_runs_late_rounds_the_time_left_to_the_minute() {
    let app = spawn_app().await;
    app.propose("[discuss] Splitting LMS and Studio").await;
    start(&app).await;
    app.advance(8 * MINUTE + Duration::from_secs(3)).await;
    posted(&app, ":hourglass_flowing_sand:", 1).await;
    let warning = posts(&app.slack)
        .into_iter()
        .find(|text| text.starts_with(":hourglass_flowing_sand:"))
        .expect("the warning");
    assert!(
        warning.starts_with(":hourglass_flowing_sand: 2 min left on #1: Splitting LMS and Studio"),
        "{warning}"
    );
}

#[tokio::test]
async fn a_restart_during_a_box_still_posts_times_up_once_late_but_not_lost() {
    let app = spawn_app().await;
    three_topics(&app).await;
    start(&app).await;
    let clock = app.clock.clone();
    let app = app
        .while_stopped(|_| {
            // The box ends (and its warning falls due) while no process is running.
            clock.advance(chrono::Duration::minutes(12));
        })
        .await;
    posted(&app, "Time's up on #1", 1).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "Time's up on #1"), 1);
    // The warning fell due while the box was still running but is only seen after it ended:
    // there is nothing left to warn about.
    assert_eq!(count_posts(&app.slack, ":hourglass_flowing_sand:"), 0);
}

#[tokio::test]
async fn two_processes_post_each_scheduled_message_exactly_once() {
    let app = spawn_app().await;
    let peer = app.spawn_peer().await;
    three_topics(&app).await;
    start(&app).await;
    // #1's warning at 8:00, time's up at 10:00, the vote closing (no reactions: move on) at
    // 11:00; #2's warning would come at 19:00.
    for step in [8, 2, 1] {
        app.advance(step * MINUTE).await;
        app.idle().await;
    }
    posted(&app, "Now discussing #2", 1).await;
    app.idle().await;
    for message in [
        "Arch Hour is starting",
        "Now discussing #1",
        ":hourglass_flowing_sand: 2 min left on #1",
        "Time's up on #1",
        "Moving on from #1",
        "Now discussing #2",
    ] {
        assert_eq!(count_posts(&app.slack, message), 1, "{message}");
    }
    drop(peer);
}

#[tokio::test]
async fn the_buttons_move_the_meeting_and_refuse_non_facilitators() {
    let app = spawn_app().await;
    app.command("config facilitators <@UFAC|fac>").await;
    let cards = three_topics(&app).await;
    let reply = app.command("start").await;
    assert!(
        reply["text"]
            .as_str()
            .expect("text")
            .starts_with("Only this channel's facilitators (<@UFAC>) can run the meeting.")
    );
    app.command_in(CHANNEL, "UFAC", "start").await;
    posted(&app, "Now discussing #1", 1).await;
    let (meeting_id, topic_id): (i64, i64) = sqlx::query_as("select id, topic_id from meetings")
        .fetch_one(&app.db)
        .await
        .expect("meeting");

    let refused = app
        .press("U_ANN", "meeting_next", &format!("{meeting_id}:{topic_id}"))
        .await;
    assert_eq!(refused, 200);
    let notice = eventually("the refusal", || async {
        app.slack.calls_to("chat.postEphemeral").into_iter().next()
    })
    .await;
    assert_eq!(notice.args["user"], "U_ANN");
    assert_eq!(
        notice.args["text"],
        "Only this channel's facilitators (<@UFAC>) can run the meeting."
    );
    let by_command = app.command("next").await;
    assert_eq!(
        by_command["text"],
        "Only this channel's facilitators (<@UFAC>) can run the meeting."
    );
    assert_eq!(count_posts(&app.slack, "Now discussing #2"), 0);

    app.press("UFAC", "meeting_next", &format!("{meeting_id}:{topic_id}"))
        .await;
    posted(&app, "Now discussing #2", 1).await;
    // The old message's button is for #1, which is no longer being discussed.
    app.press("UFAC", "meeting_end", &format!("{meeting_id}:{topic_id}"))
        .await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "*Arch Hour ended*"), 0);
    let _ = cards;
}

#[tokio::test]
async fn count_votes_now_closes_the_vote_early() {
    let app = spawn_app().await;
    three_topics(&app).await;
    start(&app).await;
    // The meeting started at 09:00 UTC; #1's first box ended at 09:10, and its vote would
    // close at 09:11.
    app.advance(10 * MINUTE).await;
    posted(&app, "Time's up on #1", 1).await;
    let ts = vote_message(&app).await;
    app.slack
        .set_reactions(CHANNEL, &ts, &[("+1", &["U1", "U2"]), ("-1", &["U3"])]);
    let (meeting_id, topic_id): (i64, i64) = sqlx::query_as("select id, topic_id from meetings")
        .fetch_one(&app.db)
        .await
        .expect("meeting");
    app.press(
        "U_ANN",
        "meeting_close_vote",
        &format!("{meeting_id}:{topic_id}"),
    )
    .await;

    // Counted at 09:10, not 09:11: 👍 2 to 👎 1 grants box 2 of 3, 5 minutes until 09:15.
    posted(&app, "Now discussing #1", 2).await;
    let second_box = posts(&app.slack)
        .into_iter()
        .zip(app.slack.calls_to("chat.postMessage"))
        .filter(|(text, _)| text.starts_with("Now discussing #1"))
        .nth(1)
        .map(|(_, call)| call.args["blocks"][0]["text"]["text"].clone())
        .expect("the second box");
    let second_box = second_box.as_str().expect("text");
    assert!(
        second_box.starts_with("*Keep going* (:+1: 2 · :-1: 1)"),
        "{second_box}"
    );
    assert!(
        second_box.contains("Box 2 of 3: 5 min, until <!date^1794993300^{time}|09:15 UTC>"),
        "{second_box}"
    );
    let (phase, round, ends_at): (String, i32, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("select phase, round, phase_ends_at from meetings")
            .fetch_one(&app.db)
            .await
            .expect("the meeting");
    assert_eq!((phase.as_str(), round), ("discussing", 2));
    assert_eq!(ends_at, app.now() + chrono::Duration::minutes(5));
    let (rounds, planned): (i32, i32) =
        sqlx::query_as("select rounds, planned_seconds from meeting_topics where topic_id = $1")
            .bind(topic_id)
            .fetch_one(&app.db)
            .await
            .expect("#1's record");
    assert_eq!((rounds, planned), (2, 900), "10 + 5 minutes planned");

    // The vote's own close at 09:11 was cancelled: it grants nothing more.
    app.advance(MINUTE).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "Now discussing #1"), 2);
    assert_eq!(count_posts(&app.slack, "Time's up on #1"), 1);
}

#[tokio::test]
async fn a_second_start_is_refused_while_a_meeting_runs() {
    let app = spawn_app().await;
    three_topics(&app).await;
    start(&app).await;
    let again = app.command("start").await;
    assert_eq!(
        again["text"],
        "A meeting is already running in this channel. `/archtopic end` closes it."
    );
    let meetings: i64 = sqlx::query_scalar("select count(*) from meetings")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(meetings, 1);
}

#[tokio::test]
async fn the_schedule_nudges_the_channel_a_day_before_and_ten_minutes_before() {
    let app = spawn_app().await;
    // The clock is Wednesday 18 November 2026, 09:00 UTC: the next Thursday 12:00 in New York
    // is 19 November, 17:00 UTC. The nudge is due at 18 November 17:00 UTC, the reminder at
    // 19 November 16:50 UTC.
    let reply = app
        .command("config schedule thu 12:00 America/New_York 45m")
        .await;
    assert_eq!(
        reply["text"],
        "Set `schedule` to `thu 12:00 America/New_York 45m`."
    );
    app.propose("[quest] What is paver used for today?").await;
    app.advance(8 * 60 * MINUTE - Duration::from_secs(1)).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "*Arch Hour is tomorrow*"), 0);
    app.advance(Duration::from_secs(1)).await;
    posted(&app, "*Arch Hour is tomorrow*", 1).await;
    let nudge = posts(&app.slack)
        .into_iter()
        .find(|t| t.starts_with("*Arch Hour is tomorrow*"))
        .expect("nudge");
    assert!(
        nudge.contains("1. *#1* `quest` What is paver used for today? · 0 votes"),
        "{nudge}"
    );
    app.advance((23 * 60 + 50) * MINUTE).await;
    posted(&app, "*Arch Hour starts in 10 minutes*", 1).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "*Arch Hour is tomorrow*"), 1);
    // The next week's notices are already scheduled.
    let pending: i64 = sqlx::query_scalar(
        "select count(*) from jobs where state = 'pending' and payload ->> 'kind' = 'pre_meeting'",
    )
    .fetch_one(&app.db)
    .await
    .expect("jobs");
    assert_eq!(pending, 2);
}

#[tokio::test]
async fn the_meeting_ends_itself_when_the_schedules_length_has_passed() {
    let app = spawn_app().await;
    app.command("config schedule wed 11:00 UTC 30m").await;
    app.command("config timebox 45m").await;
    three_topics(&app).await;
    start(&app).await;
    app.advance(30 * MINUTE - Duration::from_secs(1)).await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "*Arch Hour ended*"), 0);
    app.advance(Duration::from_secs(1)).await;
    posted(
        &app,
        "*Arch Hour ended* after 30 minutes: discussed 1 topic.",
        1,
    )
    .await;
    let deferred: i64 = sqlx::query_scalar("select count(*) from topics where times_deferred = 1")
        .fetch_one(&app.db)
        .await
        .expect("topics");
    assert_eq!(deferred, 2);
}

/// A card Slack keeps failing (5xx, retried with backoff) holds back later cards, which keep
/// their order, but not the meeting: its agenda and first topic are posted at once.
#[tokio::test]
async fn a_card_in_backoff_does_not_hold_back_the_meeting() {
    let app = spawn_app().await;
    three_topics(&app).await;
    app.slack.script(
        "chat.postMessage",
        [crate::support::fake_slack::Scripted::ServerError],
    );
    app.command("[quest] A fourth topic whose card fails").await;
    eventually("the card's failure to be recorded", || async {
        let backing_off: bool = sqlx::query_scalar(
            "select exists (select from outbox where attempts = 1 and lease_until is null
                              and state = 'pending' and next_attempt_at > $1)",
        )
        .bind(app.now())
        .fetch_one(&app.db)
        .await
        .expect("reading the outbox");
        backing_off.then_some(())
    })
    .await;

    // The clock does not move: the failed card waits out its backoff meanwhile.
    app.command("start").await;
    app.idle().await;
    assert_eq!(count_posts(&app.slack, "Arch Hour is starting"), 1);
    assert_eq!(count_posts(&app.slack, "Now discussing #1"), 1);
    assert_eq!(
        count_posts(&app.slack, "#4 [quest] A fourth topic"),
        1,
        "only the refused attempt so far"
    );
}
