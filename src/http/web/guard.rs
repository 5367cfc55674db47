//! Who may see an archive page: a signed-in person of the bot's workspace (else off to sign in,
//! coming back to the same page), and for a channel's pages one they may see (else 404, as for
//! a channel the archive does not know).

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::cookies::{SESSION_COOKIE, Session};
use super::pages;
use super::{WebState, html, off};
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::http::HttpState;
use crate::usecases::archive::{OpenChannel, open_channel};

/// A signed-in person on a page of a channel they may see.
#[derive(Debug)]
pub struct Visit {
    pub session: Session,
    pub channel: OpenChannel,
}

impl Visit {
    pub fn viewer(&self) -> pages::Viewer<'_> {
        pages::Viewer {
            name: &self.session.name,
        }
    }

    pub fn team(&self) -> TeamId {
        TeamId::from(self.session.team_id.as_str())
    }
}

/// What a path must have escaped to be one query value: it keeps its slashes, so the address
/// stays readable.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?');

/// The request's session, when its cookie is signed by us and not expired.
pub fn signed_in(web: &WebState, headers: &HeaderMap, http: &HttpState) -> Option<Session> {
    let now = http.app.clock.now();
    web.cookies
        .open::<Session>(headers, SESSION_COOKIE)
        .filter(|session| session.expires_at > now)
}

/// Off to sign in (coming back to `path`), forgetting a cookie that is no good.
pub fn to_sign_in(web: &WebState, path: &str) -> Response {
    let back = utf8_percent_encode(path, QUERY_VALUE);
    let location = HeaderValue::from_str(&format!("/auth/slack?return_to={back}"))
        .unwrap_or(HeaderValue::from_static("/auth/slack?return_to=/archive"));
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::SET_COOKIE, web.cookies.clear(SESSION_COOKIE, "/")),
        ],
    )
        .into_response()
}

/// A channel's page (its route has `{channel}`) opened by someone who may see it: extracting
/// one checks the session and the channel before the handler runs, and answers the refusal
/// (sign in first, 404, the archive off) in its place.
impl FromRequestParts<HttpState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, http: &HttpState) -> Result<Self, Response> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, http)
            .await
            .map_err(IntoResponse::into_response)?;
        let channel = params.get("channel").map_or("", String::as_str);
        let path = parts.uri.path().to_string();
        visit(http, &parts.headers, channel, &path).await
    }
}

/// The visit to a page at `path` of `channel`, or the response that refuses it.
async fn visit(
    http: &HttpState,
    headers: &HeaderMap,
    channel: &str,
    path: &str,
) -> Result<Visit, Response> {
    let Some(web) = &http.web else {
        return Err(off());
    };
    let Some(session) = signed_in(web, headers, http) else {
        return Err(to_sign_in(web, path));
    };
    let viewer = pages::Viewer {
        name: &session.name,
    };
    if !is_channel_id(channel) {
        return Err(not_found(viewer));
    }
    let team = TeamId::from(session.team_id.as_str());
    let user = UserId::from(session.user_id.as_str());
    match open_channel(
        &http.app,
        &web.access,
        &team,
        &user,
        &ChannelId::from(channel),
    )
    .await
    {
        Ok(Some(channel)) => Ok(Visit { session, channel }),
        Ok(None) => Err(not_found(viewer)),
        Err(error) => Err(failed(viewer, &error)),
    }
}

/// Slack's channel ids: a capital letter, then capitals, digits (and, in tests' ids, `_`).
fn is_channel_id(text: &str) -> bool {
    (2..=24).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_uppercase())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// 404: nothing here, or nothing this person may see.
pub fn not_found(viewer: pages::Viewer<'_>) -> Response {
    html(StatusCode::NOT_FOUND, pages::not_found(viewer))
}

/// 400 with a sentence saying what was wrong with the address.
pub fn bad_request(viewer: pages::Viewer<'_>, explanation: &str) -> Response {
    html(
        StatusCode::BAD_REQUEST,
        pages::bad_request(viewer, explanation),
    )
}

/// 500, logged once.
pub fn failed(viewer: pages::Viewer<'_>, error: &anyhow::Error) -> Response {
    tracing::error!(error = format!("{error:#}"), "archive: a page failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::problem(
            viewer,
            "Something went wrong",
            "The archive could not show this page. Try again in a moment.",
        ),
    )
}
