//! Socket Mode: Slack's traffic over WebSockets the bot opens itself, for teams that cannot
//! expose a public URL. slack-morphism's listener keeps the connections open (reconnecting on
//! Slack's `disconnect` messages and on dropped connections); each envelope goes to the same
//! dispatch as over HTTP and is acknowledged once handled.

mod callbacks;
pub mod health;

use std::sync::Arc;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use slack_morphism::prelude::*;

use crate::config::SocketModeSettings;
use crate::slack::api::Connector;
use crate::usecases::AppState;
use health::SocketHealth;

/// The running listener.
pub struct SocketMode {
    listener: SlackClientSocketModeListener<Connector>,
}

impl std::fmt::Debug for SocketMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketMode").finish_non_exhaustive()
    }
}

impl SocketMode {
    /// Opens the connections (`apps.connections.open` on `SLACK_API_URL` with the app-level
    /// token, then the WebSocket it names) and starts handling envelopes.
    pub async fn start(
        state: &AppState,
        health: Arc<SocketHealth>,
        app_token: &SecretString,
        settings: &SocketModeSettings,
    ) -> anyhow::Result<SocketMode> {
        let environment = Arc::new(
            SlackClientEventsListenerEnvironment::new(state.slack.client())
                .with_error_handler(callbacks::on_error)
                .with_user_state(state.clone())
                .with_user_state(health),
        );
        let callbacks = SlackSocketModeListenerCallbacks::new()
            .with_hello_events(callbacks::on_hello)
            .with_command_events(callbacks::on_command)
            .with_interaction_events(callbacks::on_interaction)
            .with_push_events(callbacks::on_event);
        let config = SlackClientSocketModeConfig::new()
            .with_max_connections_count(settings.connections)
            .with_initial_backoff_in_seconds(settings.stagger_seconds)
            .with_reconnect_timeout_in_seconds(settings.retry_seconds);
        let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
        listener
            .listen_for(&SlackApiToken::new(
                app_token.expose_secret().to_string().into(),
            ))
            .await
            .context("registering the Socket Mode app token")?;
        listener.start().await;
        Ok(SocketMode { listener })
    }

    /// Closes the connections; envelopes in flight are redelivered to whoever connects next.
    pub async fn stop(&self) {
        self.listener.shutdown().await;
    }
}
