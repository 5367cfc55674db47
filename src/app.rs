//! Wiring: the shared state, the background tasks, the transport, and `run`, which serves
//! until shutdown.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures::future::join_all;
use secrecy::SecretString;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::clock::SharedClock;
use crate::config::{Config, ConfigError, RetentionSettings, SlackTransport};
use crate::database;
use crate::http::web::WebState;
use crate::http::{self, HttpState, MetricsRoute};
use crate::metrics::{self, Metrics};
use crate::outbox::user_directory::UserDirectory;
use crate::outbox::worker::OutboxWorker;
use crate::outbox::workspaces::Workspaces;
use crate::slack::api::SlackApi;
use crate::slack::sign_in::{REFUSED_TOKEN, missing_scopes, sign_in};
use crate::slack::token_cipher::TokenCipher;
use crate::socket::SocketMode;
use crate::socket::health::SocketHealth;
use crate::usecases::installs;
use crate::usecases::job_worker::JobWorker;
use crate::usecases::reactions::{self, Batcher, ReactionIngest};
use crate::usecases::{AppState, lock};

/// The parts of the app that tests replace: the database pool and the clock.
#[derive(Debug, Clone)]
pub struct Services {
    pub db: PgPool,
    pub clock: SharedClock,
}

/// Where the app serves HTTP.
#[derive(Debug)]
pub struct Listeners {
    /// Slack's endpoints and `/healthz` (`ARCHHOUR_ADDR`), and `/metrics` unless `metrics`
    /// serves it.
    pub app: TcpListener,
    /// `/metrics` and `/healthz` alone (`ARCHHOUR_METRICS_ADDR`), when set.
    pub metrics: Option<TcpListener>,
}

/// Serves HTTP on `listeners` and drains the outbox until `shutdown` resolves, then lets
/// requests and calls in flight finish.
pub async fn run(
    config: Config,
    services: Services,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // A call must never outlive its claim, or a second worker could make it again meanwhile.
    anyhow::ensure!(
        config.outbox.lease > config.outbox.call_timeout * 2,
        "the outbox lease ({:?}) must be more than twice the call timeout ({:?})",
        config.outbox.lease,
        config.outbox.call_timeout
    );
    // Without SLACK_BOT_TOKEN the client has no token of its own: every call is made with an
    // installed workspace's (see `Workspaces`).
    let no_token = SecretString::from("");
    let slack = SlackApi::new(
        &config.slack_api_url,
        config.bot_token.as_ref().unwrap_or(&no_token),
        config.outbox.call_timeout,
    )?;
    let directory_wake = Arc::new(Notify::new());
    let cipher = config.web.as_ref().map(|web| {
        Arc::new(TokenCipher::new(
            web.secret_key_bytes(),
            web.previous_secret_key_bytes(),
        ))
    });
    let state = shared_state(
        services,
        Bots {
            default: config.bot_token.as_ref().map(|_| slack.clone()),
            template: slack,
            cipher,
        },
        directory_wake.clone(),
        config.retention.clone(),
        config.public_url.clone(),
        // The archive's pages, when it is on: the digest links to the channel's.
        config
            .web
            .as_ref()
            .and_then(|web| web.public_url.join("archive/").ok()),
    );
    let background = Background::start(&config, &state, directory_wake);
    let (socket_mode, mut http_state) = start_transport(&config, &state).await?;
    http_state.web = config.web.clone().map(|web| {
        Arc::new(WebState::new(
            web,
            config.slack_api_url.clone(),
            config.outbox.call_timeout,
        ))
    });
    if let Some(web) = &http_state.web {
        // After a key rotation: seal again with the new key what the previous one sealed.
        if let Err(error) = installs::reseal_stale(&state.db, &web.tokens).await {
            tracing::error!(
                error = format!("{error:#}"),
                "sealing bot tokens again with the current key failed"
            );
        }
    }
    let metrics_addr = listeners.metrics.as_ref().map(TcpListener::local_addr);
    tracing::info!(
        addr = %listeners.app.local_addr()?,
        metrics_addr = metrics_addr.transpose()?.map(tracing::field::display),
        version = metrics::VERSION,
        commit = metrics::COMMIT,
        slack = config.transport.name(),
        "archhour is listening; Slack traffic arrives over {}",
        config.transport.name()
    );
    let token_refused = background.token_refused.clone();
    let served = serve_http(listeners, http_state, async move {
        tokio::select! {
            () = shutdown => {}
            () = token_refused.cancelled() => {}
        }
    })
    .await;
    if let Some(socket_mode) = &socket_mode {
        socket_mode.stop().await;
    }
    background.stop().await?;
    served.map_err(Into::into)
}

/// Serves HTTP on `listeners` until `stop` resolves, then lets the requests in flight finish.
async fn serve_http(
    listeners: Listeners,
    state: HttpState,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let Some(metrics_listener) = listeners.metrics else {
        let router = http::router(state, MetricsRoute::Here);
        return axum::serve(listeners.app, router)
            .with_graceful_shutdown(stop)
            .await;
    };
    let stopping = CancellationToken::new();
    let app = axum::serve(
        listeners.app,
        http::router(state.clone(), MetricsRoute::Elsewhere),
    )
    .with_graceful_shutdown(stopping.clone().cancelled_owned());
    let metrics = axum::serve(metrics_listener, http::metrics_router(state))
        .with_graceful_shutdown(stopping.clone().cancelled_owned());
    let (app, metrics, ()) = tokio::join!(app.into_future(), metrics.into_future(), async {
        stop.await;
        stopping.cancel();
    });
    app.and(metrics)
}

