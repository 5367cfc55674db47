//! The worker that drains the outbox: claims due rows under a lease, calls Slack, and records
//! success (with its bookkeeping, [`super::after_send`]), a retry with backoff, or a dead row
//! with its error. Rows rendered at send time are resolved in [`super::render`].

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::after_send;
use super::backoff::{may_try_again, retry_delay};
use super::dead_letters;
use super::drain::{Drain, LeasedQueue};
use super::rate_limits::RateLimits;
use super::workspaces::Workspaces;
use crate::clock::SharedClock;
use crate::config::OutboxSettings;
use crate::domain::membership::{Membership, Outside};
use crate::metrics::Metrics;
use crate::slack::api::{CallError, CallReceipt, SlackApi};
use crate::slack::call::SlackCall;
use crate::slack::identity::BotIdentity;
use crate::store;
use crate::store::outbox::Claimed;

/// Everything the worker needs; cheap to clone into each delivery task.
#[derive(Debug, Clone)]
pub struct OutboxWorker {
    pub db: PgPool,
    /// The client of the row being delivered's workspace (set for each delivery).
    pub slack: SlackApi,
    pub clock: SharedClock,
    pub settings: OutboxSettings,
    /// Notified when rows are queued, so the loop looks again at once.
    pub wake: Arc<Notify>,
    pub metrics: Arc<Metrics>,
    /// Who the bot is in the row being delivered's workspace (set for each delivery; for
    /// links to messages in rendered DMs), once known.
    pub bot: Option<BotIdentity>,
    /// Slack's rate limits met so far.
    pub rate_limits: Arc<RateLimits>,
    /// Each workspace's bot: `slack` and `bot` are replaced by the row's workspace's for each
    /// delivery.
    pub workspaces: Arc<Workspaces>,
}

/// A call Slack accepted.
#[derive(Debug)]
struct Sent {
    receipt: CallReceipt,
    /// "done", or "recovered" when an earlier attempt's lost answer turned out a success.
    how: &'static str,
    /// When the call was made: a read shows Slack's state at least as new as this.
    at: DateTime<Utc>,
}

impl LeasedQueue for OutboxWorker {
    type Row = Claimed;
    const NAME: &'static str = "outbox";

    async fn give_up_abandoned(&self) -> anyhow::Result<u64> {
        store::outbox::give_up_abandoned(&self.db, self.clock.now(), self.settings.max_attempts)
            .await
            .context("giving up on abandoned outbox rows")
    }

    async fn claim(&self, limit: usize) -> anyhow::Result<Vec<Claimed>> {
        let now = self.clock.now();
        let lease_until = now + self.settings.lease;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        store::outbox::claim_due(
            &self.db,
            now,
            lease_until,
            limit,
            self.settings.max_attempts,
        )
        .await
        .context("claiming due outbox rows")
    }

    async fn process(&self, row: Claimed) {
        match self.workspaces.slack_for(row.team.as_ref()).await {
            Ok(None) => {
                let method = row.outgoing.method_name();
                let team = row.team.as_ref().map_or("?", |team| team.as_str());
                let why = CallError::impossible(format!(
                    "archhour is not installed in workspace {team}: no bot token acts there"
                ));
                self.record(&row, method, None, Err(why)).await;
            }
            Ok(Some(slack)) => {
                let bot = self.workspaces.bot_for(row.team.as_ref()).await;
                OutboxWorker {
                    slack,
                    bot,
                    ..self.clone()
                }
                .deliver(row)
                .await
            }
            Err(error) => {
                let method = row.outgoing.method_name();
                let unknown = CallError::Retryable {
                    reason: format!("{error:#}"),
                    retry_after: None,
                    maybe_sent: false,
                };
                self.record(&row, method, None, Err(unknown)).await;
            }
        }
    }

    async fn next_due(&self) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
        store::outbox::next_due(&self.db)
            .await
            .context("reading the outbox's next due time")
    }
}

