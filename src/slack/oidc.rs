//! Sign in with Slack (OpenID Connect, code flow): the authorize address people are sent to,
//! `openid.connect.token` that exchanges the code Slack hands back, the `id_token` it answers
//! with, and `openid.connect.userInfo`.
//!
//! The `id_token`'s signature is not checked against Slack's keys (JWKS). The token never
//! passes through the browser: archhour receives it in the answer to its own POST to
//! `openid.connect.token`, made over TLS to Slack with the client secret, in exchange for a
//! single-use code. OpenID Connect Core §3.1.3.7 allows exactly this: "If the ID Token is
//! received via direct communication between the Client and the Token Endpoint (which it is in
//! this flow), the TLS server validation MAY be used to validate the issuer in place of checking
//! the token signature." Checking it anyway would mean fetching and caching Slack's keys and a
//! JWT crate, to guard against an attacker who could already read our TLS traffic to Slack. The
//! claims that bind the token to this sign-in are still checked: the audience (our client id)
//! and the nonce archhour chose for it ([`check_id_token`]).

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, header};
use base64::Engine;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::api::{CallError, https_connector};
use crate::domain::ids::{TeamId, UserId};

/// The scopes Sign in with Slack asks for (user scopes, listed in `manifest.yml`).
pub const SCOPES: &str = "openid profile email";

/// What the authorize address carries.
#[derive(Debug, Clone)]
pub struct Authorize<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a Url,
    pub state: &'a str,
    pub nonce: &'a str,
}

/// Where to send a person to sign in: `openid/connect/authorize` under `oauth_url`
/// (`SLACK_OAUTH_URL`).
pub fn authorize_url(oauth_url: &Url, request: &Authorize<'_>) -> Url {
    let mut url = oauth_url
        .join("openid/connect/authorize")
        .unwrap_or_else(|_| oauth_url.clone());
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES)
        .append_pair("client_id", request.client_id)
        .append_pair("state", request.state)
        .append_pair("nonce", request.nonce)
        .append_pair("redirect_uri", request.redirect_uri.as_str());
    url
}

/// The claims of Slack's `id_token` archhour reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IdClaims {
    pub aud: String,
    pub nonce: Option<String>,
    #[serde(rename = "https://slack.com/user_id")]
    pub user_id: String,
    #[serde(rename = "https://slack.com/team_id")]
    pub team_id: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// What `openid.connect.token` answered: the person's token and the `id_token`'s claims.
#[derive(Debug)]
pub struct Tokens {
    pub access_token: SecretString,
    pub claims: IdClaims,
}

/// Who signed in, once the `id_token` is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user_id: UserId,
    pub team_id: TeamId,
    pub name: String,
}

/// Why an `id_token` does not belong to this sign-in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenMismatch {
    #[error("the id_token was issued to another app ({0})")]
    Audience(String),
    #[error("the id_token's nonce is not the one this sign-in chose")]
    Nonce,
}

/// Checks that the claims are for this app and this sign-in (its `nonce`).
pub fn check_id_token(
    claims: &IdClaims,
    client_id: &str,
    nonce: &str,
) -> Result<Person, TokenMismatch> {
    if claims.aud != client_id {
        return Err(TokenMismatch::Audience(claims.aud.clone()));
    }
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(TokenMismatch::Nonce);
    }
    Ok(Person {
        user_id: UserId::from(claims.user_id.as_str()),
        team_id: TeamId::from(claims.team_id.as_str()),
        name: claims.name.clone().unwrap_or_default(),
    })
}

/// The claims in a JWT's payload (its middle part, base64url), unverified: see the module's
/// docs for why that is enough here.
pub fn id_claims(id_token: &str) -> Result<IdClaims, String> {
    let payload = id_token
        .split('.')
        .nth(1)
        .ok_or("the id_token is not a JWT")?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| format!("the id_token's payload is not base64url: {e}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("the id_token's claims: {e}"))
}

/// The code exchange: what Slack needs besides the code.
#[derive(Debug)]
pub struct Exchange<'a> {
    pub api_url: &'a Url,
    pub client_id: &'a str,
    pub client_secret: &'a SecretString,
    pub redirect_uri: &'a Url,
    pub timeout: Duration,
}

/// `openid.connect.token`: the code for the person's token and `id_token`.
pub async fn exchange_code(exchange: &Exchange<'_>, code: &str) -> Result<Tokens, CallError> {
    let form = serde_urlencoded::to_string([
        ("client_id", exchange.client_id),
        ("client_secret", exchange.client_secret.expose_secret()),
        ("code", code),
        ("grant_type", "authorization_code"),
        ("redirect_uri", exchange.redirect_uri.as_str()),
    ])
    .map_err(|e| unreadable(format!("encoding the code exchange: {e}")))?;
    let answer = call(
        exchange.api_url,
        "openid.connect.token",
        None,
        form,
        exchange.timeout,
    )
    .await?;
    let text = |name: &str| answer[name].as_str().map(str::to_string);
    let access_token = text("access_token").ok_or_else(|| unreadable("no access_token".into()))?;
    let id_token = text("id_token").ok_or_else(|| unreadable("no id_token".into()))?;
    Ok(Tokens {
        access_token: access_token.into(),
        claims: id_claims(&id_token).map_err(unreadable)?,
    })
}

