//! Which bot acts in each workspace: the installation's (its token opened with the token
//! cipher, its bot user and address as recorded at install, kept in memory for a minute) when
//! the workspace installed archhour through "Add to Slack", else the bot of `SLACK_BOT_TOKEN`
//! in its own workspace (single-workspace mode, and work recorded without a workspace). No bot
//! acts in any other workspace: its token would be another workspace's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::PgPool;

use crate::domain::ids::TeamId;
use crate::slack::api::{CallError, SlackApi};
use crate::slack::identity::BotIdentity;
use crate::slack::token_cipher::TokenCipher;
use crate::store;
use crate::store::installations::Installation;

/// How long an installation read is kept in memory: a re-install's new token is used within
/// it, and so is another process's uninstall (this process's own is forgotten at once).
pub const KEPT_FOR: Duration = Duration::from_secs(60);

/// Where links to messages point when a workspace's address is not known.
const SLACK_URL: &str = "https://slack.com/";

/// The bot of one workspace installed through "Add to Slack".
#[derive(Debug, Clone)]
struct InstalledBot {
    slack: SlackApi,
    identity: BotIdentity,
}

/// The workspaces' bots: the Slack client to call with and who the bot is, per workspace.
pub struct Workspaces {
    db: PgPool,
    /// The installations' cipher, when the web settings are on (no installations otherwise).
    cipher: Option<Arc<TokenCipher>>,
    /// The client with `SLACK_BOT_TOKEN`, when it is set.
    default: Option<SlackApi>,
    /// A client with no particular token (Slack's address, timeouts): installations' clients
    /// are made from it.
    template: SlackApi,
    /// Who `SLACK_BOT_TOKEN`'s bot is, once `auth.test` has answered.
    default_bot: Arc<OnceLock<BotIdentity>>,
    /// Each workspace's bot (`None`: no installation, so the default), and when it was read.
    kept: Mutex<HashMap<TeamId, (Option<InstalledBot>, Instant)>>,
}

impl std::fmt::Debug for Workspaces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspaces")
            .field("cipher", &self.cipher)
            .field("default_bot", &self.default_bot)
            .finish_non_exhaustive()
    }
}

impl Workspaces {
    pub fn new(
        db: PgPool,
        cipher: Option<Arc<TokenCipher>>,
        template: SlackApi,
        default: Option<SlackApi>,
        default_bot: Arc<OnceLock<BotIdentity>>,
    ) -> Workspaces {
        Workspaces {
            db,
            cipher,
            template,
            default,
            default_bot,
            kept: Mutex::default(),
        }
    }

    /// The client to call Slack with for `team`: its installation's token when it has one, else
    /// `SLACK_BOT_TOKEN` where that bot acts; `None` when no bot of ours acts there (the app
    /// was uninstalled, or never installed).
    pub async fn slack_for(&self, team: Option<&TeamId>) -> anyhow::Result<Option<SlackApi>> {
        if let Some(team) = team
            && let Some(bot) = self.installed(team).await?
        {
            return Ok(Some(bot.slack));
        }
        Ok(self.default_for(team))
    }

    /// The client to call Slack with for `team`; a call that cannot be made when no bot of
    /// ours acts there (and one to try again when its installation could not be read).
    pub async fn slack_in(&self, team: &TeamId) -> Result<SlackApi, CallError> {
        match self.slack_for(Some(team)).await {
            Ok(Some(slack)) => Ok(slack),
            Ok(None) => Err(CallError::impossible(format!(
                "archhour is not installed in workspace {team}"
            ))),
            Err(error) => Err(CallError::Retryable {
                reason: format!("{error:#}"),
                retry_after: None,
                maybe_sent: false,
            }),
        }
    }

    /// Whether a bot of ours acts in `team` (single-workspace mode: always).
    pub async fn acts_in(&self, team: &TeamId) -> anyhow::Result<bool> {
        Ok(self.slack_for(Some(team)).await?.is_some())
    }