impl OutboxWorker {
    /// Drains the outbox until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        let drain = Drain {
            clock: self.clock.clone(),
            wake: self.wake.clone(),
            poll_interval: self.settings.poll_interval,
            concurrency: self.settings.concurrency,
            grace: self.settings.call_timeout + Duration::from_secs(1),
        };
        drain.run(self, shutdown).await;
    }

    /// Makes one claimed call and records what happened.
    async fn deliver(&self, row: Claimed) {
        let method = row.outgoing.method_name();
        let call = match self.resolve(&row.outgoing, row.team.as_ref()).await {
            Ok(call) => call.with_delivery_marker(&row.key),
            Err(error) => return self.record(&row, method, None, Err(error)).await,
        };
        if let Some(until) = self.rate_limits.wait_until(method, self.clock.now()) {
            let waited = store::outbox::schedule_retry(
                &self.db,
                &row,
                until,
                &format!("waiting out Slack's rate limit on {method}"),
                row.maybe_sent,
            )
            .await
            .context("deferring an outbox row");
            return self.count(&row, method, waited.map(|()| "deferred"));
        }
        let result = self.send(&row, call.clone()).await;
        self.record(&row, method, Some(&call), result).await;
    }

    /// Records what a call's attempt came to: done, a retry, or dead.
    async fn record(
        &self,
        row: &Claimed,
        method: &'static str,
        call: Option<&SlackCall>,
        result: Result<Sent, CallError>,
    ) {
        if let (
            Some(call),
            Err(CallError::Retryable {
                retry_after: Some(wait),
                maybe_sent: false,
                ..
            }),
        ) = (call, &result)
        {
            let now = self.clock.now();
            self.rate_limits
                .record(method, call.limited_in(), now + *wait, now);
        }
        let attempt = u32::try_from(row.attempt).unwrap_or(0);
        let outcome = match result {
            Ok(sent) => self.record_success(row, &sent).await.map(|()| sent.how),
            Err(CallError::Retryable {
                reason,
                retry_after,
                maybe_sent,
            }) if may_try_again(attempt, retry_after.is_some(), self.settings.max_attempts) => {
                let delay = retry_delay(
                    attempt,
                    retry_after,
                    self.settings.base_backoff,
                    self.settings.max_backoff,
                    rand::random::<f64>(),
                );
                tracing::info!(key = %row.key, attempt = row.attempt, %reason, ?delay, "Slack call will be retried");
                let retry_at = self.clock.now() + delay;
                store::outbox::schedule_retry(&self.db, row, retry_at, &reason, maybe_sent)
                    .await
                    .context("scheduling an outbox retry")
                    .map(|()| "retry")
            }
            Err(error) if self.joined_after_refusal(call, &error).await => {
                store::outbox::schedule_retry(
                    &self.db,
                    row,
                    self.clock.now(),
                    "joined the channel",
                    false,
                )
                .await
                .context("retrying after joining the channel")
                .map(|()| "retry")
            }
            Err(error) => {
                tracing::error!(key = %row.key, attempt = row.attempt, %error, "Slack call given up");
                self.metrics
                    .count_dead_call(method, error.refusal().unwrap_or("gave_up"));
                let dead = self.give_up(row, call, &error).await;
                if matches!(dead, Ok(true)) {
                    self.wake.notify_one();
                }
                dead.map(|_| "dead")
            }
        };
        self.count(row, method, outcome);
    }

    /// Slack answered `not_in_channel`: the bot joins the channel (when it is public, and no
    /// one removed the bot from it) so the call can be made again at once. Returns whether it
    /// joined.
    async fn joined_after_refusal(&self, call: Option<&SlackCall>, error: &CallError) -> bool {
        let (Some("not_in_channel"), Some(channel)) =
            (error.refusal(), call.and_then(SlackCall::channel))
        else {
            return false;
        };
        let removed = matches!(
            store::memberships::get(&self.db, &channel).await,
            Ok(Some(Membership::Outside(Outside::Removed)))
        );
        if removed {
            return false;
        }
        match self.slack.join(&channel).await {
            Ok(()) => {
                tracing::info!(%channel, "joined the channel after `not_in_channel`");
                let recorded = store::memberships::set(
                    &self.db,
                    &channel,
                    Membership::Member,
                    self.clock.now(),
                )
                .await;
                if let Err(error) = recorded {
                    tracing::warn!(%error, "recording the bot's channel membership failed");
                }
                true
            }
            Err(join_error) => {
                tracing::warn!(%channel, error = %join_error, "could not join the channel");
                false
            }
        }
    }

    /// Marks the row dead and, in the same transaction, tells whoever can fix what Slack
    /// refused (see [`dead_letters`]). Returns whether a message to someone was queued.
    async fn give_up(
        &self,
        row: &Claimed,
        call: Option<&SlackCall>,
        error: &CallError,
    ) -> anyhow::Result<bool> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await.context("starting a transaction")?;
        store::outbox::mark_dead(&mut *tx, row, &error.to_string(), now)
            .await
            .context("marking an outbox row dead")?;
        let channel = call.and_then(SlackCall::channel);
        let queued = dead_letters::report(
            &mut tx,
            row.team.as_ref(),
            row.after_send.as_ref(),
            channel.as_ref(),
            error,
            now,
        )
        .await?;
        if let Some(after_send) = &row.after_send {
            after_send::read_failed(&mut tx, after_send, &error.to_string(), self.clock.as_ref())
                .await?;
        }
        tx.commit().await.context("committing a dead row")?;
        Ok(queued)
    }

    /// Counts an outcome in the metrics, or logs that recording it failed.
    fn count(&self, row: &Claimed, method: &'static str, outcome: anyhow::Result<&'static str>) {
        match outcome {
            Ok(outcome) => self.metrics.count_slack_call(method, outcome),
            // The lease will run out and the row be tried again.
            Err(error) => {
                tracing::error!(key = %row.key, error = %format!("{error:#}"), "recording an outbox outcome failed")
            }
        }
    }

    /// Makes the call, unless an earlier attempt whose outcome was lost already posted its
    /// message: then that message is the receipt, and the outcome says "recovered".
    async fn send(&self, row: &Claimed, call: SlackCall) -> Result<Sent, CallError> {
        let at = self.clock.now();
        if row.maybe_sent
            && let Some(channel) = call.posts_to()
        {
            match self
                .slack
                .find_delivered(&channel, &row.key, row.created_at)
                .await
            {
                Ok(Some(receipt)) => {
                    tracing::info!(key = %row.key, "an unconfirmed message was delivered after all; not posting it again");
                    return Ok(Sent {
                        receipt,
                        how: "recovered",
                        at,
                    });
                }
                Ok(None) => {}
                // Not knowing, post: a rare duplicate beats a lost message.
                Err(error) => {
                    tracing::warn!(key = %row.key, %error, "could not look for an unconfirmed message; posting it again");
                }
            }
        }
        self.slack.execute(&call).await.map(|receipt| Sent {
            receipt,
            how: "done",
            at,
        })
    }

    /// Marks the row done and, in the same transaction, records what Slack's answer means.
    async fn record_success(&self, row: &Claimed, sent: &Sent) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await.context("starting a transaction")?;
        let still_ours = store::outbox::mark_done(&mut *tx, row, &sent.receipt, self.clock.now())
            .await
            .context("marking an outbox row done")?;
        if !still_ours {
            tracing::warn!(key = %row.key, "outbox lease lost before the call finished");
            return Ok(());
        }
        if let Some(after_send) = &row.after_send {
            let clock = self.clock.as_ref();
            let team = row.team.as_ref();
            after_send::apply(&mut tx, after_send, team, &sent.receipt, sent.at, clock).await?;
        }
        tx.commit().await.context("committing an outbox outcome")
    }
}
