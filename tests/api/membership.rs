//! The bot and the channels it is in: Slack sends a channel's reactions and messages only to
//! apps in it. Public channels are joined before their first card; private ones need an
//! invitation; being removed stops the channel's weekly posts.

use serde_json::{Value, json};

use crate::support::{CHANNEL, TEAM, TestApp, eventually, spawn_app};

const PRIVATE: &str = "C_PRIVATE";

/// Who the bot is, once `auth.test` has answered: member events about it are recognised then.
async fn bot_known(app: &TestApp) -> String {
    eventually("the bot to know who it is", || async {
        let body = app.get("/healthz").await.text().await.ok()?;
        body.lines()
            .find_map(|line| line.strip_prefix("slack: signed in as "))
            .and_then(|rest| rest.split(' ').next())
            .map(str::to_string)
    })
    .await
}

/// An Events API callback as Slack sends it.
async fn send(app: &TestApp, event: Value) {
    let (event_id, _) = app.next_event();
    let body = json!({
        "type": "event_callback", "team_id": TEAM, "api_app_id": "A1",
        "event_id": event_id, "event_time": 1_700_000_000, "event": event
    });
    assert_eq!(app.event(&body).await.status(), 200, "{body}");
}

async fn topics_in(app: &TestApp, channel: &str) -> i64 {
    sqlx::query_scalar("select count(*) from topics where channel_id = $1")
        .bind(channel)
        .fetch_one(&app.db)
        .await
        .expect("counting topics")
}

#[tokio::test]
async fn in_a_public_channel_the_bot_joins_before_the_first_card_and_votes_count() {
    let app = spawn_app().await;
    assert!(!app.slack.bot_is_in(CHANNEL));
    let card = app
        .propose("[quest] Should we adopt a message queue?")
        .await;
    assert!(app.slack.bot_is_in(CHANNEL), "joined");
    let methods: Vec<String> = app
        .slack
        .calls_besides_auth()
        .into_iter()
        .map(|call| call.method)
        .collect();
    assert_eq!(
        methods[..3],
        [
            "conversations.info",
            "conversations.join",
            "chat.postMessage"
        ],
        "looked, joined, then posted"
    );
    app.react("U1", &card, "+1").await;
    app.react("U2", &card, "+1").await;
    assert_eq!(app.voters(&card).await, ["U1", "U2"]);
    // Once in, the next proposal asks nothing more of Slack before its card.
    app.propose("[discuss] One constraints file or two?").await;
    assert_eq!(app.slack.calls_to("conversations.join").len(), 1);
    assert_eq!(app.slack.calls_to("conversations.info").len(), 1);
}

#[tokio::test]
async fn in_a_private_channel_the_proposer_is_told_to_invite_the_bot_and_nothing_is_stored() {
    let app = spawn_app().await;
    app.slack.add_private_channel(PRIVATE);
    let reply = app
        .command_in(PRIVATE, "U_ANN", "[quest] Should we adopt a message queue?")
        .await;
    let text = reply["text"].as_str().expect("a reply");
    assert!(
        text.contains("Invite me with `/invite @archhour`"),
        "{text}"
    );
    assert!(text.contains("Nothing was stored."), "{text}");
    assert_eq!(topics_in(&app, PRIVATE).await, 0);
    assert!(app.slack.calls_to("chat.postMessage").is_empty());
    assert_eq!(app.count("outbox").await, 0);

    // Someone invites the bot; Slack tells it so.
    let bot = bot_known(&app).await;
    app.slack.invite_bot(PRIVATE);
    send(
        &app,
        json!({"type": "member_joined_channel", "user": bot, "channel": PRIVATE,
               "channel_type": "G", "team": TEAM, "inviter": "U_ANN"}),
    )
    .await;
    let card = app
        .propose_in(PRIVATE, "U_ANN", "[quest] Should we adopt a message queue?")
        .await;
    assert_eq!(topics_in(&app, PRIVATE).await, 1);
    assert!(
        app.slack.calls_to("conversations.join").is_empty(),
        "a private channel is never joined"
    );
    app.react("U1", &card, "+1").await;
    assert_eq!(app.voters(&card).await, ["U1"]);
}

