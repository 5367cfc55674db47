//! `config`: every key takes its valid form and refuses others, changing nothing then; only
//! facilitators change settings once there are facilitators.

use crate::support::{CHANNEL, TestApp, spawn_app};

async fn shown(app: &TestApp) -> String {
    app.command("config").await["text"]
        .as_str()
        .expect("text")
        .to_string()
}

#[tokio::test]
async fn every_key_accepts_a_valid_value_and_refuses_an_invalid_one() {
    let app = spawn_app().await;
    // (key, valid value, how `config` then shows it, invalid value)
    let cases = [
        (
            "schedule",
            "thu 15:30 Europe/Berlin 45m",
            "• `schedule`: `thu 15:30 Europe/Berlin 45m`",
            "thu 15:30 Berlin 45m",
        ),
        ("timebox", "20s,10s", "• `timebox`: `20s,10s`", "10m,,5m"),
        ("warning", "1m", "• `warning`: `1m`", "soon"),
        ("vote_window", "30s", "• `vote_window`: `30s`", "2s"),
        (
            "vote_emoji",
            ":star:",
            "• `vote_emoji`: :star:",
            "two words",
        ),
        ("votes_per_person", "3", "• `votes_per_person`: 3", "-1"),
        ("digest", "fri 16:00", "• `digest`: `fri 16:00`", "fri 4pm"),
        ("reminders", "off", "• `reminders`: off", "someday 10:00"),
        (
            "facilitators",
            "<@UANN|ann> <@UBOB|bob>",
            "• `facilitators`: <@UANN>, <@UBOB>",
            "ann bob",
        ),
    ];
    for (key, valid, display, invalid) in cases {
        let before = shown(&app).await;
        let refused = app
            .command_in(CHANNEL, "UANN", &format!("config {key} {invalid}"))
            .await;
        let text = refused["text"].as_str().expect("text");
        assert!(
            text.contains(&format!("is not a valid `{key}`: it takes"))
                && text.ends_with("Nothing was changed."),
            "{key}: {text}"
        );
        assert_eq!(
            shown(&app).await,
            before,
            "{key}: a refused value changes nothing"
        );

        let accepted = app
            .command_in(CHANNEL, "UANN", &format!("config {key} {valid}"))
            .await;
        let text = accepted["text"].as_str().expect("text");
        assert!(
            text.starts_with(&format!("Set `{key}` to ")),
            "{key}: {text}"
        );
        assert!(
            shown(&app).await.contains(display),
            "{key}: {}",
            shown(&app).await
        );
    }
}

#[tokio::test]
async fn an_unknown_key_lists_the_settings() {
    let app = spawn_app().await;
    let reply = app.command("config colour blue").await;
    assert_eq!(
        reply["text"],
        "`colour` is not a setting. The settings are `schedule`, `timebox`, `warning`, `vote_window`, `vote_emoji`, `votes_per_person`, `digest`, `reminders`, `facilitators`."
    );
}

#[tokio::test]
async fn only_facilitators_change_settings_once_they_are_set() {
    let app = spawn_app().await;
    app.command("config facilitators <@UFAC|fac>").await;
    let refused = app.command("config timebox 15m").await;
    assert_eq!(
        refused["text"],
        "Only this channel's facilitators (<@UFAC>) can change its settings. Nothing was changed."
    );
    assert!(shown(&app).await.contains("• `timebox`: `10m,5m,5m`"));
    let accepted = app.command_in(CHANNEL, "UFAC", "config timebox 15m").await;
    assert_eq!(accepted["text"], "Set `timebox` to `15m`.");
    // Anyone may still read them.
    assert!(shown(&app).await.contains("• `timebox`: `15m`"));
}

/// Pending weekly steps by kind and due time.
async fn pending_weekly(app: &TestApp) -> Vec<(String, chrono::DateTime<chrono::Utc>)> {
    sqlx::query_as(
        "select payload ->> 'kind', due_at from jobs
         where state = 'pending' and payload ->> 'kind' in ('digest', 'pre_meeting', 'reminder_run')
         order by 1, 2",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading jobs")
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().expect("a time")
}

