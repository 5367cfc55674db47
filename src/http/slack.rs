//! Slack's endpoints: verify the signature over the raw body, parse, dispatch, answer.
//! A refused signature gets 401 and nothing is read further or stored.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde_json::json;

use super::HttpState;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::{self, CommandRequest, EventRequest};
use crate::slack::signature::{self, Rejection};
use crate::store;
use crate::usecases::interactions::InteractionReply;
use crate::usecases::{self, ACK_DEADLINE};

/// `POST /slack/commands`: answers with an ephemeral message well within Slack's 3 seconds.
pub async fn commands(State(http): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refused) = verify_once(&http, &headers, &body).await {
        return refused;
    }
    let command = match inbound::parse_command(&body) {
        Ok(CommandRequest::SslCheck) => return StatusCode::OK.into_response(),
        Ok(CommandRequest::Command(command)) => command,
        Err(error) => return malformed(error),
    };
    let reply = match usecases::commands::handle(&http.app, command).await {
        Ok(reply) => reply,
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "handling a slash command failed");
            blocks::internal_error()
        }
    };
    // A command that opened a form says nothing in the channel.
    if reply.is_nothing() {
        return StatusCode::OK.into_response();
    }
    Json(ephemeral(reply)).into_response()
}

/// `POST /slack/events`: answers `url_verification`; acknowledges an event once it is stored.
pub async fn events(State(http): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(rejection) = verify(&http, &headers, &body) {
        return unauthorized(rejection);
    }
    match inbound::parse_event(&body) {
        Ok(EventRequest::UrlVerification { challenge }) => {
            Json(json!({ "challenge": challenge })).into_response()
        }
        Ok(EventRequest::Callback(event)) => {
            let handled =
                tokio::time::timeout(ACK_DEADLINE, usecases::events::handle(&http.app, event));
            match handled.await {
                Ok(Ok(())) => StatusCode::OK.into_response(),
                Ok(Err(error)) => {
                    tracing::error!(error = %format!("{error:#}"), "handling an event failed");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "not stored; please retry\n",
                    )
                        .into_response()
                }
                // Not committed in time: Slack redelivers, and the event id keeps it from
                // counting twice if the commit lands after all.
                Err(_) => {
                    tracing::warn!("an event was not committed within the ack deadline");
                    (StatusCode::SERVICE_UNAVAILABLE, "busy; please retry\n").into_response()
                }
            }
        }
        Ok(EventRequest::Other { kind }) => {
            tracing::debug!(%kind, "event acknowledged and ignored");
            StatusCode::OK.into_response()
        }
        Err(error) => malformed(error),
    }
}

/// `POST /slack/interactions`: button presses and form submissions, acknowledged once
/// handled; a form with bad fields is answered with the errors to show under them.
pub async fn interactions(
    State(http): State<HttpState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = verify_once(&http, &headers, &body).await {
        return refused;
    }
    let interaction = match inbound::parse_interaction(&body) {
        Ok(interaction) => interaction,
        Err(error) => return malformed(error),
    };
    let handled = tokio::time::timeout(
        ACK_DEADLINE,
        usecases::interactions::handle(&http.app, interaction),
    );
    match handled.await {
        Ok(Ok(InteractionReply::Done)) => StatusCode::OK.into_response(),
        Ok(Ok(InteractionReply::FieldErrors(errors))) => {
            let errors: serde_json::Map<String, serde_json::Value> = errors
                .into_iter()
                .map(|(block, message)| (block.to_string(), message.into()))
                .collect();
            Json(json!({ "response_action": "errors", "errors": errors })).into_response()
        }
        // Slack marks the button with a warning, so the presser knows to try again.
        Ok(Err(error)) => {
            tracing::error!(error = %format!("{error:#}"), "handling an interaction failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Err(_) => {
            tracing::warn!("an interaction was not handled within the ack deadline");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Verifies a command or interaction and refuses a replay of one already handled. Slack never
/// sends these twice (events, which it does redeliver, are deduplicated by their event id).
/// The replay key is the verified MAC itself, so a resend that spells the same signature
/// differently (hex in upper case) is the same request.
async fn verify_once(http: &HttpState, headers: &HeaderMap, body: &[u8]) -> Result<(), Response> {
    let verified = verify(http, headers, body).map_err(unauthorized)?;
    let state = &http.app;
    let key = verified.replay_key();
    match store::requests::first_sighting(&state.db, &key, state.clock.now()).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(unauthorized(Rejection::Replayed)),
        Err(error) => {
            tracing::error!(%error, "recording a request's signature failed");
            Err((StatusCode::SERVICE_UNAVAILABLE, "please retry\n").into_response())
        }
    }
}

fn verify(
    http: &HttpState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<signature::Verified, Rejection> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    // The routes are mounted only with a signing secret; without one nothing verifies.
    let Some(secret) = &http.signing_secret else {
        return Err(Rejection::NoSecret);
    };
    signature::verify(
        secret.expose_secret().as_bytes(),
        header("x-slack-request-timestamp"),
        header("x-slack-signature"),
        body,
        http.app.clock.now(),
    )
}

fn unauthorized(rejection: Rejection) -> Response {
    tracing::warn!(%rejection, "refused a request that failed Slack signature verification");
    (StatusCode::UNAUTHORIZED, "invalid Slack signature\n").into_response()
}

/// A signed body we cannot read. Slack retrying it would not help, but it should never happen.
fn malformed(error: inbound::MalformedPayload) -> Response {
    tracing::warn!(%error, "refused a malformed Slack payload");
    (StatusCode::BAD_REQUEST, format!("{error}\n")).into_response()
}

fn ephemeral(reply: Reply) -> serde_json::Value {
    json!({
        "response_type": "ephemeral",
        "text": reply.text,
        "blocks": reply.blocks,
    })
}
