//! Wiring: the shared state, the background tasks, and `run`, which serves until shutdown.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use secrecy::SecretString;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::clock::SharedClock;
use crate::config::{Config, ConfigError, SlackTransport};
use crate::http::{self, HttpState};
use crate::metrics::Metrics;
use crate::outbox::user_directory::UserDirectory;
use crate::outbox::worker::OutboxWorker;
use crate::slack::api::SlackApi;
use crate::slack::sign_in::{REFUSED_TOKEN, missing_scopes, sign_in};
use crate::socket::SocketMode;
use crate::socket::health::SocketHealth;
use crate::usecases::job_worker::JobWorker;
use crate::usecases::reactions::{Batcher, ReactionIngest};
use crate::usecases::{AppState, lock};

/// The parts of the app that tests replace: the database pool and the clock.
#[derive(Debug, Clone)]
pub struct Services {
    pub db: PgPool,
    pub clock: SharedClock,
}

/// Serves HTTP on `listener` and drains the outbox until `shutdown` resolves, then lets
/// requests and calls in flight finish.
pub async fn run(
    config: Config,
    services: Services,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // A call must never outlive its claim, or a second worker could make it again meanwhile.
    anyhow::ensure!(
        config.outbox.lease > config.outbox.call_timeout * 2,
        "the outbox lease ({:?}) must be more than twice the call timeout ({:?})",
        config.outbox.lease,
        config.outbox.call_timeout
    );
    let slack = SlackApi::new(
        &config.slack_api_url,
        &config.bot_token,
        config.outbox.call_timeout,
    )?;
    let metrics = Arc::new(Metrics::default());
    let outbox_wake = Arc::new(Notify::new());
    let directory_wake = Arc::new(Notify::new());
    let reactions = ReactionIngest::start(Batcher {
        db: services.db.clone(),
        clock: services.clock.clone(),
        metrics: metrics.clone(),
        outbox_wake: outbox_wake.clone(),
        directory_wake: directory_wake.clone(),
    });
    let state = AppState {
        db: services.db,
        clock: services.clock,
        slack: slack.clone(),
        metrics,
        outbox_wake,
        jobs_wake: Arc::new(Notify::new()),
        bot: Arc::new(OnceLock::new()),
        sign_in_trouble: Arc::default(),
        reactions,
    };
    let background = CancellationToken::new();
    let directory = UserDirectory {
        db: state.db.clone(),
        slack: slack.clone(),
        clock: state.clock.clone(),
        wake: directory_wake,
        outbox_wake: state.outbox_wake.clone(),
        poll_interval: config.outbox.poll_interval * 30,
    };
    let directory_task = tokio::spawn(directory.run(background.child_token()));
    let job_worker = JobWorker {
        state: state.clone(),
        settings: config.outbox.clone(),
        name: JobWorker::process_name(),
    };
    let job_task = tokio::spawn(job_worker.run(background.child_token()));
    let worker = OutboxWorker {
        db: state.db.clone(),
        slack: slack.clone(),
        clock: state.clock.clone(),
        settings: config.outbox.clone(),
        wake: state.outbox_wake.clone(),
        metrics: state.metrics.clone(),
        bot: state.bot.clone(),
        rate_limits: Default::default(),
    };
    let worker_task = tokio::spawn(worker.run(background.child_token()));
    // A token Slack refuses stops the bot: nothing it does could work.
    let refused = Arc::new(OnceLock::new());
    let stop = CancellationToken::new();
    let identity_task = tokio::spawn(learn_identity(
        SignInTarget {
            api_url: config.slack_api_url.clone(),
            token: config.bot_token.clone(),
            timeout: config.outbox.call_timeout,
        },
        state.clone(),
        refused.clone(),
        stop.clone(),
        background.child_token(),
    ));

    let socket_health = match &config.transport {
        SlackTransport::Http { .. } => None,
        SlackTransport::SocketMode { .. } => Some(Arc::new(SocketHealth::default())),
    };
    let socket_mode = match (&config.transport, &socket_health) {
        (SlackTransport::SocketMode { app_token }, Some(health)) => {
            Some(SocketMode::start(&state, health.clone(), app_token, &config.socket_mode).await?)
        }
        _ => None,
    };
    let http_state = HttpState {
        app: state.clone(),
        signing_secret: match &config.transport {
            SlackTransport::Http { signing_secret } => Some(Arc::new(signing_secret.clone())),
            SlackTransport::SocketMode { .. } => None,
        },
        socket: socket_health,
    };
    tracing::info!(
        addr = %listener.local_addr()?,
        slack = config.transport.name(),
        "archhour is listening; Slack traffic arrives over {}",
        config.transport.name()
    );
    let stopped = stop.clone();
    let served = axum::serve(listener, http::router(http_state))
        .with_graceful_shutdown(async move {
            tokio::select! {
                () = shutdown => {}
                () = stopped.cancelled() => {}
            }
        })
        .await;
    if let Some(socket_mode) = &socket_mode {
        socket_mode.stop().await;
    }
    background.cancel();
    let _ = tokio::join!(worker_task, identity_task, directory_task, job_task);
    if let Some(code) = refused.get() {
        return Err(ConfigError::Invalid {
            name: "SLACK_BOT_TOKEN",
            reason: format!(
                "Slack refused it (`{code}`); use the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
            ),
        }
        .into());
    }
    served.map_err(Into::into)
}

/// Where and how to sign in to Slack.
struct SignInTarget {
    api_url: url::Url,
    token: SecretString,
    timeout: Duration,
}

/// Calls `auth.test` until it answers, so the bot knows its own user id. Slack being
/// unreachable at start does not stop the bot from serving (`/healthz` says why it is not
/// ready); a token Slack refuses stops it (`refused` says how, `stop` is cancelled). Scopes the
/// code needs and the token lacks are logged once.
async fn learn_identity(
    target: SignInTarget,
    state: AppState,
    refused: Arc<OnceLock<String>>,
    stop: CancellationToken,
    shutdown: CancellationToken,
) {
    let mut delay = Duration::from_secs(1);
    loop {
        match sign_in(&target.api_url, &target.token, target.timeout).await {
            Ok(signed) => {
                let identity = signed.identity;
                tracing::info!(user_id = %identity.user_id, team_id = %identity.team_id, "auth.test: connected to Slack");
                if let Some(granted) = &signed.scopes {
                    let missing = missing_scopes(granted);
                    if !missing.is_empty() {
                        tracing::error!(
                            missing = %missing.join(", "),
                            "the bot token lacks scopes archhour needs: add them to the app (manifest.yml lists them) and reinstall it"
                        );
                    }
                }
                let _ = state.bot.set(identity);
                *lock(&state.sign_in_trouble) = None;
                return;
            }
            Err(error) => {
                if let Some(code) = error.refusal().filter(|code| REFUSED_TOKEN.contains(code)) {
                    tracing::error!(%code, "auth.test: Slack refused the bot token; stopping");
                    let _ = refused.set(code.to_string());
                    stop.cancel();
                    return;
                }
                tracing::warn!(%error, retry_in = ?delay, "auth.test failed");
                *lock(&state.sign_in_trouble) = Some(error.to_string());
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(60));
    }
}
