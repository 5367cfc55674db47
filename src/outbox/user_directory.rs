//! Looking up Slack users we meet as voters (is this a bot?) or that the web archive shows (their
//! names), cached in `slack_users`: a background task that calls `users.info` itself, in batches, outside the outbox (it waits out
//! Slack's `Retry-After` on its own), and is never on a request's path. Whether someone is an
//! admin (for `withdraw` and `edit`) is asked through the outbox instead, and recorded here by
//! [`record`].

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::workspaces::Workspaces;
use crate::clock::{Clock, SharedClock};
use crate::domain::ids::UserId;
use crate::domain::users::UserKind;
use crate::slack::api::CallError;
use crate::slack::outgoing::{CARD_REFRESH_DELAY, Delivery};
use crate::store;

/// Users looked up per round.
const BATCH: i64 = 20;

/// The background task that looks up newly seen voters.
#[derive(Debug, Clone)]
pub struct UserDirectory {
    pub db: PgPool,
    /// Each workspace's bot: a user is asked about with the token of the workspace they were
    /// met in.
    pub workspaces: Arc<Workspaces>,
    pub clock: SharedClock,
    /// Notified when voters we have not looked up appear.
    pub wake: Arc<Notify>,
    pub outbox_wake: Arc<Notify>,
    /// Longest wait between rounds when nothing wakes the task.
    pub poll_interval: Duration,
}

impl UserDirectory {
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            let pause = match self.look_up_some().await {
                Ok(Some(pause)) => pause,
                Ok(None) => self.poll_interval,
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "looking up Slack users failed");
                    self.poll_interval
                }
            };
            if pause.is_zero() {
                continue;
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Looks up one batch. Returns how long to pause: zero when more may be waiting, Slack's
    /// `Retry-After` when rate limited, `None` for the usual poll.
    async fn look_up_some(&self) -> anyhow::Result<Option<Duration>> {
        let mut users = store::users::to_look_up(&self.db, BATCH)
            .await
            .context("listing users to look up")?;
        if (users.len() as i64) < BATCH {
            let unnamed = store::users::to_name(&self.db, BATCH - users.len() as i64)
                .await
                .context("listing users to name")?;
            users.extend(unnamed);
        }
        for met in &users {
            let user = &met.user_id;
            let facts = match self.workspaces.slack_for(met.team.as_ref()).await? {
                Some(slack) => slack.user_facts(user).await,
                None => Err(CallError::impossible(
                    "no bot of ours acts in their workspace (uninstalled)",
                )),
            };
            let (kind, name) = match facts {
                Ok(facts) => facts,
                Err(CallError::Retryable { retry_after, .. }) => {
                    return Ok(Some(retry_after.unwrap_or(Duration::from_secs(5))));
                }
                // user_not_found and the like (or no bot to ask with): a person we cannot see is
                // not a bot we know of; one known before (asked again for a name) stays as Slack
                // described them.
                Err(CallError::Permanent { reason, .. }) => {
                    tracing::info!(%user, %reason, "users.info refused; treating as a person");
                    let known = store::users::get(&self.db, user, DateTime::<Utc>::MIN_UTC)
                        .await
                        .context("reading a user")?;
                    if known.is_some() {
                        store::users::save_name(&self.db, user, None)
                            .await
                            .context("saving a user's name")?;
                        continue;
                    }
                    let person = UserKind {
                        is_bot: false,
                        is_admin: false,
                    };
                    (person, None)
                }
            };
            self.record(user, kind, name.as_deref()).await?;
        }
        Ok((users.len() as i64 == BATCH).then_some(Duration::ZERO))
    }

    /// Stores what we learned, waking the outbox for the cards it redraws.
    async fn record(
        &self,
        user: &UserId,
        kind: UserKind,
        name: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await.context("starting a transaction")?;
        let redrawn = record(&mut tx, user, kind, self.clock.as_ref()).await?;
        store::users::save_name(&mut *tx, user, name)
            .await
            .context("saving a user's name")?;
        tx.commit().await.context("committing a user")?;
        if redrawn {
            self.outbox_wake.notify_one();
        }
        Ok(())
    }
}

/// Stores what `users.info` said about `user`; a bot's reactions stop counting, so the cards it
/// voted on are redrawn. Returns whether any redraw was queued.
pub async fn record(
    tx: &mut PgConnection,
    user: &UserId,
    kind: UserKind,
    clock: &dyn Clock,
) -> anyhow::Result<bool> {
    store::users::save(&mut *tx, user, kind, clock.now())
        .await
        .context("saving a user")?;
    if !kind.is_bot {
        return Ok(false);
    }
    let topics = store::users::open_topics_voted_by(&mut *tx, user)
        .await
        .context("finding a bot's reactions")?;
    for (topic_id, team) in &topics {
        let refresh = Delivery::refresh_card(*topic_id, CARD_REFRESH_DELAY).for_team(team);
        super::queue(tx, &refresh, clock)
            .await
            .context("queuing a card refresh")?;
    }
    Ok(!topics.is_empty())
}
