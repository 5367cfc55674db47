//! Emoji voting: reactions on topic cards become votes exactly once, budgets, ranking,
//! withdrawing, recounting, and cards that stay true.

use std::time::Duration;

use serde_json::Value;

use crate::support::{CHANNEL, Card, TestApp, eventually, spawn_app};

/// Waits until the card's latest edit shows `votes` votes; returns the edit's footer.
async fn card_shows(app: &TestApp, card: &Card, votes: &str) -> String {
    eventually("the card to show the count", || async {
        app.advance(Duration::from_secs(1)).await;
        let footer = last_card_footer(app, card)?;
        footer.contains(votes).then_some(footer)
    })
    .await
}

fn card_updates(app: &TestApp, card: &Card) -> Vec<Value> {
    app.slack
        .calls_to("chat.update")
        .into_iter()
        .filter(|call| call.args["ts"] == card.ts.as_str())
        .map(|call| call.args)
        .collect()
}

fn last_card_footer(app: &TestApp, card: &Card) -> Option<String> {
    let updates = card_updates(app, card);
    let last = updates.last()?;
    last["blocks"][1]["elements"][0]["text"]
        .as_str()
        .map(String::from)
}

#[tokio::test]
async fn a_late_redelivery_of_an_older_event_does_not_undo_a_newer_one() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    let added = app.react("U1", &card, "+1").await;
    // The add is redelivered after the remove but carries its original, earlier event_ts.
    let (removal_id, removal_ts) = app.next_event();
    let removal =
        crate::support::reaction_event(&removal_id, &removal_ts, "U1", &card, "+1", false);
    assert_eq!(app.event(&removal).await.status(), 200);
    let mut late = added.clone();
    late["event_id"] = Value::from("Ev-late-copy");
    assert_eq!(app.event(&late).await.status(), 200);
    assert!(app.voters(&card).await.is_empty());
}

#[tokio::test]
async fn skin_tone_variants_are_the_same_vote() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.react("U1", &card, "+1::skin-tone-3").await;
    app.react("U2", &card, "+1::skin-tone-6").await;
    app.react("U2", &card, "+1").await;
    assert_eq!(app.voters(&card).await, ["U1", "U2"]);
    assert_eq!(app.counted_votes().await, [(card.number, 2)]);
    // Removing the plain variant removes U2's vote: it is one vote whatever the tone.
    app.unreact("U2", &card, "+1::skin-tone-6").await;
    assert_eq!(app.counted_votes().await, [(card.number, 1)]);
}

#[tokio::test]
async fn bots_and_other_emoji_change_nothing() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.slack.set_user("U_OTHER_BOT", true, false);
    eventually("auth.test to tell the bot its id", || async {
        let health = app.get("/healthz").await.text().await.expect("a body");
        health
            .contains("slack: signed in as UBOT")
            .then_some(())
            .ok_or(health)
    })
    .await;

    app.react("UBOT", &card, "+1").await;
    app.react("U1", &card, "heart").await;
    app.react("U1", &card, "-1").await;
    app.react("U_OTHER_BOT", &card, "+1").await;
    eventually("the other bot to be recognised", || async {
        let is_bot: Option<bool> =
            sqlx::query_scalar("select is_bot from slack_users where user_id = 'U_OTHER_BOT' and fetched_at is not null")
                .fetch_optional(&app.db)
                .await
                .expect("reading users");
        is_bot.filter(|b| *b)
    })
    .await;

    assert_eq!(app.counted_votes().await, [(card.number, 0)]);
    let ours: i64 = sqlx::query_scalar("select count(*) from votes where user_id = 'UBOT'")
        .fetch_one(&app.db)
        .await
        .expect("counting");
    assert_eq!(ours, 0, "the bot's own reactions are not even stored");
    let footer = card_shows(&app, &card, "0 votes").await;
    assert!(footer.contains(":+1: 0 votes"), "{footer}");
}

#[tokio::test]
async fn reactions_on_messages_that_are_not_cards_are_not_votes() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    let elsewhere = Card {
        number: 0,
        channel: CHANNEL.into(),
        ts: "1600000000.000001".into(),
    };
    app.react("U1", &elsewhere, "+1").await;
    assert_eq!(app.counted_votes().await, [(card.number, 0)]);
}