/// Changing a schedule replaces its weekly steps: it never leaves a step unscheduled, even
/// when the new occurrence is the one already pending (only the length changed), or one that
/// was cancelled before (a setting changed and changed back).
#[tokio::test]
async fn changing_a_schedule_keeps_every_weekly_step_scheduled() {
    let app = spawn_app().await;
    // Wednesday 18 November 2026, 09:00 UTC. The meeting is Wednesdays 11:00 UTC: today's
    // nudge a day before has passed, today's ten-minute reminder is at 10:50; the digest is
    // Mondays 09:00, the reminder DMs Tuesdays 10:00.
    // A proposal schedules the digest and the notices; the first action item (none here) would
    // schedule the reminder run, and so does any change of the schedule: the 24th, 10:00.
    app.propose("[quest] What is paver used for today?").await;
    let expected = [
        ("digest".to_string(), at("2026-11-23T09:00:00Z")),
        ("pre_meeting".to_string(), at("2026-11-18T10:50:00Z")),
        ("reminder_run".to_string(), at("2026-11-24T10:00:00Z")),
    ];
    assert_eq!(pending_weekly(&app).await, expected[..2]);

    // Only the length changes: the same occurrences stay scheduled.
    let reply = app.command("config schedule wed 11:00 UTC 90m").await;
    assert_eq!(reply["text"], "Set `schedule` to `wed 11:00 UTC 1h30m`.");
    assert_eq!(pending_weekly(&app).await, expected);
    app.command("config schedule wed 11:00 UTC 1h").await;
    assert_eq!(pending_weekly(&app).await, expected);

    // The digest off, then back on at the same time: the cancelled step is armed again.
    app.command("config digest off").await;
    assert_eq!(pending_weekly(&app).await, expected[1..]);
    // So are the reminders, off and on again.
    app.command("config reminders off").await;
    assert_eq!(pending_weekly(&app).await, expected[1..2]);
    app.command("config reminders tue 10:00").await;
    assert_eq!(pending_weekly(&app).await, expected[1..]);
    app.command("config digest mon 09:00").await;
    assert_eq!(pending_weekly(&app).await, expected);

    // It fires, once.
    app.advance(std::time::Duration::from_secs(5 * 86_400))
        .await;
    crate::support::eventually("the digest to be posted", || async {
        app.slack
            .calls_to("chat.postMessage")
            .iter()
            .any(|call| call.args["text"] == "Arch Hour weekly digest")
            .then_some(())
    })
    .await;
}

/// Anyone may make themselves a facilitator while there are none, but not silently: the
/// channel is told who took the meeting out of everyone's hands. Later changes are not
/// announced.
#[tokio::test]
async fn the_first_facilitators_are_announced_in_the_channel() {
    let app = spawn_app().await;
    app.command("config facilitators <@UFAC|fac> <@UBOB>").await;
    app.command_in(CHANNEL, "UFAC", "config facilitators <@UFAC>")
        .await;
    app.idle().await;
    let posts: Vec<String> = app
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .map(|call| call.args["text"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        posts,
        [
            "<@U_ANN> made <@UFAC>, <@UBOB> the facilitators of Arch Hour in this channel: from now on only they start and run meetings and change its settings (`/archtopic config facilitators none` hands it back to everyone)."
        ]
    );
}

/// Eight changes of eight different settings at once: every one is kept (each change reads the
/// settings after the one before it committed).
#[tokio::test]
async fn concurrent_changes_to_different_settings_are_all_kept() {
    let app = spawn_app().await;
    let changes = [
        ("timebox", "20m,10m"),
        ("warning", "3m"),
        ("vote_window", "45s"),
        ("vote_emoji", ":star:"),
        ("votes_per_person", "4"),
        ("digest", "fri 16:00"),
        ("reminders", "thu 09:30"),
        ("schedule", "tue 14:00 UTC 45m"),
    ];
    let texts: Vec<String> = changes
        .iter()
        .map(|(key, value)| format!("config {key} {value}"))
        .collect();
    let sent = texts.iter().map(|text| app.command(text));
    for reply in futures::future::join_all(sent).await {
        assert!(
            reply["text"].as_str().expect("text").starts_with("Set `"),
            "{reply}"
        );
    }
    let shown = shown(&app).await;
    for (key, value) in changes {
        // As `config` shows each (the first test here): emoji and numbers bare.
        let value = if key == "vote_emoji" || key == "votes_per_person" {
            value.to_string()
        } else {
            format!("`{value}`")
        };
        assert!(
            shown.contains(&format!("• `{key}`: {value}")),
            "{key} lost: {shown}"
        );
    }
}
