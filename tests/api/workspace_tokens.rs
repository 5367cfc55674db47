//! Which token each queued call carries: a call queued for a workspace installed through "Add
//! to Slack" carries that workspace's token, one for `SLACK_BOT_TOKEN`'s own workspace (or
//! queued without a workspace) carries that token, one for any other workspace is given up;
//! an uninstalled workspace's queued calls are given up, kept as dead rows saying why, and
//! never reach Slack.

use std::time::Duration;

use archhour::domain::ids::ChannelId;
use archhour::slack::blocks::Reply;
use archhour::slack::outgoing::Delivery;
use serde_json::json;

use crate::installing::{install_workspaces, issued_token, lifecycle_event};
use crate::support::{TestApp, eventually, spawn_archive_app};

/// Queues a message to `channel` for `team` (none: no workspace), due after `delay`.
async fn queue_for(app: &TestApp, team: Option<&str>, channel: &str, delay: Duration) {
    let mut delivery = Delivery::post(
        format!("test-post:{channel}"),
        &ChannelId::from(channel),
        Reply {
            text: format!("hello {channel}"),
            blocks: Vec::new(),
        },
    );
    delivery.delay = delay;
    let mut tx = app.db.begin().await.expect("a transaction");
    archhour::store::outbox::enqueue(&mut *tx, &delivery, app.now())
        .await
        .expect("queued");
    sqlx::query("update outbox set team_id = $1 where idempotency_key = $2")
        .bind(team)
        .bind(&delivery.key)
        .execute(&mut *tx)
        .await
        .expect("the row's workspace");
    tx.commit().await.expect("committed");
}

/// The token the post to `channel` carried, once made.
async fn token_of_post_to(app: &TestApp, channel: &str) -> Option<String> {
    eventually(&format!("a post to {channel}"), || async {
        app.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .find(|call| call.args["channel"] == channel)
            .map(|call| call.token)
    })
    .await
}

#[tokio::test]
async fn each_queued_call_carries_its_workspaces_token() {
    let app = spawn_archive_app().await;
    install_workspaces(&app, &[("T2", "U_ANN"), ("T3", "U_BOB")]).await;
    app.slack.place_channel("C_T2", "T2");
    app.slack.place_channel("C_T3", "T3");
    app.slack.place_channel("C_T9", "T9");
    queue_for(&app, Some("T2"), "C_T2", Duration::ZERO).await;
    queue_for(&app, Some("T3"), "C_T3", Duration::ZERO).await;
    queue_for(&app, Some("T1"), "C_T1", Duration::ZERO).await;
    queue_for(&app, Some("T9"), "C_T9", Duration::ZERO).await;
    queue_for(&app, None, "C_NONE", Duration::ZERO).await;

    assert_eq!(
        token_of_post_to(&app, "C_T2").await,
        Some(issued_token(&app, "T2"))
    );
    assert_eq!(
        token_of_post_to(&app, "C_T3").await,
        Some(issued_token(&app, "T3"))
    );
    // SLACK_BOT_TOKEN's own workspace (T1, as auth.test says), and a row of no workspace: that
    // token, as before.
    assert_eq!(
        token_of_post_to(&app, "C_T1").await.as_deref(),
        Some("xoxb-test-token")
    );
    assert_eq!(
        token_of_post_to(&app, "C_NONE").await.as_deref(),
        Some("xoxb-test-token")
    );
    // A workspace with no installation that is not SLACK_BOT_TOKEN's: no token of ours acts
    // there (T1's would be another workspace's), so the call is given up, never made.
    let given_up = eventually("the call for T9 to be given up", || async {
        sqlx::query_scalar::<_, Option<String>>(
            "select last_error from outbox where team_id = 'T9' and state = 'dead'",
        )
        .fetch_optional(&app.db)
        .await
        .expect("reading the row")
        .flatten()
    })
    .await;
    assert_eq!(
        given_up,
        "archhour is not installed in workspace T9: no bot token acts there"
    );
    assert!(
        app.slack
            .calls_to("chat.postMessage")
            .iter()
            .all(|call| call.args["channel"] != "C_T9")
    );
}

#[tokio::test]
async fn an_uninstalled_workspaces_queued_calls_are_given_up_and_never_sent() {
    let app = spawn_archive_app().await;
    install_workspaces(&app, &[("T2", "U_ANN"), ("T3", "U_BOB")]).await;
    app.slack.place_channel("C_T2", "T2");
    app.slack.place_channel("C_T3", "T3");
    let later = Duration::from_secs(3600);
    queue_for(&app, Some("T2"), "C_T2", later).await;
    queue_for(&app, Some("T3"), "C_T3", later).await;

    app.slack.uninstall_from("T2");
    let uninstalled = lifecycle_event("EvU9", "T2", json!({"type": "app_uninstalled"}));
    assert_eq!(app.event(&uninstalled).await.status(), 200);
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "select team_id, state, last_error from outbox where team_id is not null order by team_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("the queued rows");
    assert_eq!(
        rows,
        vec![
            (
                "T2".into(),
                "dead".into(),
                Some(
                    "not sent: the app was uninstalled from the workspace (app_uninstalled)".into()
                )
            ),
            ("T3".into(), "pending".into(), None),
        ]
    );

    app.advance(later).await;
    assert_eq!(
        token_of_post_to(&app, "C_T3").await,
        Some(issued_token(&app, "T3"))
    );
    app.idle().await;
    assert!(
        app.slack
            .calls_to("chat.postMessage")
            .iter()
            .all(|call| call.args["channel"] != "C_T2"),
        "nothing was sent for the uninstalled workspace"
    );
}
