//! The web archive and Sign in with Slack (DESIGN §7, "The web"): `GET /archive` and a
//! channel's pages (one module each: `channel`, `meeting`, `topic`, `search`, `challenges`), and
//! `GET /auth/slack`, `GET /auth/slack/callback`, `POST /auth/signout`; and "Add to Slack",
//! `GET /slack/install` and `GET /slack/oauth_redirect` (`install`). Without the web settings
//! each of them answers a short page saying the archive is off.

mod archive;
mod auth;
pub mod challenges;
pub mod channel;
pub mod cookies;
mod guard;
mod install;
pub mod meeting;
pub mod pages;
pub mod search;
pub mod topic;

use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use url::Url;

use super::HttpState;
use crate::config::WebConfig;
use crate::slack::token_cipher::TokenCipher;
use crate::usecases::archive::ChannelAccess;
use cookies::Cookies;

/// What the archive's handlers share.
#[derive(Debug)]
pub struct WebState {
    pub config: WebConfig,
    pub cookies: Cookies,
    /// `SLACK_API_URL`, where `openid.connect.token` and `openid.connect.userInfo` are.
    pub api_url: Url,
    /// How long a call to Slack may take.
    pub timeout: Duration,
    pub access: ChannelAccess,
    /// Seals the bot tokens "Add to Slack" installs hand over.
    pub tokens: TokenCipher,
}

impl WebState {
    pub fn new(config: WebConfig, api_url: Url, timeout: Duration) -> WebState {
        WebState {
            cookies: Cookies::new(config.secret_key_bytes(), config.secure_cookies()),
            tokens: TokenCipher::new(
                config.secret_key_bytes(),
                config.previous_secret_key_bytes(),
            ),
            config,
            api_url,
            timeout,
            access: ChannelAccess::default(),
        }
    }
}

/// The archive's routes.
pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/archive", get(archive::index))
        .route("/archive/{channel}", get(channel::show))
        .route("/archive/{channel}/search", get(search::show))
        .route("/archive/{channel}/challenges", get(challenges::show))
        .route("/archive/{channel}/topics/{number}", get(topic::show))
        .route("/archive/{channel}/{day}", get(meeting::show))
        .route("/auth/slack", get(auth::start))
        .route("/auth/slack/callback", get(auth::callback))
        .route("/auth/signout", post(auth::sign_out))
        .route("/slack/install", get(install::start))
        .route("/slack/oauth_redirect", get(install::redirect))
}

/// A page as a response, never cached: each one is for one person.
fn html(status: StatusCode, markup: maud::Markup) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(markup.into_string()),
    )
        .into_response()
}

/// What every web route answers while the archive is off: 404, with the page saying how to
/// turn it on.
fn off() -> Response {
    html(StatusCode::NOT_FOUND, pages::archive_off())
}
