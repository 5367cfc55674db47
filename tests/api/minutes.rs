//! `minutes [last | YYYY-MM-DD]` and `minutes post …`: a meeting's minutes in Slack, the same
//! content as `archhour minutes`, for this channel's meetings only.

use serde_json::Value;

use crate::support::meetings::{OneTopic, hold_one_topic_meeting};
use crate::support::{CHANNEL, TestApp, eventually, spawn_app};
use archhour::domain::ids::ChannelId;

/// Runs a meeting on 2026-11-18 with a note, a decision and an action item on its one topic,
/// each typed with characters Slack escapes.
async fn hold_a_meeting(app: &TestApp) {
    // Proposed by a user id as Slack writes them (letters and digits), so it shows as a mention.
    hold_one_topic_meeting(
        app,
        OneTopic {
            proposal: "[quest] Should we adopt a message queue?",
            note: "Kafka &amp; RabbitMQ are the candidates",
            decision: "Decided: start with &lt;RabbitMQ&gt;",
        },
    )
    .await;
}

/// The minutes as Slack shows them: headings in bold, user text escaped once, mentions kept.
const SHOWN: &str = "*Arch Hour: 2026-11-18*\n\n*Topics*\n\n\
    \x20 • (1) [quest] Should we adopt a message queue? [<@UANN>]\n\
    \x20   • Kafka &amp; RabbitMQ are the candidates\n\
    \x20   • Decided: start with &lt;RabbitMQ&gt;\n\
    \x20   • [ ] <@UBOB> compare the costs (owners: <@UBOB>; due 2026-12-01)\n\
    \n*Action Items*\n\n\
    \x20 • <@UBOB>\n\
    \x20   • [ ] <@UBOB> compare the costs (owners: <@UBOB>; due 2026-12-01)";

/// The text of every block of a message, joined by lines.
fn shown(blocks: &Value) -> String {
    blocks
        .as_array()
        .expect("blocks")
        .iter()
        .map(|block| block["text"]["text"].as_str().expect("a section"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn minutes_show_the_last_or_a_dated_meeting_privately_as_the_cli_prints_them() {
    let app = spawn_app().await;
    hold_a_meeting(&app).await;
    let printed = archhour::tools::minutes::minutes(&app.db, &ChannelId::from(CHANNEL), None)
        .await
        .expect("the CLI's minutes");

    for command in ["minutes", "minutes last", "Minutes 2026-11-18"] {
        let reply = app.command(command).await;
        assert_eq!(reply["response_type"], "ephemeral", "{command}");
        assert_eq!(
            reply["text"], "Minutes of Arch Hour, 2026-11-18",
            "{command}"
        );
        let text = shown(&reply["blocks"]);
        assert_eq!(text, SHOWN, "{command}");
        // The same content as the CLI's Markdown, only marked up for Slack.
        let unmarked = text
            .replace('*', "")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert_eq!(unmarked, printed.trim_end(), "{command}");
    }
    app.idle().await;
    assert!(
        app.slack
            .calls_to("chat.postMessage")
            .iter()
            .all(|call| call.args["text"] != "Minutes of Arch Hour, 2026-11-18"),
        "shown only to the person who asked"
    );
}

#[tokio::test]
async fn minutes_say_clearly_when_there_is_no_such_meeting_in_this_channel() {
    let app = spawn_app().await;
    let none = app.command("minutes").await;
    assert_eq!(
        none["text"],
        "This channel has had no meetings yet, so there are no minutes."
    );
    hold_a_meeting(&app).await;
    let wrong_day = app.command("minutes 2026-11-19").await;
    assert_eq!(
        wrong_day["text"],
        "This channel had no meeting on 2026-11-19. `/archtopic minutes last` shows the last one."
    );
    // Another channel's meetings are not this channel's.
    let elsewhere = app.command_in("C_OTHER", "U_ANN", "minutes last").await;
    assert_eq!(
        elsewhere["text"],
        "This channel has had no meetings yet, so there are no minutes."
    );
    let bad = app.command("minutes yesterday").await;
    assert_eq!(
        bad["text"],
        "Usage: `/archtopic minutes [post] [last | YYYY-MM-DD]`"
    );
}

#[tokio::test]
async fn minutes_post_puts_them_in_the_channel_for_facilitators_only() {
    let app = spawn_app().await;
    hold_a_meeting(&app).await;
    app.command("config facilitators <@UFAC|fac>").await;

    let refused = app.command("minutes post").await;
    assert_eq!(
        refused["text"],
        "Only this channel's facilitators (<@UFAC>) can post minutes in the channel. \
         `/archtopic minutes` shows them to you."
    );
    app.idle().await;
    let minutes_posts = |app: &TestApp| {
        app.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .filter(|call| call.args["text"] == "Minutes of Arch Hour, 2026-11-18")
            .collect::<Vec<_>>()
    };
    assert!(minutes_posts(&app).is_empty());

    let posted = app
        .command_in(CHANNEL, "UFAC", "minutes post 2026-11-18")
        .await;
    assert_eq!(posted["response_type"], "ephemeral");
    assert_eq!(
        posted["text"],
        "Posting the minutes of Arch Hour, 2026-11-18 in the channel."
    );
    let post = eventually("the minutes to be posted", || async {
        minutes_posts(&app).into_iter().next()
    })
    .await;
    assert_eq!(post.args["channel"], CHANNEL);
    assert_eq!(shown(&post.args["blocks"]), SHOWN);
    app.idle().await;
    assert_eq!(minutes_posts(&app).len(), 1);
}
