//! What the use cases share: the database, the clock, the Slack client, metrics, the workers'
//! wake-ups, who the bot is, the vote batcher, what retention keeps, and where people reach
//! the bot.

use std::sync::{Arc, Mutex, OnceLock};

use sqlx::PgPool;
use tokio::sync::Notify;
use url::Url;

use super::reactions::ReactionIngest;
use crate::clock::SharedClock;
use crate::config::RetentionSettings;
use crate::metrics::Metrics;
use crate::outbox::workspaces::Workspaces;
use crate::slack::api::SlackApi;
use crate::slack::identity::BotIdentity;

/// What every use case shares, whichever transport or worker runs it.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: PgPool,
    pub clock: SharedClock,
    /// A Slack client with `SLACK_BOT_TOKEN` (or none, when it is unset): its address and
    /// timeouts. Calls for a workspace are made with [`AppState::workspaces`]' client for it.
    pub slack: SlackApi,
    /// Which bot acts in each workspace: its client and who it is.
    pub workspaces: Arc<Workspaces>,
    pub metrics: Arc<Metrics>,
    /// Wakes the outbox worker after a transaction that queued deliveries commits.
    pub outbox_wake: Arc<Notify>,
    /// Wakes the job worker after a transaction that scheduled steps commits.
    pub jobs_wake: Arc<Notify>,
    /// Who `SLACK_BOT_TOKEN`'s bot is, once `auth.test` has answered (set at start; read who
    /// the bot is in a workspace with [`Workspaces::bot_in`]).
    pub bot: Arc<OnceLock<BotIdentity>>,
    /// Why `auth.test` has not answered yet (Slack unreachable, a 5xx…), for `/healthz`.
    pub sign_in_trouble: Arc<Mutex<Option<String>>>,
    /// Where reaction events go to become votes.
    pub reactions: ReactionIngest,
    /// What the daily retention job keeps, and how it deletes the rest.
    pub retention: RetentionSettings,
    /// `ARCHHOUR_PUBLIC_URL`, ending in `/`: the calendar feed's and the digest chart's
    /// addresses start with it.
    pub public_url: Option<Url>,
    /// Where the web archive's pages are (`{ARCHHOUR_PUBLIC_URL}archive/`), when it is on: the
    /// digest links to the channel's page.
    pub archive_url: Option<Url>,
}

impl AppState {
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    pub fn wake_jobs(&self) {
        self.jobs_wake.notify_one();
    }
}

/// The guarded value, even if a holder panicked (it holds a plain message).
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