    /// Who the bot is in `team`: its installation's bot, else `SLACK_BOT_TOKEN`'s where that
    /// bot acts (`None` until `auth.test` has answered, and where no bot of ours acts). An
    /// installation that cannot be read counts as none (logged).
    pub async fn bot_in(&self, team: &TeamId) -> Option<BotIdentity> {
        match self.installed(team).await {
            Ok(Some(bot)) => return Some(bot.identity),
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(team_id = %team, error = format!("{error:#}"), "reading the workspace's installation");
            }
        }
        self.default_bot
            .get()
            .filter(|_| self.default_acts_in(Some(team)))
            .cloned()
    }

    /// Who the bot is in `team`, or `SLACK_BOT_TOKEN`'s for work about no workspace.
    pub async fn bot_for(&self, team: Option<&TeamId>) -> Option<BotIdentity> {
        match team {
            Some(team) => self.bot_in(team).await,
            None => self.default_bot(),
        }
    }

    /// `SLACK_BOT_TOKEN`'s client, if its bot acts in `team`: always in single-workspace mode
    /// (no installations) and for work about no workspace; with installations, only in the
    /// token's own workspace (or while `auth.test` has not said which that is).
    fn default_for(&self, team: Option<&TeamId>) -> Option<SlackApi> {
        self.default
            .as_ref()
            .filter(|_| self.default_acts_in(team))
            .cloned()
    }

    /// Whether `SLACK_BOT_TOKEN`'s bot (if there is one) acts in `team`.
    fn default_acts_in(&self, team: Option<&TeamId>) -> bool {
        match (team, self.default_bot.get()) {
            (Some(team), Some(bot)) if self.cipher.is_some() => bot.team_id == *team,
            _ => true,
        }
    }

    /// Whether `SLACK_BOT_TOKEN` is set but `auth.test` has not said yet which workspace it is
    /// for (so whether its bot acts in a workspace without an installation is not known).
    pub fn waiting_for_slack(&self) -> bool {
        self.default.is_some() && self.default_bot.get().is_none()
    }

    /// Who `SLACK_BOT_TOKEN`'s bot is, once `auth.test` has answered.
    pub fn default_bot(&self) -> Option<BotIdentity> {
        self.default_bot.get().cloned()
    }

    /// Forgets what was kept of `team` (it was uninstalled, or installed again).
    pub fn forget(&self, team: &TeamId) {
        self.kept().remove(team);
    }

    async fn installed(&self, team: &TeamId) -> anyhow::Result<Option<InstalledBot>> {
        let Some(cipher) = &self.cipher else {
            return Ok(None);
        };
        if let Some((bot, _)) = self
            .kept()
            .get(team)
            .filter(|(_, read_at)| read_at.elapsed() < KEPT_FOR)
        {
            return Ok(bot.clone());
        }
        let installation = store::installations::find(&self.db, team)
            .await
            .context("reading the workspace's installation")?;
        let bot = match installation {
            None => None,
            Some(installation) => Some(self.bot_of(cipher, installation)?),
        };
        self.kept()
            .insert(team.clone(), (bot.clone(), Instant::now()));
        Ok(bot)
    }

    fn bot_of(
        &self,
        cipher: &TokenCipher,
        installation: Installation,
    ) -> anyhow::Result<InstalledBot> {
        let team = &installation.team_id;
        let token = cipher
            .open(team, &installation.token)
            .with_context(|| format!("opening {team}'s bot token"))?;
        Ok(InstalledBot {
            slack: self.template.with_token(&token),
            identity: BotIdentity {
                user_id: installation.bot_user_id,
                bot_id: None,
                team_id: team.clone(),
                url: installation
                    .team_url
                    .unwrap_or_else(|| SLACK_URL.to_string()),
            },
        })
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<TeamId, (Option<InstalledBot>, Instant)>> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
