//! Every Slack endpoint refuses requests that fail signature verification: 401, nothing stored.

use archhour::slack::signature::sign;

use crate::support::{CHANNEL, FORM, SIGNING_SECRET, command_body, settle, spawn_app};

/// A forgery: what the attacker sends in the two headers, and the body.
struct Forgery {
    name: &'static str,
    timestamp: Option<String>,
    signature: Option<String>,
    body: Vec<u8>,
}

fn forgeries(now: i64, body: &[u8]) -> Vec<Forgery> {
    let signed_at = |at: i64, secret: &str, body: &[u8]| {
        (
            Some(at.to_string()),
            Some(sign(secret.as_bytes(), &at.to_string(), body)),
        )
    };
    let mut tampered = body.to_vec();
    tampered.extend_from_slice(b"%21");
    let (ts, sig) = signed_at(now, SIGNING_SECRET, body);
    let v1 = sig.as_ref().map(|s| s.replacen("v0=", "v1=", 1));
    let case =
        |name, (timestamp, signature): (Option<String>, Option<String>), body: &[u8]| Forgery {
            name,
            timestamp,
            signature,
            body: body.to_vec(),
        };
    vec![
        case("forged", signed_at(now, "not-the-secret", body), body),
        case("stale", signed_at(now - 301, SIGNING_SECRET, body), body),
        case("future", signed_at(now + 301, SIGNING_SECRET, body), body),
        case("tampered", (ts.clone(), sig.clone()), &tampered),
        case("no timestamp", (None, sig.clone()), body),
        case("no signature", (ts.clone(), None), body),
        case("no headers", (None, None), body),
        case("wrong version", (ts, v1), body),
    ]
}

#[tokio::test]
async fn refused_commands_get_401_and_store_nothing() {
    let app = spawn_app().await;
    let body = command_body(CHANNEL, "U_ANN", "[quest] What is paver used for today?");
    for forgery in forgeries(app.now().timestamp(), &body) {
        let response = app
            .post_with(
                "/slack/commands",
                FORM,
                forgery.body,
                forgery.timestamp.as_deref(),
                forgery.signature.as_deref(),
            )
            .await;
        assert_eq!(response.status(), 401, "{}", forgery.name);
    }
    settle().await;
    assert_eq!(app.count("topics").await, 0);
    assert_eq!(app.count("workspaces").await, 0);
    assert_eq!(app.count("outbox").await, 0);
    assert!(app.slack.calls_besides_auth().is_empty());
}

#[tokio::test]
async fn refused_events_and_interactions_get_401() {
    let app = spawn_app().await;
    let event = br#"{"type":"url_verification","challenge":"abc"}"#.to_vec();
    let interaction = b"payload=%7B%22type%22%3A%22block_actions%22%7D".to_vec();
    for (path, content_type, body) in [
        ("/slack/events", "application/json", event),
        ("/slack/interactions", FORM, interaction),
    ] {
        for forgery in forgeries(app.now().timestamp(), &body) {
            let response = app
                .post_with(
                    path,
                    content_type,
                    forgery.body,
                    forgery.timestamp.as_deref(),
                    forgery.signature.as_deref(),
                )
                .await;
            assert_eq!(response.status(), 401, "{path}: {}", forgery.name);
            let text = response.text().await.expect("body");
            assert!(!text.contains("abc"), "the challenge must not be echoed");
        }
    }
}

#[tokio::test]
async fn a_signature_within_the_window_is_accepted() {
    let app = spawn_app().await;
    let body = command_body(CHANNEL, "U_ANN", "help");
    let at = (app.now().timestamp() - 299).to_string();
    let signature = sign(SIGNING_SECRET.as_bytes(), &at, &body);
    let response = app
        .post_with("/slack/commands", FORM, body, Some(&at), Some(&signature))
        .await;
    assert_eq!(response.status(), 200);
}
