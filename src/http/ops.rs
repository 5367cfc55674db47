//! `/healthz` and `/metrics`.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::app::AppState;
use crate::store;

/// 200 when the database answers within a second, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(Duration::from_secs(1), store::ping(&state.db)).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database did not answer\n"),
    }
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