#[tokio::test]
async fn an_archived_channel_takes_no_topic() {
    let app = spawn_app().await;
    app.slack.archive(CHANNEL);
    let reply = app
        .command("[quest] Should we adopt a message queue?")
        .await;
    assert_eq!(
        reply["text"],
        "This channel is archived, so Arch Hour cannot run here. Nothing was stored."
    );
    assert_eq!(topics_in(&app, CHANNEL).await, 0);
}

/// Removed from a channel, the bot stops its weekly posts there (the step runs and posts
/// nothing, and no next one is scheduled) and says so in the App Home tab; invited back, they
/// resume.
#[tokio::test]
async fn a_removed_bot_stops_the_channels_weekly_posts_until_invited_back() {
    let app = spawn_app().await;
    app.propose("[quest] Should we adopt a message queue?")
        .await;
    app.idle().await;
    app.slack.remove_bot(CHANNEL);
    send(
        &app,
        json!({"type": "channel_left", "channel": CHANNEL, "actor_id": "U_ANN"}),
    )
    .await;
    let pending: Vec<(String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "select payload->>'kind', due_at from jobs where state = 'pending' order by due_at",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading jobs");
    assert!(!pending.is_empty(), "the channel had weekly steps");
    let last = pending.iter().map(|(_, due)| *due).max().expect("a step");
    let posts_before = app.slack.calls_to("chat.postMessage").len();
    app.advance((last - app.now()).to_std().expect("later") + std::time::Duration::from_secs(1))
        .await;
    app.idle().await;
    let states: Vec<(String, String)> = sqlx::query_as(
        "select payload->>'kind', state from jobs where payload->>'kind' in ('digest', 'pre_meeting')
         order by id",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading jobs");
    assert!(
        states.iter().all(|(_, state)| state == "done"),
        "every step ran, none is pending: {states:?}"
    );
    assert_eq!(
        app.slack.calls_to("chat.postMessage").len(),
        posts_before,
        "nothing posted in a channel the bot was removed from"
    );
    app.slack.set_user("U_ANN", false, false);
    let (event_id, _) = app.next_event();
    let home = json!({
        "type": "event_callback", "team_id": TEAM, "api_app_id": "A1", "event_id": event_id,
        "event_time": 1_700_000_000,
        "event": {"type": "app_home_opened", "user": "U_ANN", "channel": "DU_ANN", "tab": "home"}
    });
    assert_eq!(app.event(&home).await.status(), 200);
    let published = eventually("the App Home tab", || async {
        app.slack.calls_to("views.publish").into_iter().last()
    })
    .await;
    assert!(
        published.args.to_string().contains(&format!(
            "I was removed from <#{CHANNEL}>: its meeting notices and digest stopped. Invite me back with `/invite @archhour` to resume them."
        )),
        "{}",
        published.args
    );

    // Invited back: the weekly steps are scheduled again.
    let bot = bot_known(&app).await;
    app.slack.invite_bot(CHANNEL);
    send(
        &app,
        json!({"type": "member_joined_channel", "user": bot, "channel": CHANNEL,
               "channel_type": "C", "team": TEAM}),
    )
    .await;
    let pending: i64 = sqlx::query_scalar("select count(*) from jobs where state = 'pending'")
        .fetch_one(&app.db)
        .await
        .expect("counting jobs");
    assert!(pending > 0, "the weekly steps resume");
}

/// The DMs the bot sent: (channel, text).
fn dms(app: &TestApp) -> Vec<(String, String)> {
    app.slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|call| {
            call.succeeded
                && call.args["channel"]
                    .as_str()
                    .is_some_and(|c| c.starts_with('D'))
        })
        .map(|call| {
            (
                call.args["channel"].as_str().unwrap_or("").to_string(),
                call.args["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A card Slack refuses for a reason a person can fix is reported to its proposer, once, with
/// what to do; the reply to the proposal never claimed the card was posted; `/metrics` counts
/// the dead call by its error; and once the bot is invited the card is posted after all.
#[tokio::test]
async fn a_card_slack_refuses_is_reported_to_its_proposer_once() {
    let app = spawn_app().await;
    app.slack.script(
        "chat.postMessage",
        [crate::support::fake_slack::Scripted::SlackError(
            "channel_not_found",
        )],
    );
    let reply = app
        .command("[quest] Should we adopt a message queue?")
        .await;
    let text = reply["text"].as_str().expect("a reply");
    assert!(
        text.contains("Its card is being posted in this channel"),
        "{text}"
    );
    let sent = eventually("the proposer's DM", || async {
        let sent = dms(&app);
        (!sent.is_empty()).then_some(sent)
    })
    .await;
    app.idle().await;
    assert_eq!(dms(&app), sent, "one DM, however long the bot runs");
    assert_eq!(
        sent,
        [(
            "DU_ANN".to_string(),
            format!(
                "I could not post the card for #1 [quest] Should we adopt a message queue?: I'm not in <#{CHANNEL}> (or cannot see it). The topic is stored: invite me with `/invite @archhour` in that channel and I will post its card."
            )
        )]
    );
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains(
            "archhour_slack_calls_dead_total{method=\"chat.postMessage\",error=\"channel_not_found\"} 1"
        ),
        "{metrics}"
    );

    let bot = bot_known(&app).await;
    send(
        &app,
        json!({"type": "member_joined_channel", "user": bot, "channel": CHANNEL,
               "channel_type": "C", "team": TEAM}),
    )
    .await;
    let card_ts = eventually("the card to be posted after the invitation", || async {
        sqlx::query_scalar::<_, Option<String>>("select card_ts from topics")
            .fetch_one(&app.db)
            .await
            .expect("reading the topic")
    })
    .await;
    assert!(!card_ts.is_empty());
}

/// A card that ran out of retries on Slack's own trouble tells nobody: nothing a person can fix.
#[tokio::test]
async fn a_card_given_up_on_for_slacks_own_trouble_sends_no_dm() {
    let app = spawn_app().await;
    app.slack.script(
        "chat.postMessage",
        std::iter::repeat_n(
            crate::support::fake_slack::Scripted::SlackError("ratelimited"),
            3,
        ),
    );
    app.command("[quest] Should we adopt a message queue?")
        .await;
    eventually("the card to be given up", || async {
        let state: String = sqlx::query_scalar(
            "select state from outbox where idempotency_key like 'topic-card:%'",
        )
        .fetch_one(&app.db)
        .await
        .expect("reading the card's row");
        if state == "dead" {
            return Ok(());
        }
        app.advance(std::time::Duration::from_secs(60)).await;
        Err(format!("the card's row is {state}"))
    })
    .await;
    app.idle().await;
    assert!(dms(&app).is_empty(), "{:?}", dms(&app));
    assert_eq!(
        app.count("outbox").await,
        1,
        "no DM was queued, only the card"
    );
}

/// Slack answering `not_in_channel` (the bot was taken out without the bot hearing of it) makes
/// the outbox join the public channel and post at once, not give up.
#[tokio::test]
async fn not_in_channel_makes_the_outbox_join_and_post() {
    let app = spawn_app().await;
    app.propose("[quest] Should we adopt a message queue?")
        .await;
    app.slack.remove_bot(CHANNEL);
    app.slack.script(
        "chat.postMessage",
        [crate::support::fake_slack::Scripted::SlackError(
            "not_in_channel",
        )],
    );
    let card = app.propose("[discuss] One constraints file or two?").await;
    assert_eq!(
        app.slack.calls_to("conversations.join").len(),
        2,
        "joined again"
    );
    assert!(app.slack.bot_is_in(CHANNEL));
    app.react("U1", &card, "+1").await;
    assert_eq!(app.voters(&card).await, ["U1"]);
    let dead: i64 = sqlx::query_scalar("select count(*) from outbox where state = 'dead'")
        .fetch_one(&app.db)
        .await
        .expect("counting dead rows");
    assert_eq!(dead, 0);
}
