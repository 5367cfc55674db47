//! The HTTP surface besides commands: url_verification, health, metrics, body limits.

use serde_json::json;

use crate::support::{CHANNEL, FORM, command_body, eventually, spawn_app};

#[tokio::test]
async fn url_verification_is_answered_with_the_challenge() {
    let app = spawn_app().await;
    let body = json!({
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification"
    });
    let response = app.event(&body).await;
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(
        answer,
        json!({"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
    );
}

#[tokio::test]
async fn events_we_do_not_handle_are_acknowledged() {
    let app = spawn_app().await;
    let body = json!({
        "type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "Ev1",
        "event_time": 1,
        "event": {"type": "member_joined_channel", "user": "U1", "channel": CHANNEL}
    });
    let response = app.event(&body).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn slacks_ssl_check_is_acknowledged() {
    let app = spawn_app().await;
    let response = app
        .post_signed("/slack/commands", FORM, b"ssl_check=1&token=x".to_vec())
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.count("topics").await, 0);
}

#[tokio::test]
async fn healthz_answers_when_the_database_does_and_503_when_it_does_not() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);

    app.db.close().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused_with_413() {
    let app = spawn_app().await;
    let mut body = command_body(CHANNEL, "U_ANN", "[quest] big");
    body.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    let response = app.post_signed("/slack/commands", FORM, body).await;
    assert_eq!(response.status(), 413);
    assert_eq!(app.count("topics").await, 0);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_outbox() {
    let app = spawn_app().await;
    app.command("[quest] What is paver used for today?").await;
    app.post_with("/slack/commands", FORM, b"x".to_vec(), None, None)
        .await;
    let delivered = r#"archhour_slack_calls_total{method="chat.postMessage",outcome="done"} 1"#;
    let text = eventually("the card's delivery to be counted", || async {
        let text = app
            .get("/metrics")
            .await
            .text()
            .await
            .expect("metrics text");
        text.contains(delivered).then_some(text)
    })
    .await;
    for line in [
        r#"archhour_http_requests_total{route="/slack/commands",status="200"} 1"#,
        r#"archhour_http_requests_total{route="/slack/commands",status="401"} 1"#,
        r#"archhour_http_request_duration_seconds_count{route="/slack/commands",status="200"} 1"#,
        r#"archhour_outbox_rows{state="pending"} 0"#,
        r#"archhour_outbox_rows{state="dead"} 0"#,
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
}
