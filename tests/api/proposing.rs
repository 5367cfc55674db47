//! `/archtopic [intent] title` end to end, and the bad-input replies.

use serde_json::Value;

use crate::support::{CHANNEL, TestApp, assert_in_order, eventually, spawn_app};

fn reply_text(reply: &Value) -> &str {
    assert_eq!(reply["response_type"], "ephemeral", "{reply}");
    reply["text"].as_str().expect("reply text")
}

async fn stored_topics(app: &TestApp) -> Vec<(i32, Vec<String>, String, String, String)> {
    sqlx::query_as(
        "select number, intents, title, author_id, channel_id from topics order by number",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading topics")
}

#[tokio::test]
async fn a_proposal_is_stored_confirmed_and_its_card_posted_once() {
    let app = spawn_app().await;

    let reply = app.command("[quest] What is paver used for today?").await;

    assert!(
        reply_text(&reply).starts_with("#1 [quest] What is paver used for today?"),
        "{reply}"
    );
    assert_eq!(
        stored_topics(&app).await,
        [(
            1,
            vec!["quest".to_string()],
            "What is paver used for today?".to_string(),
            "U_ANN".to_string(),
            CHANNEL.to_string()
        )]
    );
    let card_ts: String = eventually("the card's ts to be stored", || async {
        sqlx::query_scalar::<_, Option<String>>("select card_ts from topics where number = 1")
            .fetch_one(&app.db)
            .await
            .expect("reading card_ts")
    })
    .await;
    let posts = app.slack.calls_to("chat.postMessage");
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert_eq!(post.token.as_deref(), Some("xoxb-test-token"));
    assert_eq!(post.args["channel"], CHANNEL);
    assert_eq!(
        post.args["text"],
        "#1 [quest] What is paver used for today?"
    );
    assert_eq!(
        post.args["blocks"][0]["text"]["text"],
        "*#1* `quest` *What is paver used for today?*"
    );
    assert_eq!(
        post.args["blocks"][1]["elements"][0]["text"],
        "Proposed by <@U_ANN> · :+1: 0 votes · React with :+1: to vote"
    );
    assert_eq!(card_ts, "1700000000.000001");

    app.idle().await;
    assert_eq!(app.slack.calls_to("chat.postMessage").len(), 1);
}

#[tokio::test]
async fn topics_are_numbered_per_workspace() {
    let app = spawn_app().await;
    app.command("[inform] New deploy pipeline").await;
    let reply = app.command("[idea] Guests for 2021").await;
    assert!(reply_text(&reply).starts_with("#2 [ideation] Guests for 2021"));

    let numbers: Vec<(String, i32)> =
        sqlx::query_as("select team_id, number from topics order by id")
            .fetch_all(&app.db)
            .await
            .expect("reading numbers");
    assert_eq!(numbers, [("T1".into(), 1), ("T1".into(), 2)]);
}

#[tokio::test]
async fn every_intent_alias_and_combination_is_stored_canonically() {
    let app = spawn_app().await;
    let cases = [
        ("[inform]", vec!["inform"]),
        ("[INFO]", vec!["inform"]),
        ("[Ideation]", vec!["ideation"]),
        ("[idea]", vec!["ideation"]),
        ("[analysis]", vec!["analysis"]),
        ("[quest]", vec!["quest"]),
        ("[Question]", vec!["quest"]),
        ("[q]", vec!["quest"]),
        ("[discuss]", vec!["discuss"]),
        ("[discussion]", vec!["discuss"]),
        ("[quest/ideation]", vec!["quest", "ideation"]),
        ("[Q/Idea/analysis]", vec!["quest", "ideation", "analysis"]),
    ];
    for (tag, _) in &cases {
        app.command(&format!("{tag} Documentation strategy")).await;
    }
    let stored: Vec<Vec<String>> = stored_topics(&app)
        .await
        .into_iter()
        .map(|(_, intents, ..)| intents)
        .collect();
    let expected: Vec<Vec<String>> = cases
        .iter()
        .map(|(_, intents)| intents.iter().map(|s| s.to_string()).collect())
        .collect();
    assert_eq!(stored, expected);
}

/// Each bad input gets an ephemeral reply with a corrected example; nothing is stored or sent.
#[tokio::test]
async fn bad_input_is_explained_and_changes_nothing() {
    let app = spawn_app().await;
    let long_title = format!("[quest] {}", "a".repeat(301));
    let cases: [(&str, &str, &str); 6] = [
        (
            CHANNEL,
            "What is paver used for today?",
            "Try: `/archtopic [quest] What is paver used for today?`",
        ),
        (
            CHANNEL,
            "[qeust] What is paver used for today?",
            "`qeust` is not an intent. Did you mean `quest`?\nTry: `/archtopic [quest] What is paver used for today?`",
        ),
        (
            CHANNEL,
            "[quest]",
            "The topic needs a title after the tag.\nTry: `/archtopic [quest] Should we adopt a message queue?`",
        ),
        (
            CHANNEL,
            &long_title,
            "That title is 301 characters; the limit is 300.",
        ),
        (
            CHANNEL,
            "[quest What is paver?",
            "The intent tag is missing its closing `]`.\nTry: `/archtopic [quest] What is paver?`",
        ),
        (
            "D_ANN",
            "[quest] What is paver used for today?",
            "Run `/archtopic` there, not in a direct message.",
        ),
    ];
    for (channel, text, expected) in cases {
        let reply = app.command_in(channel, "U_ANN", text).await;
        assert!(
            reply_text(&reply).contains(expected),
            "{text}: {}",
            reply_text(&reply)
        );
    }
    app.idle().await;
    assert_eq!(app.count("topics").await, 0);
    assert_eq!(app.count("outbox").await, 0);
    assert!(app.slack.calls_besides_auth().is_empty());
}

#[tokio::test]
async fn help_lists_every_intent_and_its_meaning() {
    let app = spawn_app().await;
    let reply = app.command("help").await;
    let text = reply_text(&reply);
    for line in [
        "• `inform`: tell the group; clarifying questions only",
        "• `ideation`: divergent brainstorming, no critique",
        "• `analysis`: poke holes in my idea or plan",
        "• `quest`: I seek information or answers",
        "• `discuss`: open discussion",
    ] {
        assert!(text.contains(line), "missing {line}");
    }
}

#[tokio::test]
async fn help_explains_how_replies_in_a_cards_thread_are_recorded() {
    let app = spawn_app().await;
    let reply = app.command("help").await;
    let text = reply_text(&reply);
    for part in [
        "*Notes in the meeting*: reply in the thread of a topic's card",
        "`ACTION @owner what they will do due 2026-12-01`, `AI: …` or `[ ] …`: an action item.",
        "`DECIDED …`, `Decided: …` or `DECISION …`: a decision.",
        "• anything else: a note.",
        "`undo` in the thread takes back your last one",
    ] {
        assert!(text.contains(part), "missing {part}\n{text}");
    }
}

#[tokio::test]
async fn an_unknown_subcommand_gets_help_not_a_topic() {
    let app = spawn_app().await;
    let reply = app.command("frobnicate").await;
    let text = reply_text(&reply);
    assert!(text.starts_with("`frobnicate` is not something I know how to do."));
    assert!(text.contains("`/archtopic [intent] title`"));
    assert_eq!(app.count("topics").await, 0);
}

/// Without votes or deferrals, the ranking falls back to age: oldest first.
#[tokio::test]
async fn list_shows_this_channels_open_topics_oldest_first_when_nobody_voted() {
    let app = spawn_app().await;
    app.command("[quest] What is paver used for today?").await;
    app.advance(std::time::Duration::from_secs(2 * 86_400))
        .await;
    app.command("[discuss] Splitting LMS and Studio").await;
    app.command_in("C_OTHER", "U_BOB", "[inform] Elsewhere")
        .await;

    let reply = app.command("list").await;
    let blocks = reply["blocks"].to_string();
    // Oldest first.
    assert_in_order(
        &blocks,
        &["What is paver used for today?", "Splitting LMS and Studio"],
    );
    assert!(
        !blocks.contains("Elsewhere"),
        "other channels are not listed"
    );
    assert!(
        blocks.contains("1. *#1* `quest` What is paver used for today? · 0 votes · 2 days old")
    );
    assert!(blocks.contains("2. *#2* `discuss` Splitting LMS and Studio · 0 votes · today"));
}

#[tokio::test]
async fn list_with_no_topics_says_how_to_propose_one() {
    let app = spawn_app().await;
    let reply = app.command("list").await;
    assert!(reply_text(&reply).starts_with("No open topics yet."));
}
