//! What the Socket Mode listener calls for each envelope: the same parsing into our inbound
//! types and the same dispatch as the HTTP endpoints, then the answer that goes back in the
//! envelope's acknowledgement. A failure leaves the envelope unacknowledged, so Slack
//! redelivers it, as a 503 does over HTTP.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use super::health::SocketHealth;
use crate::slack::api::Connector;
use crate::slack::blocks::{self, Reply};
use crate::slack::inbound::{callback_event, command_event, interaction_event};
use crate::usecases::AppState;
use crate::usecases::{self, ACK_DEADLINE, interactions::InteractionReply};

type Client = Arc<SlackClient<Connector>>;

/// What the listener's callbacks fail with (slack-morphism's own alias is crate-private).
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Handled, with nothing to say: the listener acknowledges the envelope bare. (A command that
/// opened a form answers this way.)
#[derive(Debug, thiserror::Error)]
#[error("handled; acknowledged without a message")]
struct NoMessage;

/// Not handled: the envelope stays unacknowledged and Slack delivers it again.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct NotHandled(String);

async fn app_state(states: &SlackClientEventsUserState) -> UserCallbackResult<AppState> {
    states
        .read()
        .await
        .get_user_state::<AppState>()
        .cloned()
        .ok_or_else(|| NotHandled("the listener has no app state".into()).into())
}

/// The connections' state `/healthz` reports.
async fn health(states: &SlackClientEventsUserState) -> Option<Arc<SocketHealth>> {
    states
        .read()
        .await
        .get_user_state::<Arc<SocketHealth>>()
        .cloned()
}

/// Slack said hello on a new connection. (Generic because slack-morphism does not export the
/// hello event's type; the listener fixes it.)
pub async fn on_hello<Hello: std::fmt::Debug>(
    hello: Hello,
    _client: Client,
    states: SlackClientEventsUserState,
) {
    let Ok(state) = app_state(&states).await else {
        return;
    };
    tracing::info!(?hello, "Socket Mode: connected to Slack");
    if let Some(health) = health(&states).await {
        health.hello(state.clock.now());
    }
    state.metrics.socket_connected(true);
}

/// A slash command; its reply goes back in the acknowledgement.
pub async fn on_command(
    event: SlackCommandEvent,
    _client: Client,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let state = app_state(&states).await?;
    let reply = match usecases::commands::handle(&state, command_event(event)).await {
        Ok(reply) => reply,
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "handling a slash command failed");
            blocks::internal_error()
        }
    };
    state
        .metrics
        .count_envelope("slash_commands", "acknowledged");
    if reply.is_nothing() {
        return Err(NoMessage.into());
    }
    Ok(ephemeral(reply))
}

fn ephemeral(reply: Reply) -> SlackCommandEventResponse {
    SlackCommandEventResponse::new(
        SlackMessageContent::new()
            .with_text(reply.text)
            .with_blocks(reply.blocks),
    )
    .with_response_type(SlackMessageResponseType::Ephemeral)
}

/// A button press or a submitted form; a form's field errors go back in the acknowledgement.
pub async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Client,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackInteractionResponse> {
    let state = app_state(&states).await?;
    let handled = tokio::time::timeout(
        ACK_DEADLINE,
        usecases::interactions::handle(&state, interaction_event(event)),
    )
    .await;
    let reply = match handled {
        Ok(Ok(reply)) => reply,
        Ok(Err(error)) => return Err(not_handled(&state, "interactive", format!("{error:#}"))),
        Err(_) => {
            return Err(not_handled(
                &state,
                "interactive",
                "not handled within the ack deadline".into(),
            ));
        }
    };
    state.metrics.count_envelope("interactive", "acknowledged");
    Ok(match reply {
        InteractionReply::Done => SlackInteractionResponse::Empty,
        InteractionReply::FieldErrors(errors) => {
            let errors: HashMap<String, String> = errors
                .into_iter()
                .map(|(block, message)| (block.to_string(), message))
                .collect();
            SlackViewSubmissionResponse::Errors(SlackViewSubmissionErrorsResponse::new(errors))
                .into()
        }
    })
}

/// An Events API event: acknowledged once stored; deduplicated by its event id like any other
/// delivery.
pub async fn on_event(
    callback: SlackPushEventCallback,
    _client: Client,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let state = app_state(&states).await?;
    let handled = tokio::time::timeout(
        ACK_DEADLINE,
        usecases::events::handle(&state, callback_event(callback)),
    )
    .await;
    match handled {
        Ok(Ok(())) => {
            state.metrics.count_envelope("events_api", "acknowledged");
            Ok(())
        }
        Ok(Err(error)) => Err(not_handled(&state, "events_api", format!("{error:#}"))),
        Err(_) => Err(not_handled(
            &state,
            "events_api",
            "not stored within the ack deadline".into(),
        )),
    }
}

fn not_handled(state: &AppState, kind: &str, why: String) -> BoxError {
    tracing::error!(kind, error = %why, "a Socket Mode envelope was not handled; Slack will redeliver it");
    state.metrics.count_envelope(kind, "unacknowledged");
    NotHandled(why).into()
}

/// Called for our own callbacks' outcomes above and for the connections' failures. Its status
/// decides an envelope's fate: success acknowledges it, anything else leaves it for Slack to
/// deliver again.
pub fn on_error(
    error: BoxError,
    _client: Client,
    states: SlackClientEventsUserState,
) -> StatusCode {
    if error.downcast_ref::<NoMessage>().is_some() {
        return StatusCode::OK;
    }
    if error.downcast_ref::<NotHandled>().is_some() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let connection_failed = matches!(
        error.downcast_ref::<SlackClientError>(),
        Some(SlackClientError::SocketModeProtocolError(_))
    );
    if !connection_failed {
        // An envelope we could not read: the listener acknowledges it, as retrying would not help.
        tracing::warn!(%error, "Socket Mode: an envelope could not be read");
        return StatusCode::OK;
    }
    tracing::warn!(%error, "Socket Mode: a connection failed; reconnecting");
    // The state is only ever written once, before the listener starts.
    if let Some(storage) = states.try_read().ok()
        && let Some(state) = storage.get_user_state::<AppState>()
    {
        if let Some(health) = storage.get_user_state::<Arc<SocketHealth>>() {
            health.failed(error.to_string());
        }
        state.metrics.socket_connected(false);
    }
    StatusCode::OK
}
