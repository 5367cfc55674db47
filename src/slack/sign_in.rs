//! Signing in to Slack at start: `auth.test` made by hand rather than through slack-morphism,
//! because Slack's answer carries the token's granted scopes in its `x-oauth-scopes` header,
//! which the client library does not expose. A token Slack refuses stops the bot; scopes the
//! manifest asks for and the token lacks are named once.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, header};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::api::{CallError, https_connector};
use super::call::SlackMethod;
use super::identity::BotIdentity;
use crate::domain::ids::{TeamId, UserId};

/// Slack's answers to `auth.test` that mean the token itself is no good: no retry can help.
pub const REFUSED_TOKEN: [&str; 4] = [
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "not_authed",
];

/// Who the bot is, and the scopes its token was granted (when Slack said).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub identity: BotIdentity,
    pub scopes: Option<BTreeSet<String>>,
}

/// Calls `auth.test` with `token` at `api_url`, waiting at most `timeout`.
pub async fn sign_in(
    api_url: &Url,
    token: &SecretString,
    timeout: Duration,
) -> Result<SignedIn, CallError> {
    let retry = |reason: String| CallError::Retryable {
        reason,
        retry_after: None,
        maybe_sent: false,
    };
    let connector = https_connector().map_err(|e| retry(format!("{e:#}")))?;
    let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build(connector);
    let url = format!("{}/auth.test", api_url.as_str().trim_end_matches('/'));
    let request = Request::builder()
        .method(Method::POST)
        .uri(&url)
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", token.expose_secret()),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .map_err(|e| retry(format!("building auth.test: {e}")))?;
    let answered = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| retry(format!("auth.test: {e}")))?;
        let status = response.status();
        let scopes = response
            .headers()
            .get("x-oauth-scopes")
            .and_then(|value| value.to_str().ok())
            .map(parse_scopes);
        let body = axum::body::to_bytes(Body::new(response.into_body()), 1 << 20)
            .await
            .map_err(|e| retry(format!("reading auth.test's answer: {e}")))?;
        Ok::<_, CallError>((status, scopes, body))
    };
    let (status, scopes, body) = tokio::time::timeout(timeout, answered)
        .await
        .map_err(|_| retry(format!("no answer to auth.test within {timeout:?}")))??;
    if !status.is_success() {
        return Err(retry(format!("auth.test: Slack answered HTTP {status}")));
    }
    let answer: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| retry(format!("auth.test answered something else than JSON: {e}")))?;
    if answer["ok"] != true {
        let code = answer["error"].as_str().unwrap_or("unknown_error");
        return Err(CallError::refused(code));
    }
    let text = |name: &str| answer[name].as_str().unwrap_or_default().to_string();
    Ok(SignedIn {
        identity: BotIdentity {
            user_id: UserId::from(text("user_id")),
            bot_id: answer["bot_id"].as_str().map(str::to_string),
            team_id: TeamId::from(text("team_id")),
            url: text("url"),
        },
        scopes,
    })
}

/// `chat:write,commands` → the set of scopes.
fn parse_scopes(header: &str) -> BTreeSet<String> {
    header
        .split(',')
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every bot scope the code relies on: each Web API method's, and the slash command's.
pub fn needed_scopes() -> BTreeSet<&'static str> {
    SlackMethod::ALL
        .iter()
        .flat_map(|method| method.scopes().iter().copied())
        .chain(["commands"])
        .collect()
}

/// The needed scopes `granted` lacks, in order.
pub fn missing_scopes(granted: &BTreeSet<String>) -> Vec<&'static str> {
    needed_scopes()
        .into_iter()
        .filter(|scope| !granted.contains(*scope))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_scopes_are_the_needed_ones_not_granted() {
        let granted = parse_scopes("commands, chat:write,chat:write.public,reactions:read");
        let missing = missing_scopes(&granted);
        assert!(missing.contains(&"channels:join"));
        assert!(missing.contains(&"users:read"));
        assert!(!missing.contains(&"chat:write"));
        assert!(!missing.contains(&"commands"));
        let everything: BTreeSet<String> =
            needed_scopes().into_iter().map(str::to_string).collect();
        assert!(missing_scopes(&everything).is_empty());
    }
}
