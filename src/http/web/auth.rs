//! Sign in with Slack: `GET /auth/slack` sends the person to Slack with a fresh `state` and
//! `nonce` kept in a short-lived signed cookie; `GET /auth/slack/callback` checks the `state`,
//! exchanges the code, checks the `id_token` and the workspace, and starts the session;
//! `POST /auth/signout` ends it.
//!
//! Cross-site requests: the session cookie is `SameSite=Lax`, so browsers leave it off POSTs
//! from other sites, and sign-out (the one POST) cannot be forged from elsewhere; the callback is
//! a top-level GET, which Lax allows, and is guarded by `state` instead.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;

use super::cookies::{
    SESSION_COOKIE, SESSION_LENGTH, SIGN_IN_COOKIE, SIGN_IN_WINDOW, Session, SignInAttempt,
};
use super::pages;
use super::{WebState, html, off};
use crate::http::HttpState;
use crate::slack::oidc::{self, Authorize, Exchange, Person};

/// Where the sign-in cookie is sent: the start and the callback only.
const SIGN_IN_PATH: &str = "/auth/slack";

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    return_to: Option<String>,
}

/// `GET /auth/slack`: off to Slack's authorize page.
pub async fn start(State(http): State<HttpState>, Query(query): Query<StartQuery>) -> Response {
    let Some(web) = &http.web else {
        return off();
    };
    let attempt = SignInAttempt {
        state: random_token(),
        nonce: random_token(),
        return_to: return_path(query.return_to.as_deref()),
        expires_at: http.app.clock.now() + SIGN_IN_WINDOW,
    };
    let redirect_uri = web.config.redirect_uri();
    let authorize = oidc::authorize_url(
        &web.config.oauth_url,
        &Authorize {
            client_id: &web.config.client_id,
            redirect_uri: &redirect_uri,
            state: &attempt.state,
            nonce: &attempt.nonce,
        },
    );
    let cookie = web
        .cookies
        .seal(SIGN_IN_COOKIE, SIGN_IN_PATH, &attempt, SIGN_IN_WINDOW);
    redirect(authorize.as_str(), [cookie])
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/slack/callback`: Slack sends the person back here with a code (or an error).
pub async fn callback(
    State(http): State<HttpState>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(web) = &http.web else {
        return off();
    };
    let forget_attempt = web.cookies.clear(SIGN_IN_COOKIE, SIGN_IN_PATH);
    let now = http.app.clock.now();
    let attempt = web.cookies.returning::<SignInAttempt>(
        &headers,
        SIGN_IN_COOKIE,
        query.state.as_deref(),
        now,
    );
    let Some(attempt) = attempt else {
        return refused(
            StatusCode::BAD_REQUEST,
            forget_attempt,
            "Sign-in not recognised",
            "This sign-in was not started from this browser, or took longer than ten minutes. Please start again.",
        );
    };
    let code = match (&query.code, &query.error) {
        (Some(code), None) => code,
        _ => {
            return refused(
                StatusCode::BAD_REQUEST,
                forget_attempt,
                "Sign-in cancelled",
                "Slack did not sign you in (the sign-in was cancelled or refused).",
            );
        }
    };
    let Confirmed {
        person,
        access_token,
    } = match confirm(web, &attempt, code).await {
        Ok(confirmed) => confirmed,
        Err(refusal) => return refusal.into_response_with(forget_attempt),
    };
    let workspaces = &http.app.workspaces;
    match workspaces.bot_in(&person.team_id).await {
        Some(_) => {}
        None if !workspaces.waiting_for_slack() => {
            tracing::info!(team_id = %person.team_id, "sign-in refused: another workspace");
            return refused(
                StatusCode::FORBIDDEN,
                forget_attempt,
                "Not this workspace",
                "This archive belongs to the Slack workspaces Arch Hour is installed in, and yours is not one of them. Sign in with your account in a workspace where Arch Hour runs.",
            );
        }
        None => {
            return refused(
                StatusCode::SERVICE_UNAVAILABLE,
                forget_attempt,
                "Not ready yet",
                "archhour has not reached Slack yet, so it cannot tell which workspace it serves. Try again in a minute.",
            );
        }
    }
    // The name Slack shows now; the id_token's, should userInfo not answer.
    let name = match oidc::user_name(&web.api_url, &access_token, web.timeout).await {
        Ok(Some(name)) if !name.is_empty() => name,
        _ => person.name,
    };
    let session = Session {
        user_id: person.user_id.to_string(),
        team_id: person.team_id.to_string(),
        name,
        expires_at: now + SESSION_LENGTH,
    };
    let session_cookie = web
        .cookies
        .seal(SESSION_COOKIE, "/", &session, SESSION_LENGTH);
    redirect(&attempt.return_to, [session_cookie, forget_attempt])
}

/// `POST /auth/signout`: forgets the session.
pub async fn sign_out(State(http): State<HttpState>) -> Response {
    let Some(web) = &http.web else {
        return off();
    };
    let forget = web.cookies.clear(SESSION_COOKIE, "/");
    (
        AppendHeaders([(header::SET_COOKIE, forget)]),
        html(StatusCode::OK, pages::signed_out()),
    )
        .into_response()
}

/// The person Slack vouched for, with their token (for `openid.connect.userInfo`).
struct Confirmed {
    person: Person,
    access_token: secrecy::SecretString,
}

/// Why Slack's answer did not confirm the sign-in: a status and a short page.
struct Refusal {
    status: StatusCode,
    title: &'static str,
    explanation: &'static str,
}

impl Refusal {
    fn into_response_with(self, cookie: HeaderValue) -> Response {
        refused(self.status, cookie, self.title, self.explanation)
    }
}

/// Exchanges the code and checks the `id_token` against this sign-in.
async fn confirm(
    web: &WebState,
    attempt: &SignInAttempt,
    code: &str,
) -> Result<Confirmed, Refusal> {
    let redirect_uri = web.config.redirect_uri();
    let exchange = Exchange {
        api_url: &web.api_url,
        client_id: &web.config.client_id,
        client_secret: &web.config.client_secret,
        redirect_uri: &redirect_uri,
        timeout: web.timeout,
    };
    let tokens = oidc::exchange_code(&exchange, code)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "sign-in: openid.connect.token failed");
            Refusal {
                status: StatusCode::BAD_GATEWAY,
                title: "Slack did not confirm the sign-in",
                explanation: "Slack did not confirm who you are. Please start again.",
            }
        })?;
    let person = oidc::check_id_token(&tokens.claims, &web.config.client_id, &attempt.nonce)
        .map_err(|mismatch| {
            tracing::warn!(%mismatch, "sign-in: the id_token does not match this sign-in");
            Refusal {
                status: StatusCode::BAD_REQUEST,
                title: "Sign-in not recognised",
                explanation: "Slack's answer does not belong to this sign-in. Please start again.",
            }
        })?;
    Ok(Confirmed {
        person,
        access_token: tokens.access_token,
    })
}

fn refused(status: StatusCode, cookie: HeaderValue, title: &str, explanation: &str) -> Response {
    (
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        html(status, pages::refusal(title, explanation)),
    )
        .into_response()
}

/// 303 See Other to `to`, setting `cookies`.
fn redirect<const N: usize>(to: &str, cookies: [HeaderValue; N]) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/archive"));
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location)],
        AppendHeaders(cookies.map(|cookie| (header::SET_COOKIE, cookie))),
    )
        .into_response()
}

/// 32 random bytes in hex: a `state` or `nonce` no one can guess.
fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Where to go once signed in: an archive page on this site, never elsewhere (an open redirect
/// would let a link through our sign-in land on someone else's site).
fn return_path(asked: Option<&str>) -> String {
    match asked {
        Some(path)
            if (path == "/archive" || path.starts_with("/archive/"))
                && !path.contains("//")
                && !path.contains('\\') =>
        {
            path.to_string()
        }
        _ => "/archive".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_archive_pages_are_returned_to() {
        assert_eq!(return_path(Some("/archive/C1")), "/archive/C1");
        assert_eq!(return_path(Some("/archive")), "/archive");
        for elsewhere in [
            "https://evil.example/",
            "//evil.example/archive",
            "/archive//evil.example",
            "/archived",
            "/healthz",
            "/archive/\\evil",
        ] {
            assert_eq!(return_path(Some(elsewhere)), "/archive", "{elsewhere}");
        }
        assert_eq!(return_path(None), "/archive");
    }
}
