//! `GET /archive`: the channels the signed-in person may see.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::guard::{signed_in, to_sign_in};
use super::pages::{self, Viewer};
use super::{html, off};
use crate::domain::ids::{TeamId, UserId};
use crate::http::HttpState;
use crate::usecases::archive::channels_for;

pub async fn index(State(http): State<HttpState>, headers: HeaderMap) -> Response {
    let Some(web) = &http.web else {
        return off();
    };
    let Some(session) = signed_in(web, &headers, &http) else {
        return to_sign_in(web, "/archive");
    };
    let team = TeamId::from(session.team_id.as_str());
    let user = UserId::from(session.user_id.as_str());
    match channels_for(&http.app, &web.access, &team, &user).await {
        Ok(channels) => html(
            StatusCode::OK,
            pages::channel_list(
                Viewer {
                    name: &session.name,
                },
                &channels,
            ),
        ),
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "archive: listing channels failed"
            );
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::refusal(
                    "Something went wrong",
                    "The archive could not list the channels. Try again in a moment.",
                ),
            )
        }
    }
}
