//! The HTTP surface: Slack's three endpoints, health and metrics, and the web archive.

mod ops;
mod slack;
mod track;
pub mod web;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::{get, post};
use secrecy::SecretString;

use crate::socket::health::SocketHealth;
use crate::usecases::AppState;

/// Bodies larger than this are refused with 413 before anything reads them.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the HTTP handlers share: the use cases' state, and what only this transport needs.
#[derive(Debug, Clone)]
pub struct HttpState {
    pub app: AppState,
    /// Verifies requests to `/slack/*`; `None` in Socket Mode, where those routes are absent.
    pub signing_secret: Option<Arc<SecretString>>,
    /// Socket Mode's connection state, for `/healthz`; `None` over HTTP.
    pub socket: Option<Arc<SocketHealth>>,
    /// The web archive's settings and state; `None` while it is off.
    pub web: Option<Arc<web::WebState>>,
}

impl FromRef<HttpState> for AppState {
    fn from_ref(state: &HttpState) -> AppState {
        state.app.clone()
    }
}

/// The app's routes (DESIGN §1 and §7: contract paths).
/// Slack's three endpoints are there only when Slack calls us over HTTP; in Socket Mode its
/// traffic arrives over the socket instead.
pub fn router(state: HttpState) -> Router {
    let slack_routes = if state.signing_secret.is_some() {
        Router::new()
            .route("/slack/commands", post(slack::commands))
            .route("/slack/events", post(slack::events))
            .route("/slack/interactions", post(slack::interactions))
    } else {
        Router::new()
    };
    slack_routes
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .merge(web::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.app.clone(),
            track::track_requests,
        ))
        .with_state(state)
}
