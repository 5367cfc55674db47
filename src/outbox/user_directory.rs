//! Looking up Slack users we meet as voters (is this a bot?) and when withdrawing (is this an
//! admin?), cached in `slack_users`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::clock::SharedClock;
use crate::domain::users::UserKind;
use crate::slack::api::{CallError, SlackApi};
use crate::slack::outgoing::{CARD_REFRESH_DELAY, Delivery};
use crate::store;

/// Users looked up per round.
const BATCH: i64 = 20;
/// How long a cached answer is trusted when it decides a permission.
const FRESH_FOR: chrono::Duration = chrono::Duration::days(1);

/// The background task that looks up newly seen voters.
#[derive(Debug, Clone)]
pub struct UserDirectory {
    pub db: PgPool,
    pub slack: SlackApi,
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
        let users = store::users::to_look_up(&self.db, BATCH)
            .await
            .context("listing users to look up")?;
        for user in &users {
            let kind = match self.slack.user_kind(user).await {
                Ok(kind) => kind,
                Err(CallError::Retryable { retry_after, .. }) => {
                    return Ok(Some(retry_after.unwrap_or(Duration::from_secs(5))));
                }
                // user_not_found and the like: a person we cannot see is not a bot we know of.
                Err(CallError::Permanent { reason, .. }) => {
                    tracing::info!(%user, %reason, "users.info refused; treating as a person");
                    UserKind {
                        is_bot: false,
                        is_admin: false,
                    }
                }
            };
            self.record(user, kind).await?;
        }
        Ok((users.len() as i64 == BATCH).then_some(Duration::ZERO))
    }

    /// Stores what we learned; a bot's reactions stop counting, so its cards are redrawn.
    async fn record(&self, user: &str, kind: UserKind) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await.context("starting a transaction")?;
        store::users::save(&mut *tx, user, kind, self.clock.now())
            .await
            .context("saving a user")?;
        if kind.is_bot {
            let topics = store::users::open_topics_voted_by(&mut *tx, user)
                .await
                .context("finding a bot's reactions")?;
            for topic_id in topics {
                super::queue(
                    &mut tx,
                    &Delivery::refresh_card(topic_id, CARD_REFRESH_DELAY),
                    self.clock.as_ref(),
                )
                .await
                .context("queuing a card refresh")?;
            }
        }
        tx.commit().await.context("committing a user")?;
        if kind.is_bot {
            self.outbox_wake.notify_one();
        }
        Ok(())
    }
}

/// A user's kind, from the cache when fresh, else from users.info (and then cached).
pub async fn kind_of(
    db: &PgPool,
    slack: &SlackApi,
    clock: &SharedClock,
    user: &str,
) -> anyhow::Result<UserKind> {
    let now = clock.now();
    if let Some(kind) = store::users::get(db, user, now - FRESH_FOR)
        .await
        .context("reading the user cache")?
    {
        return Ok(kind);
    }
    let kind = slack
        .user_kind(user)
        .await
        .with_context(|| format!("asking Slack about {user}"))?;
    store::users::save(db, user, kind, now)
        .await
        .context("caching a user")?;
    Ok(kind)
}
