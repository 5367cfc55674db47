//! `GET /charts/{token}.png`: the weekly digest's chart, the image its message shows. No
//! sign-in, since Slack's servers fetch it without cookies: the token in the address is the
//! secret (what it reveals: `domain::digest_chart`), and an address with no digest's token is
//! 404 like any other. The image never changes, so Slack and browsers may keep it.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::domain::digest_chart::ChartToken;
use crate::usecases::{AppState, digest};

/// The image named by `file` (`{token}.png`).
pub async fn image(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".png").and_then(ChartToken::parse) else {
        return not_found();
    };
    match digest::chart::image(&state, &token).await {
        Ok(Some(png)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "image/png"),
                // Drawn from what the digest kept: the same bytes for as long as it exists.
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            png,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "drawing a digest's chart failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No chart here.\n").into_response()
}