#[tokio::test]
async fn a_vote_on_a_withdrawn_topic_does_not_count() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    let other = app.propose("[discuss] Splitting LMS and Studio").await;
    app.react("U1", &card, "+1").await;
    let reply = app.command(&format!("withdraw {}", card.number)).await;
    assert!(
        reply["text"]
            .as_str()
            .expect("text")
            .starts_with("Withdrew #1")
    );
    app.react("U2", &card, "+1").await;
    assert_eq!(app.counted_votes().await, [(other.number, 0)]);

    let state: String = sqlx::query_scalar("select state from topics where number = 1")
        .fetch_one(&app.db)
        .await
        .expect("state");
    assert_eq!(state, "withdrawn");
    let struck = eventually("the card to show it was withdrawn", || async {
        let updates = card_updates(&app, &card);
        updates.last().and_then(|u| {
            u["blocks"][0]["text"]["text"]
                .as_str()
                .filter(|t| t.contains("~What is paver used for today?~"))
                .map(String::from)
        })
    })
    .await;
    assert_eq!(struck, "*#1* `quest` ~What is paver used for today?~");
}

#[tokio::test]
async fn a_budget_of_two_counts_the_earliest_two_and_tells_the_voter_once() {
    let app = spawn_app().await;
    let reply = app.command("config votes_per_person 2").await;
    assert_eq!(reply["text"], "Set `votes_per_person` to 2.");
    let first = app.propose("[quest] First").await;
    let second = app.propose("[quest] Second").await;
    let third = app.propose("[quest] Third").await;

    app.react("U1", &first, "+1").await;
    app.advance(Duration::from_secs(1)).await;
    app.react("U1", &third, "+1").await;
    app.advance(Duration::from_secs(1)).await;
    let over = app.react("U1", &second, "+1").await;
    app.redeliver(&over, 1).await;

    // Ranked: #1 and #3 have U1's counted votes (tie broken by age), #2's vote is over budget.
    assert_eq!(
        app.counted_votes().await,
        [(first.number, 1), (third.number, 1), (second.number, 0)]
    );
    let notices = eventually("the budget notice", || async {
        let notices = app.slack.calls_to("chat.postEphemeral");
        (!notices.is_empty()).then_some(notices)
    })
    .await;
    app.idle().await;
    assert_eq!(app.slack.calls_to("chat.postEphemeral").len(), 1);
    assert_eq!(notices[0].args["user"], "U1");
    assert_eq!(notices[0].args["channel"], CHANNEL);
    assert_eq!(
        notices[0].args["text"],
        "2 of 2 votes used: your :+1: on #2 is kept but does not count yet. \
         Your votes on #1, #3 count. To move a vote, remove your :+1: from one of them and #2 counts instead."
    );

    // Moving a vote: removing the one on #1 makes the waiting one on #2 count.
    app.unreact("U1", &first, "+1").await;
    assert_eq!(
        app.counted_votes().await,
        [(second.number, 1), (third.number, 1), (first.number, 0)]
    );
    let footer = card_shows(&app, &second, "1 vote").await;
    assert!(footer.contains(":+1: 1 vote ·"), "{footer}");
    assert_eq!(app.slack.calls_to("chat.postEphemeral").len(), 1);
}

/// Worked by hand (votes · times deferred · age):
/// #1 2 votes · 0 · oldest      #2 3 votes · 0            #3 2 votes · 1
/// #4 0 votes · 2               #5 2 votes · 1 · newer than #3     #6 0 votes · 0
/// → #2 (most votes); then the 2-vote topics: #3 and #5 (deferred once) before #1, and #3
/// before #5 (older); then the 0-vote topics: #4 (deferred twice) before #6.
#[tokio::test]
async fn the_agenda_ranks_by_votes_then_deferrals_then_age() {
    let app = spawn_app().await;
    let mut cards = Vec::new();
    for n in 1..=6 {
        cards.push(app.propose(&format!("[discuss] Topic {n}")).await);
        app.advance(Duration::from_secs(3600)).await;
    }
    let votes = [2, 3, 2, 0, 2, 0];
    for (card, count) in cards.iter().zip(votes) {
        for voter in 0..count {
            app.react(&format!("U{voter}"), card, "+1").await;
        }
    }
    for (number, deferred) in [(3, 1), (4, 2), (5, 1)] {
        sqlx::query("update topics set times_deferred = $2 where number = $1")
            .bind(number)
            .bind(deferred)
            .execute(&app.db)
            .await
            .expect("deferring");
    }
    assert_eq!(
        app.counted_votes().await,
        [(2, 3), (3, 2), (5, 2), (1, 2), (4, 0), (6, 0)]
    );
    let reply = app.command("list").await;
    let text = reply["blocks"][0]["text"]["text"].as_str().expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1],
        "_Ranked by votes, then by meetings missed (more first), then by age (older first)._"
    );
    assert_eq!(lines[2], "1. *#2* `discuss` Topic 2 · 3 votes · today");
    assert!(lines[3].starts_with("2. *#3* "), "{text}");
    assert!(lines[7].starts_with("6. *#6* "), "{text}");
}

