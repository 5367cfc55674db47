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
