//! `/healthz` and `/metrics`.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::HttpState;
use crate::store;
use crate::usecases::AppState;

/// 200 when the database answers within a second, Slack has told the bot who it is
/// (`auth.test`) and, in Socket Mode, the socket is connected; 503 otherwise, the body saying
/// why.
pub async fn healthz(State(http): State<HttpState>) -> impl IntoResponse {
    let state = &http.app;
    let (mut status, mut body) =
        match tokio::time::timeout(Duration::from_secs(1), store::ping(&state.db)).await {
            Ok(Ok(())) => (StatusCode::OK, "ok\n".to_string()),
            Ok(Err(error)) => {
                tracing::warn!(%error, "health check: database error");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database unavailable\n".to_string(),
                )
            }
            Err(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database did not answer\n".to_string(),
            ),
        };
    if let Some(socket) = &http.socket {
        let socket = socket.status();
        if !socket.connected {
            status = StatusCode::SERVICE_UNAVAILABLE;
        }
        body.push_str(&socket.describe(state.clock.now()));
        body.push('\n');
    }
    match state.bot.get() {
        Some(bot) => body.push_str(&format!(
            "slack: signed in as {} in {}\n",
            bot.user_id, bot.team_id
        )),
        // Until Slack has answered once, nothing the bot queues can be delivered.
        None => {
            status = StatusCode::SERVICE_UNAVAILABLE;
            let trouble = crate::usecases::lock(&state.sign_in_trouble).clone();
            body.push_str(&format!(
                "slack: not reached yet ({})\n",
                trouble.as_deref().unwrap_or("auth.test has not answered")
            ));
        }
    }
    (status, body)
}

/// Prometheus text, with the outbox depth read fresh from the database.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    match store::outbox::depth(&state.db).await {
        Ok(counts) => state.metrics.set_outbox_depth(&counts),
        Err(error) => tracing::warn!(%error, "metrics: reading the outbox depth failed"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
