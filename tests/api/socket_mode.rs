//! Socket Mode: with `SLACK_APP_TOKEN` the bot opens the connection to Slack itself, handles
//! commands, events and interactions that arrive as envelopes with the same code as over
//! HTTP, acknowledges each by its envelope id, and reconnects when the connection drops or
//! Slack asks it to.

use serde_json::{Value, json};

use crate::challenges::{form, typed};
use crate::support::{
    APP_TOKEN, CHANNEL, Card, FORM, TestApp, block_actions, challenge_form_submission,
    command_body, command_payload, eventually, reaction_event, spawn_socket_app,
};

async fn count(app: &TestApp, query: &'static str) -> i64 {
    sqlx::query_scalar(query)
        .fetch_one(&app.db)
        .await
        .expect("counting")
}

#[tokio::test]
async fn envelopes_are_handled_as_over_http_acknowledged_once_each_and_survive_reconnects() {
    let (app, socket) = spawn_socket_app().await;
    socket.wait_for_connections(1).await;
    let opened = app.slack.calls_to("apps.connections.open");
    assert_eq!(opened[0].token.as_deref(), Some(APP_TOKEN));
    let health = eventually("the socket to be reported connected", || async {
        let response = app.get("/healthz").await;
        let status = response.status();
        let body = response.text().await.expect("body");
        (status == 200).then_some(body)
    })
    .await;
    assert!(
        health.starts_with("ok\nsocket mode: connected for "),
        "{health}"
    );
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains("archhour_socket_mode_connected 1"),
        "{metrics}"
    );
    // Slack's HTTP endpoints are not served: the traffic comes over the socket.
    let http = app
        .post_signed(
            "/slack/commands",
            FORM,
            command_body(CHANNEL, "U_ANN", "list"),
        )
        .await;
    assert_eq!(http.status(), 404);

    // A slash command: stored once, its card posted, its reply in the acknowledgement.
    socket.send_envelope(
        "env-command",
        "slash_commands",
        command_payload(CHANNEL, "U_ANN", "[quest] What is paver used for today?"),
    );
    let ack = socket.ack("env-command").await;
    assert_eq!(ack["payload"]["response_type"], "ephemeral");
    assert!(
        ack["payload"]["text"]
            .as_str()
            .expect("reply text")
            .starts_with("#1 [quest] What is paver used for today? is on the agenda."),
        "{ack}"
    );
    assert_eq!(count(&app, "select count(*) from topics").await, 1);
    let posted = eventually("the topic card", || async {
        app.slack.calls_to("chat.postMessage").into_iter().next()
    })
    .await;
    assert!(
        posted.args["text"]
            .to_string()
            .contains("What is paver used for today?")
    );
    let card = Card {
        number: 1,
        channel: CHANNEL.into(),
        ts: eventually("the card's ts to be stored", || async {
            sqlx::query_scalar::<_, Option<String>>("select card_ts from topics")
                .fetch_one(&app.db)
                .await
                .ok()
                .flatten()
        })
        .await,
    };

    // A reaction, then Slack's redelivery of the same event: acknowledged twice, counted once.
    let vote = reaction_event("Ev-vote", "1700000001.000100", "U_BEA", &card, "+1", true);
    socket.send_envelope("env-vote", "events_api", vote.clone());
    socket.ack("env-vote").await;
    let mut redelivery = json!({
        "envelope_id": "env-vote-again", "type": "events_api",
        "accepts_response_payload": false, "retry_attempt": 1, "retry_reason": "timeout",
        "payload": vote
    });
    socket.send(redelivery.take());
    socket.ack("env-vote-again").await;
    assert_eq!(
        count(&app, "select count(*) from votes where present").await,
        1
    );
    assert_eq!(
        count(&app, "select coalesce(sum(votes), 0) from vote_tallies").await,
        1
    );
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains(r#"archhour_events_total{kind="reaction",outcome="duplicate"} 1"#)
            && metrics
                .contains(r#"archhour_events_total{kind="reaction",outcome="changed_vote"} 1"#),
        "the redelivery is recognised by its event id: {metrics}"
    );

    // A button press: handled as over HTTP, its reply sent to the presser.
    socket.send_envelope(
        "env-challenge",
        "slash_commands",
        command_payload(
            CHANNEL,
            "U_ANN",
            "challenge Authorization | Managing admin access | SRE added admins by hand",
        ),
    );
    socket.ack("env-challenge").await;
    let issue_id: i64 = count(&app, "select id from challenge_issues").await;
    socket.send_envelope(
        "env-button",
        "interactive",
        block_actions(
            "U_BEA",
            "challenge_discuss",
            &issue_id.to_string(),
            "trigger-button",
        ),
    );
    let ack = socket.ack("env-button").await;
    assert_eq!(ack, json!({"envelope_id": "env-button"}), "a bare ack");
    let reply = eventually("the reply to the presser", || async {
        app.slack.calls_to("chat.postEphemeral").into_iter().next()
    })
    .await;
    assert_eq!(reply.args["user"], "U_BEA");
    assert!(
        reply.args["text"]
            .as_str()
            .expect("text")
            .starts_with("#2 [analysis] Managing admin access is on the agenda"),
        "{}",
        reply.args["text"]
    );

    // A form with a bad field: the errors go back in the acknowledgement.
    socket.send_envelope(
        "env-form",
        "interactive",
        challenge_form_submission(
            "U_BEA",
            "V9",
            form(&[
                ("new_issue", typed("Flaky builds")),
                ("new_category", typed("Pipeline")),
                ("what_happened", typed("  ")),
            ]),
        ),
    );
    let ack = socket.ack("env-form").await;
    assert_eq!(
        ack,
        json!({"envelope_id": "env-form", "payload": {
            "response_action": "errors",
            "errors": {"what_happened": "Say what happened."}
        }})
    );

    // The connection drops: the bot opens a new one, and the next envelope is handled there.
    socket.drop_connection();
    socket.wait_for_connections(2).await;
    socket.send_envelope(
        "env-after-drop",
        "slash_commands",
        command_payload(CHANNEL, "U_ANN", "[inform] Paver is retired"),
    );
    let ack = socket.ack("env-after-drop").await;
    assert!(
        ack["payload"]["text"].to_string().contains("#3 [inform]"),
        "{ack}"
    );

    // Slack asks for a reconnect: the same.
    socket.send_disconnect();
    socket.wait_for_connections(3).await;
    socket.send_envelope(
        "env-after-disconnect",
        "slash_commands",
        command_payload(CHANNEL, "U_ANN", "[discuss] Where does devstack go next?"),
    );
    let ack = socket.ack("env-after-disconnect").await;
    assert!(
        ack["payload"]["text"].to_string().contains("#4 [discuss]"),
        "{ack}"
    );

    // Nothing was handled twice, and every envelope was acknowledged exactly once.
    assert_eq!(count(&app, "select count(*) from topics").await, 4);
    for envelope in [
        "env-command",
        "env-vote",
        "env-vote-again",
        "env-challenge",
        "env-button",
        "env-form",
        "env-after-drop",
        "env-after-disconnect",
    ] {
        assert_eq!(socket.acks_of(envelope).len(), 1, "{envelope}");
    }
    assert_eq!(
        app.slack.calls_to("apps.connections.open").len(),
        3,
        "one per connection"
    );
}

#[tokio::test]
async fn a_command_that_opens_a_form_is_acknowledged_without_a_message() {
    let (app, socket) = spawn_socket_app().await;
    socket.wait_for_connections(1).await;
    socket.send_envelope(
        "env-form",
        "slash_commands",
        command_payload(CHANNEL, "U_ANN", "challenge"),
    );
    let ack: Value = socket.ack("env-form").await;
    assert_eq!(ack, json!({"envelope_id": "env-form"}));
    assert_eq!(app.slack.calls_to("views.open").len(), 1);
}
