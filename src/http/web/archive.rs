//! `GET /archive`: the channels the signed-in person may see.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::cookies::{SESSION_COOKIE, Session};
use super::pages::{self, Viewer};
use super::{WebState, html, off};
use crate::domain::ids::{TeamId, UserId};
use crate::http::HttpState;
use crate::usecases::archive::channels_for;

pub async fn index(State(http): State<HttpState>, headers: HeaderMap) -> Response {
    let Some(web) = &http.web else {
        return off();
    };
    let Some(session) = signed_in(web, &headers, &http) else {
        return to_sign_in(web);
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

/// The request's session, when its cookie is signed by us and not expired.
fn signed_in(web: &WebState, headers: &HeaderMap, http: &HttpState) -> Option<Session> {
    let now = http.app.clock.now();
    web.cookies
        .open::<Session>(headers, SESSION_COOKIE)
        .filter(|session| session.expires_at > now)
}

/// Off to sign in (coming back to `/archive`), forgetting a cookie that is no good.
fn to_sign_in(web: &WebState) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::LOCATION,
                HeaderValue::from_static("/auth/slack?return_to=/archive"),
            ),
            (header::SET_COOKIE, web.cookies.clear(SESSION_COOKIE, "/")),
        ],
    )
        .into_response()
}
