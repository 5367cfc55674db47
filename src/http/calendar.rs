//! `GET /calendar/{token}.ics` (DESIGN §7): a channel's calendar feed. No sign-in: the token in
//! the address is the secret, and an address with no channel's token is 404 like any other.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::domain::calendar::CalendarToken;
use crate::usecases::{AppState, calendar};

/// The feed named by `file` (`{token}.ics`).
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics").and_then(CalendarToken::parse) else {
        return not_found();
    };
    match calendar::feed(&state, &token).await {
        Ok(Some(text)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                // The agenda changes with every vote: clients and proxies fetch it afresh.
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "serving a calendar feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No calendar here.\n").into_response()
}