/// The Slack clients the workspaces' bots are made from.
struct Bots {
    /// With no particular token: Slack's address and timeouts.
    template: SlackApi,
    /// With `SLACK_BOT_TOKEN`, when it is set.
    default: Option<SlackApi>,
    /// Opens the installations' tokens, when installing is on.
    cipher: Option<Arc<TokenCipher>>,
}

/// The state every request and worker shares, with the reaction batcher started.
fn shared_state(
    services: Services,
    bots: Bots,
    directory_wake: Arc<Notify>,
    retention: RetentionSettings,
    public_url: Option<url::Url>,
    archive_url: Option<url::Url>,
) -> AppState {
    let metrics = Arc::new(Metrics::default());
    let outbox_wake = Arc::new(Notify::new());
    let reactions = ReactionIngest::start(Batcher {
        db: database::vote_batch_pool(&services.db, reactions::IN_FLIGHT_CONNECTIONS),
        clock: services.clock.clone(),
        metrics: metrics.clone(),
        outbox_wake: outbox_wake.clone(),
        directory_wake,
    });
    let bot = Arc::new(OnceLock::new());
    let workspaces = Arc::new(Workspaces::new(
        services.db.clone(),
        bots.cipher,
        bots.template.clone(),
        bots.default,
        bot.clone(),
    ));
    AppState {
        db: services.db,
        clock: services.clock,
        slack: bots.template,
        workspaces,
        metrics,
        outbox_wake,
        jobs_wake: Arc::new(Notify::new()),
        bot,
        sign_in_trouble: Arc::default(),
        reactions,
        retention,
        public_url,
        archive_url,
    }
}

/// The tasks that run beside the server until it stops: the user directory, the job worker,
/// the outbox worker, and signing in to Slack.
struct Background {
    /// Stops the tasks.
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    /// Cancelled when Slack refuses the bot token, which stops the bot: nothing it does could
    /// work.
    token_refused: CancellationToken,
    /// The code Slack refused the token with.
    refusal: Arc<OnceLock<String>>,
}

impl Background {
    /// Spawns the tasks; [`Background::stop`] stops them.
    fn start(config: &Config, state: &AppState, directory_wake: Arc<Notify>) -> Background {
        let shutdown = CancellationToken::new();
        let directory = UserDirectory {
            db: state.db.clone(),
            workspaces: state.workspaces.clone(),
            clock: state.clock.clone(),
            wake: directory_wake,
            outbox_wake: state.outbox_wake.clone(),
            poll_interval: config.outbox.poll_interval * 30,
        };
        let directory_task = tokio::spawn(directory.run(shutdown.child_token()));
        let job_worker = JobWorker {
            state: state.clone(),
            settings: config.outbox.clone(),
            name: JobWorker::process_name(),
        };
        let job_task = tokio::spawn(job_worker.run(shutdown.child_token()));
        let worker = OutboxWorker {
            db: state.db.clone(),
            slack: state.slack.clone(),
            clock: state.clock.clone(),
            settings: config.outbox.clone(),
            wake: state.outbox_wake.clone(),
            metrics: state.metrics.clone(),
            bot: None,
            rate_limits: Default::default(),
            workspaces: state.workspaces.clone(),
        };
        let worker_task = tokio::spawn(worker.run(shutdown.child_token()));
        let refusal = Arc::new(OnceLock::new());
        let token_refused = CancellationToken::new();
        let mut tasks = vec![worker_task, directory_task, job_task];
        if let Some(token) = &config.bot_token {
            tasks.push(tokio::spawn(learn_identity(
                SignInTarget {
                    api_url: config.slack_api_url.clone(),
                    token: token.clone(),
                    timeout: config.outbox.call_timeout,
                },
                state.clone(),
                refusal.clone(),
                token_refused.clone(),
                shutdown.child_token(),
            )));
        }
        Background {
            shutdown,
            tasks,
            token_refused,
            refusal,
        }
    }

    /// Stops the tasks and waits for them to finish. Errs when Slack refused the bot token.
    async fn stop(self) -> Result<(), ConfigError> {
        self.shutdown.cancel();
        join_all(self.tasks).await;
        match self.refusal.get() {
            Some(code) => Err(ConfigError::Invalid {
                name: "SLACK_BOT_TOKEN",
                reason: format!(
                    "Slack refused it (`{code}`); use the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
                ),
            }),
            None => Ok(()),
        }
    }
}

/// Opens Socket Mode when the config chooses it, and the state the HTTP server needs either
/// way: it verifies Slack's requests, or reports the Socket Mode connections on `/healthz`
/// (the web archive's part is added by `run`).
async fn start_transport(
    config: &Config,
    state: &AppState,
) -> anyhow::Result<(Option<SocketMode>, HttpState)> {
    match &config.transport {
        SlackTransport::Http { signing_secret } => Ok((
            None,
            HttpState {
                app: state.clone(),
                signing_secret: Some(Arc::new(signing_secret.clone())),
                socket: None,
                web: None,
            },
        )),
        SlackTransport::SocketMode { app_token } => {
            let health = Arc::new(SocketHealth::default());
            let socket_mode =
                SocketMode::start(state, health.clone(), app_token, &config.socket_mode).await?;
            Ok((
                Some(socket_mode),
                HttpState {
                    app: state.clone(),
                    signing_secret: None,
                    socket: Some(health),
                    web: None,
                },
            ))
        }
    }
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
