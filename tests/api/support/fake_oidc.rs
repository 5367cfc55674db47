//! The fake Slack's Sign in with Slack: the authorize page, which sends the browser straight
//! back to `redirect_uri` with a code and the `state` for the person the test chose, and
//! `openid.connect.token` and `openid.connect.userInfo`, which refuse what Slack refuses: a code
//! Slack would not exchange (`fake_oauth_codes.rs`), and a token it never issued
//! (`invalid_auth`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

use super::codes::Codes;
use super::{RecordedCall, Recorder, arguments};

/// The Slack app's client id and secret the fake knows.
pub const CLIENT_ID: &str = "1111.2222";
pub const CLIENT_SECRET: &str = "fake-client-secret";

/// Someone who signs in at the fake's authorize page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackPerson {
    pub user_id: String,
    pub team_id: String,
    pub name: String,
}

impl SlackPerson {
    pub fn new(user_id: &str, team_id: &str, name: &str) -> SlackPerson {
        SlackPerson {
            user_id: user_id.into(),
            team_id: team_id.into(),
            name: name.into(),
        }
    }
}

/// What a code of the authorize page is for: the person, and the client's nonce.
#[derive(Debug, Clone)]
struct SigningIn {
    person: SlackPerson,
    nonce: Option<String>,
}

#[derive(Debug, Default)]
pub struct Oidc {
    /// Who signs in at the authorize page.
    pub signing_in: Option<SlackPerson>,
    codes: Codes<SigningIn>,
    /// The people's tokens `openid.connect.token` handed out.
    tokens: HashMap<String, SlackPerson>,
    issued: u64,
}

type Shared = State<Arc<Mutex<Recorder>>>;

/// `GET /openid/connect/authorize`: the person the test chose approves at once.
pub(super) async fn authorize(
    State(recorder): Shared,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut recorder = recorder.lock().expect("fake Slack lock");
    recorder.calls.push(RecordedCall {
        method: "openid/connect/authorize".into(),
        token: None,
        args: json!(query),
        succeeded: true,
    });
    let arg = |name: &str| query.get(name).cloned().unwrap_or_default();
    if arg("client_id") != CLIENT_ID || arg("response_type") != "code" {
        return (
            StatusCode::BAD_REQUEST,
            "invalid_client_id or response_type",
        )
            .into_response();
    }
    if !arg("scope").split(' ').any(|scope| scope == "openid") {
        return (StatusCode::BAD_REQUEST, "invalid_scope").into_response();
    }
    let Some(person) = recorder.oidc.signing_in.clone() else {
        return (StatusCode::BAD_REQUEST, "the test chose no one to sign in").into_response();
    };
    let signing_in = SigningIn {
        person,
        nonce: query.get("nonce").cloned(),
    };
    recorder
        .oidc
        .codes
        .hand_out("code", signing_in, &arg("redirect_uri"), &arg("state"))
}

/// `openid.connect.token`: a code for the person's token and an `id_token`.
pub(super) async fn token(
    State(recorder): Shared,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let args = arguments(&headers, query.as_deref(), &body);
    let mut recorder = recorder.lock().expect("fake Slack lock");
    let answer = exchange(&mut recorder.oidc, &args);
    recorder.calls.push(RecordedCall {
        method: "openid.connect.token".into(),
        token: None,
        args,
        succeeded: answer["ok"] == true,
    });
    axum::Json(answer).into_response()
}

fn exchange(oidc: &mut Oidc, args: &Value) -> Value {
    let issued = match oidc.codes.redeem(args) {
        Ok(issued) => issued,
        Err(refusal) => return refusal,
    };
    oidc.issued += 1;
    let access_token = format!("xoxp-oidc-{}", oidc.issued);
    oidc.tokens
        .insert(access_token.clone(), issued.person.clone());
    let person = &issued.person;
    let claims = json!({
        "iss": "https://slack.com", "sub": person.user_id, "aud": CLIENT_ID,
        "exp": 1_800_000_300, "iat": 1_800_000_000, "auth_time": 1_800_000_000,
        "nonce": issued.nonce,
        "https://slack.com/user_id": person.user_id,
        "https://slack.com/team_id": person.team_id,
        "name": person.name, "email": format!("{}@example.com", person.user_id.to_lowercase()),
    });
    json!({
        "ok": true, "access_token": access_token, "token_type": "Bearer",
        "id_token": jwt(&claims)
    })
}

/// A JWT with `claims`, signed with nothing a client could check (archhour does not).
fn jwt(claims: &Value) -> String {
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    format!(
        "{}.{}.{}",
        encode(br#"{"typ":"JWT","alg":"RS256","kid":"fake"}"#),
        encode(claims.to_string().as_bytes()),
        encode(b"fake-signature")
    )
}

/// `openid.connect.userInfo`: who the token belongs to.
pub(super) async fn user_info(State(recorder): Shared, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_string);
    let mut recorder = recorder.lock().expect("fake Slack lock");
    let person = token
        .as_ref()
        .and_then(|token| recorder.oidc.tokens.get(token))
        .cloned();
    recorder.calls.push(RecordedCall {
        method: "openid.connect.userInfo".into(),
        token,
        args: Value::Null,
        succeeded: person.is_some(),
    });
    let answer = match person {
        Some(person) => json!({
            "ok": true, "sub": person.user_id,
            "https://slack.com/user_id": person.user_id,
            "https://slack.com/team_id": person.team_id,
            "name": person.name, "email": format!("{}@example.com", person.user_id.to_lowercase()),
        }),
        None => json!({"ok": false, "error": "invalid_auth"}),
    };
    axum::Json(answer).into_response()
}