#[tokio::test]
async fn recount_repairs_votes_added_and_removed_while_the_app_was_stopped() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.react("U1", &card, "+1").await;
    app.react("U2", &card, "+1").await;

    // While the bot is down, U1 removes their vote and U3 adds one (with a skin tone).
    let app = app
        .while_stopped(|slack| {
            slack.set_reactions(
                CHANNEL,
                &card.ts,
                &[
                    ("+1", &["U2"]),
                    ("+1::skin-tone-2", &["U3"]),
                    ("eyes", &["U4"]),
                ],
            );
        })
        .await;
    assert_eq!(app.voters(&card).await, ["U1", "U2"]);
    // The recount comes a minute after the last event it must repair.
    app.advance(Duration::from_secs(60)).await;

    let reply = app.command("recount").await;
    assert_eq!(
        reply["text"],
        "Recounting the votes on 1 open card from Slack. I'll tell you what changed."
    );
    let report = eventually("the recount report", || async {
        app.slack.calls_to("chat.postEphemeral").into_iter().next()
    })
    .await;
    assert_eq!(
        report.args["text"],
        "Recount done: checked 1 card. Repaired:\n• #1: +1 (<@U3>), −1 (<@U1>)"
    );
    assert_eq!(app.voters(&card).await, ["U2", "U3"]);
    assert_eq!(app.counted_votes().await, [(card.number, 2)]);
    card_shows(&app, &card, ":+1: 2 votes").await;
}

#[tokio::test]
async fn a_burst_of_200_votes_edits_the_card_a_handful_of_times_ending_at_200() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    // 200 people within two seconds of the clock.
    for voter in 0..200 {
        app.react(&format!("U{voter:03}"), &card, "+1").await;
        app.advance(Duration::from_millis(10)).await;
    }
    let footer = card_shows(&app, &card, "200 votes").await;
    assert!(footer.contains(":+1: 200 votes"), "{footer}");
    app.idle().await;
    let updates = card_updates(&app, &card);
    assert!(
        (1..=10).contains(&updates.len()),
        "{} chat.update calls",
        updates.len()
    );
}

#[tokio::test]
async fn only_the_author_or_an_admin_may_withdraw_before_facilitators_exist() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.slack.set_user("U_ADMIN", false, true);

    // Whether someone is an admin is asked of Slack after the command is answered, and the
    // decision follows in an ephemeral message (tests/api/admins.rs).
    app.command_in(CHANNEL, "U_BOB", &format!("withdraw {}", card.number))
        .await;
    assert_eq!(
        app.ephemeral_to("U_BOB").await,
        "Only <@U_ANN>, who proposed #1, or a workspace admin can withdraw it."
    );
    app.command_in(CHANNEL, "U_ADMIN", &format!("withdraw #{}", card.number))
        .await;
    assert!(app.ephemeral_to("U_ADMIN").await.starts_with("Withdrew #1"));
    let again = app.command(&format!("withdraw {}", card.number)).await;
    assert!(
        again["text"]
            .as_str()
            .expect("text")
            .ends_with("was already withdrawn.")
    );
    let missing = app.command("withdraw 99").await;
    assert!(
        missing["text"]
            .as_str()
            .expect("text")
            .starts_with("There is no topic #99")
    );
}