/// `openid.connect.userInfo`: the person's name as Slack shows it now.
pub async fn user_name(
    api_url: &Url,
    access_token: &SecretString,
    timeout: Duration,
) -> Result<Option<String>, CallError> {
    let answer = call(
        api_url,
        "openid.connect.userInfo",
        Some(access_token),
        String::new(),
        timeout,
    )
    .await?;
    Ok(answer["name"].as_str().map(str::to_string))
}

pub(super) fn unreadable(reason: String) -> CallError {
    CallError::Retryable {
        reason,
        retry_after: None,
        maybe_sent: true,
    }
}

/// POSTs a form to a Web API method and returns Slack's answer when `ok` (the OAuth v2
/// install's `oauth.v2.access` too).
pub(super) async fn call(
    api_url: &Url,
    method: &str,
    token: Option<&SecretString>,
    form: String,
    timeout: Duration,
) -> Result<serde_json::Value, CallError> {
    let connector = https_connector().map_err(|e| unreadable(format!("{e:#}")))?;
    let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build(connector);
    let url = format!("{}/{method}", api_url.as_str().trim_end_matches('/'));
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(&url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(token) = token {
        request = request.header(
            header::AUTHORIZATION,
            format!("Bearer {}", token.expose_secret()),
        );
    }
    let request = request
        .body(Body::from(form))
        .map_err(|e| unreadable(format!("building {method}: {e}")))?;
    let answered = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| unreadable(format!("{method}: {e}")))?;
        let status = response.status();
        let body = axum::body::to_bytes(Body::new(response.into_body()), 1 << 20)
            .await
            .map_err(|e| unreadable(format!("reading {method}'s answer: {e}")))?;
        Ok::<_, CallError>((status, body))
    };
    let (status, body) = tokio::time::timeout(timeout, answered)
        .await
        .map_err(|_| unreadable(format!("no answer to {method} within {timeout:?}")))??;
    if !status.is_success() {
        return Err(unreadable(format!(
            "{method}: Slack answered HTTP {status}"
        )));
    }
    let answer: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| unreadable(format!("{method} answered something else than JSON: {e}")))?;
    if answer["ok"] != true {
        return Err(CallError::refused(
            answer["error"].as_str().unwrap_or("unknown_error"),
        ));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &serde_json::Value) -> String {
        let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        format!(
            "{}.{}.{}",
            encode(br#"{"alg":"RS256","typ":"JWT"}"#),
            encode(claims.to_string().as_bytes()),
            encode(b"signature")
        )
    }

    fn claims(nonce: &str) -> IdClaims {
        id_claims(&jwt(&serde_json::json!({
            "iss": "https://slack.com", "sub": "U0R7MFMJM", "aud": "25259531569.11152291",
            "nonce": nonce, "https://slack.com/user_id": "U0R7MFMJM",
            "https://slack.com/team_id": "T0RR", "name": "brent", "email": "b@example.com"
        })))
        .expect("claims decode")
    }

    #[test]
    fn the_claims_name_the_person_and_the_workspace() {
        let person = check_id_token(&claims("n-1"), "25259531569.11152291", "n-1").expect("ok");
        assert_eq!(
            person,
            Person {
                user_id: UserId::from("U0R7MFMJM"),
                team_id: TeamId::from("T0RR"),
                name: "brent".into(),
            }
        );
    }

    #[test]
    fn a_token_for_another_sign_in_or_app_is_refused() {
        assert_eq!(
            check_id_token(&claims("n-1"), "25259531569.11152291", "n-2"),
            Err(TokenMismatch::Nonce)
        );
        assert_eq!(
            check_id_token(&claims("n-1"), "other-app", "n-1"),
            Err(TokenMismatch::Audience("25259531569.11152291".into()))
        );
        assert!(id_claims("not-a-jwt").is_err());
    }

    #[test]
    fn the_authorize_address_carries_the_openid_scopes_state_and_nonce() {
        let redirect = Url::parse("https://archhour.example.com/auth/slack/callback").unwrap();
        let url = authorize_url(
            &Url::parse("https://slack.com/").unwrap(),
            &Authorize {
                client_id: "123.456",
                redirect_uri: &redirect,
                state: "s1",
                nonce: "n1",
            },
        );
        assert_eq!(
            url.as_str(),
            "https://slack.com/openid/connect/authorize?response_type=code&scope=openid+profile+email\
             &client_id=123.456&state=s1&nonce=n1\
             &redirect_uri=https%3A%2F%2Farchhour.example.com%2Fauth%2Fslack%2Fcallback"
        );
    }
}
