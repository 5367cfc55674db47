//! The worker that drains the outbox: claims due rows under a lease, calls Slack, and records
//! success, a retry with backoff, or a dead row with its error.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::backoff::retry_delay;
use super::dead_letters;
use super::drain::{Drain, LeasedQueue};
use super::rate_limits::RateLimits;
use crate::clock::{Clock, SharedClock};
use crate::compose;
use crate::config::OutboxSettings;
use crate::domain::membership::{Membership, Outside};
use crate::metrics::Metrics;
use crate::slack::api::{CallError, CallReceipt, SlackApi};
use crate::slack::blocks;
use crate::slack::call::SlackCall;
use crate::slack::identity::BotIdentity;
use crate::slack::outgoing::{AfterSend, CARD_REFRESH_DELAY, Delivery, Outgoing, Render};
use crate::store;
use crate::store::outbox::Claimed;

/// Everything the worker needs; cheap to clone into each delivery task.
#[derive(Debug, Clone)]
pub struct OutboxWorker {
    pub db: PgPool,
    pub slack: SlackApi,
    pub clock: SharedClock,
    pub settings: OutboxSettings,
    /// Notified when rows are queued, so the loop looks again at once.
    pub wake: Arc<Notify>,
    pub metrics: Arc<Metrics>,
    /// Who the bot is (for links to messages in rendered DMs), once known.
    pub bot: Arc<OnceLock<BotIdentity>>,
    /// Slack's rate limits met so far.
    pub rate_limits: Arc<RateLimits>,
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
        store::outbox::claim_due(&self.db, now, lease_until, limit)
            .await
            .context("claiming due outbox rows")
    }

    async fn process(&self, row: Claimed) {
        self.deliver(row).await;
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
        let call = match self.resolve(&row.outgoing).await {
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
        result: Result<(CallReceipt, &'static str), CallError>,
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
            let channel = call.channel().unwrap_or_default();
            self.rate_limits.record(method, channel, now + *wait, now);
        }
        let outcome = match result {
            Ok((receipt, how)) => self.record_success(row, &receipt).await.map(|()| how),
            Err(CallError::Retryable {
                reason,
                retry_after,
                maybe_sent,
            }) if may_try_again(row, retry_after.is_some(), self.settings.max_attempts) => {
                let delay = retry_delay(
                    attempt_number(row),
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
            store::memberships::get(&self.db, channel).await,
            Ok(Some(Membership::Outside(Outside::Removed)))
        );
        if removed {
            return false;
        }
        match self.slack.join(channel).await {
            Ok(()) => {
                tracing::info!(channel, "joined the channel after `not_in_channel`");
                let recorded = store::memberships::set(
                    &self.db,
                    channel,
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
                tracing::warn!(channel, error = %join_error, "could not join the channel");
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
        let queued = match error.refusal() {
            Some(code) => {
                let channel = call.and_then(SlackCall::channel);
                dead_letters::report(&mut tx, row.after_send.as_ref(), channel, code, now).await?
            }
            None => false,
        };
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
    async fn send(
        &self,
        row: &Claimed,
        call: SlackCall,
    ) -> Result<(CallReceipt, &'static str), CallError> {
        if row.maybe_sent
            && let Some(channel) = call.posts_to()
        {
            match self
                .slack
                .find_delivered(channel, &row.key, row.created_at)
                .await
            {
                Ok(Some(receipt)) => {
                    tracing::info!(key = %row.key, "an unconfirmed message was delivered after all; not posting it again");
                    return Ok((receipt, "recovered"));
                }
                Ok(None) => {}
                // Not knowing, post: a rare duplicate beats a lost message.
                Err(error) => {
                    tracing::warn!(key = %row.key, %error, "could not look for an unconfirmed message; posting it again");
                }
            }
        }
        self.slack
            .execute(&call)
            .await
            .map(|receipt| (receipt, "done"))
    }

    /// The call to make: as stored, or rendered now from the database.
    async fn resolve(&self, outgoing: &Outgoing) -> Result<SlackCall, CallError> {
        match outgoing {
            Outgoing::Call(call) => Ok(call.as_ref().clone()),
            Outgoing::Render(Render::TopicCard { topic_id }) => self.render_card(*topic_id).await,
            Outgoing::Render(Render::ReminderDm { run_key, user_id }) => {
                self.render_reminder(run_key, user_id, false).await
            }
            Outgoing::Render(Render::ReminderDmEdit { run_key, user_id }) => {
                self.render_reminder(run_key, user_id, true).await
            }
            Outgoing::Render(Render::CardNotPosted { topic_id, error }) => {
                self.render_card_not_posted(*topic_id, error).await
            }
            Outgoing::Render(Render::AppHome { user_id }) => {
                let rendered = async {
                    let mut conn = self.db.acquire().await?;
                    compose::items::home_tab(&mut conn, user_id, self.bot.get(), self.clock.now())
                        .await
                };
                rendered.await.map_err(|error| CallError::Retryable {
                    reason: format!("rendering the App Home tab: {error:#}"),
                    retry_after: None,
                    maybe_sent: false,
                })
            }
        }
    }

    /// The DM telling a topic's proposer its card could not be posted.
    async fn render_card_not_posted(
        &self,
        topic_id: i64,
        error: &str,
    ) -> Result<SlackCall, CallError> {
        let topic = store::topics::find(&self.db, topic_id)
            .await
            .map_err(|e| CallError::Retryable {
                reason: format!("loading a topic: {e}"),
                retry_after: None,
                maybe_sent: false,
            })?
            .ok_or_else(|| CallError::impossible("the topic no longer exists"))?;
        let Some(author) = &topic.author_id else {
            return Err(CallError::impossible("the topic has no proposer to tell"));
        };
        let dm = self.slack.open_dm(author).await?;
        let reply = blocks::card_not_posted(&topic, error);
        Ok(SlackCall::post_message(&dm, reply.text, reply.blocks))
    }

    /// A reminder DM: posted into the owner's DM channel (opened first if unknown), or, for an
    /// edit, the DM as sent, updated in place.
    async fn render_reminder(
        &self,
        run_key: &str,
        user_id: &str,
        edit: bool,
    ) -> Result<SlackCall, CallError> {
        let retry = |error: anyhow::Error| CallError::Retryable {
            reason: format!("rendering a reminder DM: {error:#}"),
            retry_after: None,
            maybe_sent: false,
        };
        let mut conn = self.db.acquire().await.map_err(|e| retry(e.into()))?;
        let Some((dm, reply)) = compose::items::reminder(
            &mut conn,
            run_key,
            user_id,
            self.bot.get(),
            self.clock.now(),
        )
        .await
        .map_err(retry)?
        else {
            return Err(CallError::impossible("the reminder DM no longer exists"));
        };
        if edit {
            let (Some(channel), Some(ts)) = (&dm.dm_channel_id, &dm.message_ts) else {
                return Err(CallError::Retryable {
                    reason: "the reminder DM has not been sent yet".into(),
                    retry_after: Some(CARD_REFRESH_DELAY),
                    maybe_sent: false,
                });
            };
            return Ok(SlackCall::update_message(channel, ts, reply));
        }
        let channel = match store::reminders::dm_channel(&mut *conn, user_id)
            .await
            .map_err(|e| retry(e.into()))?
        {
            Some(channel) => channel,
            None => {
                let channel = self.slack.open_dm(user_id).await?;
                store::reminders::save_dm_channel(&mut *conn, user_id, &channel)
                    .await
                    .map_err(|e| retry(e.into()))?;
                channel
            }
        };
        Ok(SlackCall::post_message(&channel, reply.text, reply.blocks))
    }

    /// The edit that shows a card's current state.
    async fn render_card(&self, topic_id: i64) -> Result<SlackCall, CallError> {
        let rendered = async {
            let mut conn = self.db.acquire().await?;
            compose::cards::update(&mut conn, topic_id).await
        };
        match rendered.await {
            Ok(Some(call)) => Ok(call),
            Ok(None) => Err(CallError::Retryable {
                reason: "the card has not been posted yet".into(),
                retry_after: Some(CARD_REFRESH_DELAY),
                maybe_sent: false,
            }),
            Err(error) => Err(CallError::Retryable {
                reason: format!("rendering the card: {error:#}"),
                retry_after: None,
                maybe_sent: false,
            }),
        }
    }

    async fn record_success(&self, row: &Claimed, receipt: &CallReceipt) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await.context("starting a transaction")?;
        let still_ours = store::outbox::mark_done(&mut *tx, row, receipt, self.clock.now())
            .await
            .context("marking an outbox row done")?;
        if !still_ours {
            tracing::warn!(key = %row.key, "outbox lease lost before the call finished");
            return Ok(());
        }
        if let Some(after_send) = &row.after_send {
            apply(&mut tx, after_send, receipt, self.clock.as_ref()).await?;
        }
        tx.commit().await.context("committing an outbox outcome")
    }
}

/// A row told to wait (Slack's 429 with `Retry-After`, or a card edit waiting for its card) has
/// not failed: it may be tried up to this many times as often as a row whose calls fail.
const WAITS_PER_FAILURE: u32 = 10;

/// Whether a retryable outcome leaves the row another attempt.
fn may_try_again(row: &Claimed, told_to_wait: bool, max_attempts: u32) -> bool {
    let limit = if told_to_wait {
        max_attempts.saturating_mul(WAITS_PER_FAILURE)
    } else {
        max_attempts
    };
    attempt_number(row) < limit
}

fn attempt_number(row: &Claimed) -> u32 {
    u32::try_from(row.attempt).unwrap_or(0)
}

async fn apply(
    tx: &mut sqlx::PgConnection,
    after_send: &AfterSend,
    receipt: &CallReceipt,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    match after_send {
        AfterSend::RecordTopicCard { topic_id } => {
            let (Some(channel), Some(ts)) = (receipt.channel.as_deref(), receipt.ts.as_deref())
            else {
                anyhow::bail!("Slack accepted the card but did not say where it is");
            };
            store::topics::set_card_ts(&mut *tx, *topic_id, ts)
                .await
                .context("recording a topic card's ts")?;
            // Reactions that raced the card's ts into the database are already votes: show them.
            let early_votes = store::votes::voters(&mut *tx, channel, ts)
                .await
                .context("checking for early votes")?;
            if !early_votes.is_empty() {
                super::queue(
                    tx,
                    &Delivery::refresh_card(*topic_id, Duration::ZERO),
                    clock,
                )
                .await
                .context("queuing a card refresh")?;
            }
            Ok(())
        }
        AfterSend::RecordVoteMessage {
            meeting_id,
            version,
        } => {
            let ts = receipt
                .ts
                .as_deref()
                .context("Slack accepted the message but returned no ts")?;
            store::meetings::set_vote_message(&mut *tx, *meeting_id, *version, ts)
                .await
                .context("recording the vote message")
        }
        AfterSend::RecordReminderDm { run_key, user_id } => {
            let (Some(channel), Some(ts)) = (receipt.channel.as_deref(), receipt.ts.as_deref())
            else {
                anyhow::bail!("Slack accepted the DM but did not say where it is");
            };
            store::reminders::record_dm(&mut *tx, run_key, user_id, channel, ts)
                .await
                .context("recording a reminder DM")
        }
    }
}
