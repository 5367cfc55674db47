//! The HTTP surface: Slack's three endpoints, health and metrics, the calendar feeds, the
//! digest's chart images, and the web archive.

mod calendar;
mod charts;
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

/// Where `/metrics` is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsRoute {
    /// Beside Slack's endpoints, on the one listener.
    Here,
    /// On the listener of `ARCHHOUR_METRICS_ADDR` ([`metrics_router`]), so a proxy in front of
    /// `/slack/*` need not hide it.
    Elsewhere,
}

/// The app's routes (DESIGN §1 and §7: contract paths): Slack's endpoints, `/healthz`, and
/// `/metrics` when it is served `Here`.
/// Slack's three endpoints are there only when Slack calls us over HTTP; in Socket Mode its
/// traffic arrives over the socket instead.
pub fn router(state: HttpState, metrics: MetricsRoute) -> Router {
    let slack_routes = if state.signing_secret.is_some() {
        Router::new()
            .route("/slack/commands", post(slack::commands))
            .route("/slack/events", post(slack::events))
            .route("/slack/interactions", post(slack::interactions))
    } else {
        Router::new()
    };
    let routes = slack_routes
        .route("/healthz", get(ops::healthz))
        .route("/calendar/{file}", get(calendar::feed))
        .route("/charts/{file}", get(charts::image))
        .merge(web::routes());
    let routes = match metrics {
        MetricsRoute::Here => routes.route("/metrics", get(ops::metrics)),
        MetricsRoute::Elsewhere => routes,
    };
    tracked(routes, state)
}

/// The routes of the metrics listener (`ARCHHOUR_METRICS_ADDR`): `/metrics` and `/healthz`.
pub fn metrics_router(state: HttpState) -> Router {
    let routes = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics));
    tracked(routes, state)
}

/// `routes` with the body limit, and each request counted, timed and logged in its span.
fn tracked(routes: Router<HttpState>, state: HttpState) -> Router {
    routes
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.app.clone(),
            track::track_requests,
        ))
        .with_state(state)
}
