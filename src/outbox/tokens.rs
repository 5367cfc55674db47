//! Which bot token a queued call is made with: the installation's, when the row names a
//! workspace installed through "Add to Slack" (its token opened with the token cipher and kept
//! in memory for a minute), else `SLACK_BOT_TOKEN` (single-workspace mode, and rows queued
//! without a workspace).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::PgPool;

use crate::domain::ids::TeamId;
use crate::slack::api::SlackApi;
use crate::slack::token_cipher::TokenCipher;
use crate::store;

/// How long an opened token is kept in memory: a re-install's new token is used within it.
pub const KEPT_FOR: Duration = Duration::from_secs(60);

/// Opens and keeps the workspaces' bot tokens for the outbox worker.
pub struct TokenBook {
    db: PgPool,
    /// The installations' cipher, when the web settings are on (no installations otherwise).
    cipher: Option<Arc<TokenCipher>>,
    /// The client with `SLACK_BOT_TOKEN`.
    default: SlackApi,
    /// Each workspace's client (`None`: no installation, so the default), and when it was read.
    kept: Mutex<HashMap<TeamId, (Option<SlackApi>, Instant)>>,
}

impl std::fmt::Debug for TokenBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenBook")
            .field("cipher", &self.cipher)
            .finish_non_exhaustive()
    }
}

impl TokenBook {
    pub fn new(db: PgPool, cipher: Option<Arc<TokenCipher>>, default: SlackApi) -> TokenBook {
        TokenBook {
            db,
            cipher,
            default,
            kept: Mutex::default(),
        }
    }

    /// The client to make a call for `team` with: its installation's token when it has one,
    /// else `SLACK_BOT_TOKEN`.
    pub async fn slack_for(&self, team: Option<&TeamId>) -> anyhow::Result<SlackApi> {
        let (Some(team), Some(cipher)) = (team, &self.cipher) else {
            return Ok(self.default.clone());
        };
        if let Some((slack, _)) = self
            .kept()
            .get(team)
            .filter(|(_, read_at)| read_at.elapsed() < KEPT_FOR)
        {
            return Ok(slack.clone().unwrap_or_else(|| self.default.clone()));
        }
        let installation = store::installations::find(&self.db, team)
            .await
            .context("reading the workspace's installation")?;
        let slack = match installation {
            None => None,
            Some(installation) => {
                let token = cipher
                    .open(team, &installation.token)
                    .with_context(|| format!("opening {team}'s bot token"))?;
                Some(self.default.with_token(&token))
            }
        };
        self.kept()
            .insert(team.clone(), (slack.clone(), Instant::now()));
        Ok(slack.unwrap_or_else(|| self.default.clone()))
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<TeamId, (Option<SlackApi>, Instant)>> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
