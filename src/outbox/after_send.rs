//! What the worker records in the transaction that marks a call delivered: where a card, a
//! vote message or a reminder DM went, and what a read answered (a recount's reactions, a
//! user's kind), bringing forward the scheduled step that waits for it. When the outbox gives
//! up on a read, [`read_failed`] records that instead, so nothing waits for it forever.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::user_directory;
use crate::clock::Clock;
use crate::domain::ids::{TeamId, UserId};
use crate::domain::job::{Job, recount_subject, user_subject};
use crate::slack::api::{CallReceipt, Read};
use crate::slack::outgoing::{AfterSend, Delivery};
use crate::store;

/// Records what Slack's acceptance of a call means. `sent_at` is when the call was made: a
/// read shows Slack's state at least as new as that; `team` is the row's workspace, whose
/// calls this may queue.
pub async fn apply(
    tx: &mut PgConnection,
    after_send: &AfterSend,
    team: Option<&TeamId>,
    receipt: &CallReceipt,
    sent_at: DateTime<Utc>,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    match after_send {
        AfterSend::RecordTopicCard { topic_id } => {
            record_card(tx, *topic_id, team, receipt, clock).await
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
            let (Some(channel), Some(ts)) = (receipt.channel.as_ref(), receipt.ts.as_deref())
            else {
                anyhow::bail!("Slack accepted the DM but did not say where it is");
            };
            store::reminders::record_dm(&mut *tx, run_key, user_id, channel, ts)
                .await
                .context("recording a reminder DM")
        }
        AfterSend::RecordReactions {
            recount_id,
            topic_id,
        } => {
            let Some(Read::Reactions(reactions)) = &receipt.read else {
                anyhow::bail!("Slack's answer to reactions.get held no reactions");
            };
            let recount = store::recounts::lock(&mut *tx, *recount_id)
                .await
                .context("locking the recount")?;
            store::recounts::record_read(&mut *tx, *recount_id, *topic_id, reactions, sent_at)
                .await
                .context("recording a card's reactions")?;
            if recount.is_some_and(|r| r.finished_at.is_none()) {
                finish_when_read(tx, *recount_id, clock).await?;
            }
            Ok(())
        }
        AfterSend::RecordUser { user_id } => {
            let (kind, name) = match &receipt.read {
                Some(Read::Person { kind, name }) => (*kind, Some(name.as_deref())),
                Some(Read::User(kind)) => (*kind, None),
                _ => anyhow::bail!("Slack's answer to users.info held no user"),
            };
            user_directory::record(tx, user_id, kind, clock).await?;
            // The name too, when the answer was read with it: the directory need not ask again.
            if let Some(name) = name {
                store::users::save_name(&mut *tx, user_id, name)
                    .await
                    .context("saving a user's name")?;
            }
            waiting_for_user(tx, user_id, clock).await
        }
    }
}

/// The outbox gave up on a read (Slack refused it, or every attempt failed): records why, so
/// the step waiting for it goes on without it now instead of when its patience runs out.
pub async fn read_failed(
    tx: &mut PgConnection,
    after_send: &AfterSend,
    error: &str,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    match after_send {
        AfterSend::RecordReactions {
            recount_id,
            topic_id,
        } => {
            let recount = store::recounts::lock(&mut *tx, *recount_id)
                .await
                .context("locking the recount")?;
            store::recounts::record_failure(&mut *tx, *recount_id, *topic_id, error)
                .await
                .context("recording a card that could not be read")?;
            if recount.is_some_and(|r| r.finished_at.is_none()) {
                finish_when_read(tx, *recount_id, clock).await?;
            }
            Ok(())
        }
        AfterSend::RecordUser { user_id } => waiting_for_user(tx, user_id, clock).await,
        AfterSend::RecordTopicCard { .. }
        | AfterSend::RecordVoteMessage { .. }
        | AfterSend::RecordReminderDm { .. } => Ok(()),
    }
}

/// Stores the posted card's `ts` on its topic; reactions that raced it into the database are
/// already votes, so the card is redrawn to show them.
async fn record_card(
    tx: &mut PgConnection,
    topic_id: i64,
    team: Option<&TeamId>,
    receipt: &CallReceipt,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let (Some(channel), Some(ts)) = (receipt.channel.as_ref(), receipt.ts.as_deref()) else {
        anyhow::bail!("Slack accepted the card but did not say where it is");
    };
    store::topics::set_card_ts(&mut *tx, topic_id, ts)
        .await
        .context("recording a topic card's ts")?;
    let early_votes = store::votes::voters(&mut *tx, channel, ts)
        .await
        .context("checking for early votes")?;
    if !early_votes.is_empty() {
        let refresh = Delivery::refresh_card(topic_id, Duration::ZERO).for_team_if(team);
        super::queue(tx, &refresh, clock)
            .await
            .context("queuing a card refresh")?;
    }
    Ok(())
}

/// With the recount locked (so of two last reads committing at once, the second sees the
/// first): once no card waits for Slack, its finishing step is due now.
async fn finish_when_read(
    tx: &mut PgConnection,
    recount_id: i64,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let waiting = store::recounts::waiting(&mut *tx, recount_id)
        .await
        .context("counting the cards still to read")?;
    if waiting == 0 {
        let subject = recount_subject(recount_id);
        store::jobs::bring_forward(&mut *tx, &subject, Job::RECOUNT_FINISH, clock.now())
            .await
            .context("bringing the recount's end forward")?;
    }
    Ok(())
}

/// Steps waiting to know who `user_id` is are due now.
async fn waiting_for_user(
    tx: &mut PgConnection,
    user_id: &UserId,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let subject = user_subject(user_id);
    store::jobs::bring_forward(&mut *tx, &subject, Job::CHANGE_BY_ADMIN, clock.now())
        .await
        .context("bringing forward the steps waiting for a user")
        .map(|_| ())
}