#[tokio::test]
async fn once_facilitators_are_set_only_they_and_the_author_may_withdraw_or_configure() {
    let app = spawn_app().await;
    app.command("config facilitators <@UFAC|fac>").await;
    let first = app.propose("[quest] First").await;
    let second = app.propose("[quest] Second").await;
    app.slack.set_user("U_ADMIN", false, true);

    let admin = app
        .command_in(CHANNEL, "U_ADMIN", &format!("withdraw {}", first.number))
        .await;
    assert!(
        admin["text"]
            .as_str()
            .expect("text")
            .starts_with("Only <@U_ANN>")
    );
    let facilitator = app
        .command_in(CHANNEL, "UFAC", &format!("withdraw {}", first.number))
        .await;
    assert!(
        facilitator["text"]
            .as_str()
            .expect("text")
            .starts_with("Withdrew #1")
    );
    let author = app.command(&format!("withdraw {}", second.number)).await;
    assert!(
        author["text"]
            .as_str()
            .expect("text")
            .starts_with("Withdrew #2")
    );

    let config = app.command("config votes_per_person 3").await;
    assert!(
        config["text"]
            .as_str()
            .expect("text")
            .starts_with("Only this channel's facilitators (<@UFAC>)")
    );
    let recount = app.command("recount").await;
    assert!(
        recount["text"]
            .as_str()
            .expect("text")
            .starts_with("Only this channel's facilitators (<@UFAC>) can recount votes")
    );
    let digest = app.command("digest").await;
    assert_eq!(
        digest["text"],
        "Only this channel's facilitators (<@UFAC>) can post the digest. \
         `/archtopic digest preview` shows it to you."
    );
    let budget: i32 =
        sqlx::query_scalar("select votes_per_person from channel_settings where channel_id = $1")
            .bind(CHANNEL)
            .fetch_one(&app.db)
            .await
            .expect("settings");
    assert_eq!(budget, 0, "the refused change changed nothing");
}

#[tokio::test]
async fn a_custom_vote_emoji_counts_and_the_thumbs_up_stops_counting() {
    let app = spawn_app().await;
    let reply = app.command("config vote_emoji :star:").await;
    assert!(
        reply["text"]
            .as_str()
            .expect("text")
            .starts_with("Set `vote_emoji` to :star:.")
    );
    let card = app.propose("[quest] What is paver used for today?").await;
    app.react("U1", &card, "star").await;
    app.react("U2", &card, "+1").await;
    assert_eq!(app.counted_votes().await, [(card.number, 1)]);
    let invalid = app.command("config vote_emoji two words").await;
    assert!(
        invalid["text"]
            .as_str()
            .expect("text")
            .contains("is not a valid `vote_emoji`")
    );
}

/// Topic numbers are per workspace, but a command reaches only its own channel's topics:
/// another channel's (here a private one's) are not found, named, changed or linked.
#[tokio::test]
async fn withdraw_and_action_do_not_reach_another_channels_topic() {
    let app = spawn_app().await;
    app.propose_in("G_PRIVATE", "U_ANN", "[quest] Secret reorg plans")
        .await;
    let not_here = "There is no topic #1 in this channel. `/archtopic list` shows the open ones.";

    let withdrawn = app.command("withdraw 1").await;
    assert_eq!(withdrawn["text"], not_here);
    let state: String = sqlx::query_scalar("select state from topics where number = 1")
        .fetch_one(&app.db)
        .await
        .expect("the topic");
    assert_eq!(state, "open");

    let linked = app.command("action <@UA> follow up on #1").await;
    assert_eq!(linked["text"], not_here);
    assert_eq!(app.count("action_items").await, 0);
}

/// A recount repairs votes as of the moment it asked Slack, not the moment it finishes: a
/// reaction removed after Slack answered (its event a little older than the repair, delivered
/// after it) still removes the vote.
#[tokio::test]
async fn a_reaction_removed_while_a_recount_runs_is_not_undone_by_it() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    // U2 reacted while the bot could not hear it: only Slack knows.
    app.slack
        .set_reactions(CHANNEL, &card.ts, &[("+1", &["U2"])]);
    app.advance(Duration::from_secs(60)).await;
    let read_at = app.now();

    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    app.slack.script(
        "reactions.get",
        [crate::support::fake_slack::Scripted::HeldUntil(
            release.clone(),
        )],
    );
    app.command("recount").await;
    eventually("the recount to ask Slack", || async {
        (!app.slack.calls_to("reactions.get").is_empty()).then_some(())
    })
    .await;
    // Slack's answer takes ten seconds to arrive.
    app.clock.advance(chrono::Duration::seconds(10));
    release.notify_one();
    eventually("the recount report", || async {
        app.slack.calls_to("chat.postEphemeral").into_iter().next()
    })
    .await;
    assert_eq!(app.voters(&card).await, ["U2"], "repaired from Slack");

    // U2 took the reaction back five seconds after Slack read its reactions for the recount
    // (while the answer was on its way); the event arrives only now, after the repair.
    let removed_at = format!("{}.000001", read_at.timestamp() + 5);
    let removal =
        crate::support::reaction_event("Ev-removed", &removed_at, "U2", &card, "+1", false);
    assert_eq!(app.event(&removal).await.status(), 200);
    assert!(app.voters(&card).await.is_empty(), "the removal applies");
    assert_eq!(app.counted_votes().await, [(card.number, 0)]);
}
