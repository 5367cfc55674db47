//! `/healthz` and `/metrics`.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::HttpState;
use crate::metrics::QueueLag;
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
        // No SLACK_BOT_TOKEN: each workspace's installed token is used.
        None if !state.workspaces.waiting_for_slack() => {
            body.push_str("slack: no SLACK_BOT_TOKEN; installed workspaces' tokens\n");
        }
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

/// Longest a scrape waits for the database; past it, the queue gauges keep their last values.
const SCRAPE_DATABASE_PATIENCE: Duration = Duration::from_secs(1);

/// Prometheus text, with the queues' gauges (outbox depth, oldest due outbox row, jobs due)
/// read fresh from the database.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(SCRAPE_DATABASE_PATIENCE, read_queues(&state)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(%error, "metrics: reading the queues failed"),
        Err(_) => tracing::warn!("metrics: the database did not answer within a second"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// Sets the queue gauges from three cheap, indexed reads on one connection.
async fn read_queues(state: &AppState) -> sqlx::Result<()> {
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let depth = store::outbox::depth(&mut *conn).await?;
    let oldest_pending_call = store::outbox::oldest_due_pending(&mut *conn, now).await?;
    let jobs = store::jobs::due(&mut *conn, now).await?;
    state.metrics.set_outbox_depth(&depth);
    state.metrics.set_queue_lag(
        &QueueLag {
            jobs_due: jobs.count,
            oldest_job_due_at: jobs.oldest_due_at,
            oldest_pending_call_queued_at: oldest_pending_call,
        },
        now,
    );
    Ok(())
}
