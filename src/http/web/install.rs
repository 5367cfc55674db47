//! "Add to Slack", the OAuth v2 install (DESIGN §7, "The web"): `GET /slack/install` sends the
//! installer to Slack's authorize page with a fresh `state` kept in a short-lived signed cookie
//! (so the redirect must come back to the browser that started it, within ten minutes);
//! `GET /slack/oauth_redirect` checks that `state`, forgets it (the cookie is cleared, and
//! Slack's code is good for one exchange), exchanges the code with `oauth.v2.access` and
//! records the installation, its bot token sealed. A forged, missing or expired `state` gets a
//! short 400 page and nothing is stored.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;

use super::cookies::{INSTALL_COOKIE, InstallAttempt, SIGN_IN_WINDOW};
use super::{WebState, html, off, pages};
use crate::http::HttpState;
use crate::slack::install::{self, Installed};
use crate::slack::oidc::Exchange;
use crate::usecases::installs;

/// Where the install cookie is sent: the start and the redirect only.
const INSTALL_PATH: &str = "/slack";

/// `GET /slack/install`: off to Slack's authorize page, asking for the bot scopes.
pub async fn start(State(http): State<HttpState>) -> Response {
    let Some(web) = &http.web else {
        return off();
    };
    let attempt = InstallAttempt {
        state: hex::encode(rand::random::<[u8; 32]>()),
        expires_at: http.app.clock.now() + SIGN_IN_WINDOW,
    };
    let authorize = install::authorize_url(
        &web.config.oauth_url,
        &web.config.client_id,
        &web.config.install_redirect_uri(),
        &attempt.state,
    );
    let cookie = web
        .cookies
        .seal(INSTALL_COOKIE, INSTALL_PATH, &attempt, SIGN_IN_WINDOW);
    let location = HeaderValue::from_str(authorize.as_str())
        .unwrap_or(HeaderValue::from_static("/slack/install"));
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location)],
        AppendHeaders([(header::SET_COOKIE, cookie)]),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct RedirectQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /slack/oauth_redirect`: Slack sends the installer back here with a code (or an error).
pub async fn redirect(
    State(http): State<HttpState>,
    headers: HeaderMap,
    Query(query): Query<RedirectQuery>,
) -> Response {
    let Some(web) = &http.web else {
        return off();
    };
    let forget_attempt = web.cookies.clear(INSTALL_COOKIE, INSTALL_PATH);
    let now = http.app.clock.now();
    let started_here = web
        .cookies
        .returning::<InstallAttempt>(&headers, INSTALL_COOKIE, query.state.as_deref(), now)
        .is_some();
    let answer = |status, title, explanation| {
        (
            AppendHeaders([(header::SET_COOKIE, forget_attempt.clone())]),
            html(status, pages::install_refused(title, explanation)),
        )
            .into_response()
    };
    if !started_here {
        tracing::info!("install refused: its state is missing, forged or expired");
        return answer(
            StatusCode::BAD_REQUEST,
            "Install not recognised",
            "This install was not started from this browser, or took longer than ten minutes. Nothing was installed; please start again.",
        );
    }
    let (Some(code), None) = (&query.code, &query.error) else {
        return answer(
            StatusCode::BAD_REQUEST,
            "Install cancelled",
            "Slack did not install Arch Hour (the install was cancelled or refused).",
        );
    };
    let installed = match exchange(web, code).await {
        Ok(installed) => installed,
        Err(error) => {
            tracing::warn!(%error, "install: oauth.v2.access failed");
            return answer(
                StatusCode::BAD_GATEWAY,
                "Slack did not confirm the install",
                "Slack did not hand over the workspace's token. Nothing was installed; please start again.",
            );
        }
    };
    let recorded = installs::record(&http.app.db, &web.tokens, &installed, now).await;
    // This process acts with the new token at once (others within a minute).
    http.app.workspaces.forget(&installed.team_id);
    if let Err(error) = recorded {
        tracing::error!(error = format!("{error:#}"), "install: recording it failed");
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "Install not recorded",
            "Slack approved the install but archhour could not record it. Please start again in a minute.",
        );
    }
    (
        AppendHeaders([(header::SET_COOKIE, forget_attempt)]),
        html(StatusCode::OK, pages::installed(installed.team_id.as_str())),
    )
        .into_response()
}

/// `oauth.v2.access` with the app's credentials and the redirect the authorize page was given.
async fn exchange(web: &WebState, code: &str) -> Result<Installed, crate::slack::api::CallError> {
    let redirect_uri = web.config.install_redirect_uri();
    let exchange = Exchange {
        api_url: &web.api_url,
        client_id: &web.config.client_id,
        client_secret: &web.config.client_secret,
        redirect_uri: &redirect_uri,
        timeout: web.timeout,
    };
    let mut installed = install::exchange_code(&exchange, code).await?;
    let signed =
        crate::slack::sign_in::sign_in(&web.api_url, &installed.bot_token, web.timeout).await?;
    installed.team_url = Some(signed.identity.url);
    Ok(installed)
}
