//! The fake Slack's "Add to Slack" (OAuth v2): the authorize page, which sends the browser
//! straight back to `redirect_uri` with a code and the `state` for the workspace the test
//! chose, and `oauth.v2.access`, which refuses a code Slack would not exchange
//! (`fake_oauth_codes.rs`). The bot tokens it hands out are accepted by the Web API until the test
//! uninstalls the app from their workspace, after which they answer `token_revoked`.
//! `oauth.v2.access`'s answer has the shape of the example in Slack's documentation.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::codes::Codes;
use super::oidc::CLIENT_ID;
use super::{RecordedCall, Recorder, arguments};

/// The app id `oauth.v2.access` reports.
pub const APP_ID: &str = "A0ARCHHOUR";

/// A workspace the app is installed in at the fake's authorize page, and who approves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installer {
    pub team_id: String,
    pub enterprise_id: Option<String>,
    pub user_id: String,
}

impl Installer {
    pub fn new(team_id: &str, user_id: &str) -> Installer {
        Installer {
            team_id: team_id.into(),
            enterprise_id: None,
            user_id: user_id.into(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Installs {
    /// Who approves at the authorize page.
    pub installing: Option<Installer>,
    codes: Codes<Installer>,
    /// The bot tokens handed out, and their workspace.
    pub tokens: HashMap<String, String>,
    /// Tokens of workspaces the app was uninstalled from.
    pub revoked: HashSet<String>,
    issued: u64,
}

impl Installs {
    /// The workspace of a bot token the fake handed out and has not revoked.
    pub fn team_of(&self, token: &str) -> Option<&str> {
        self.tokens
            .get(token)
            .filter(|_| !self.revoked.contains(token))
            .map(String::as_str)
    }
}

type Shared = State<Arc<Mutex<Recorder>>>;

/// `GET /oauth/v2/authorize`: the installer the test chose approves at once.
pub(super) async fn authorize(
    State(recorder): Shared,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut recorder = recorder.lock().expect("fake Slack lock");
    recorder.calls.push(RecordedCall {
        method: "oauth/v2/authorize".into(),
        token: None,
        args: json!(query),
        succeeded: true,
    });
    let arg = |name: &str| query.get(name).cloned().unwrap_or_default();
    if arg("client_id") != CLIENT_ID {
        return (StatusCode::BAD_REQUEST, "invalid_client_id").into_response();
    }
    if !arg("scope").split(',').any(|scope| scope == "commands") {
        return (StatusCode::BAD_REQUEST, "invalid_scope").into_response();
    }
    let Some(installer) = recorder.installs.installing.clone() else {
        return (StatusCode::BAD_REQUEST, "the test chose no one to install").into_response();
    };
    recorder.installs.codes.hand_out(
        "install-code",
        installer,
        &arg("redirect_uri"),
        &arg("state"),
    )
}

/// `oauth.v2.access`: a code for the workspace's bot token.
pub(super) async fn access(
    State(recorder): Shared,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let args = arguments(&headers, query.as_deref(), &body);
    let mut recorder = recorder.lock().expect("fake Slack lock");
    let answer = exchange(&mut recorder.installs, &args);
    recorder.calls.push(RecordedCall {
        method: "oauth.v2.access".into(),
        token: None,
        args,
        succeeded: answer["ok"] == true,
    });
    axum::Json(answer).into_response()
}

fn exchange(installs: &mut Installs, args: &Value) -> Value {
    let installer = match installs.codes.redeem(args) {
        Ok(installer) => installer,
        Err(refusal) => return refusal,
    };
    installs.issued += 1;
    let token = format!("xoxb-{}-{}", installer.team_id, installs.issued);
    installs
        .tokens
        .insert(token.clone(), installer.team_id.clone());
    json!({
        "ok": true, "access_token": token, "token_type": "bot",
        "scope": archhour::slack::install::bot_scopes(),
        "bot_user_id": bot_user_of(&installer.team_id), "app_id": APP_ID,
        "team": {"name": format!("Team {}", installer.team_id), "id": installer.team_id},
        "enterprise": installer.enterprise_id.as_ref().map(|id| json!({"name": "Grid", "id": id})),
        "authed_user": {"id": installer.user_id},
        "is_enterprise_install": false
    })
}

/// The bot's user id in a workspace: `UBOT` in T1, as `auth.test` has always said, `UBOT_T2`
/// elsewhere.
pub fn bot_user_of(team: &str) -> String {
    if team == "T1" {
        "UBOT".into()
    } else {
        format!("UBOT_{team}")
    }
}
