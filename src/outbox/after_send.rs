//! What the worker records in the transaction that marks a call delivered: where a card, a
//! vote message or a reminder DM went.

use std::time::Duration;

use anyhow::Context;
use sqlx::PgConnection;

use crate::clock::Clock;
use crate::slack::api::CallReceipt;
use crate::slack::outgoing::{AfterSend, Delivery};
use crate::store;

/// Records what Slack's acceptance of a call means.
pub async fn apply(
    tx: &mut PgConnection,
    after_send: &AfterSend,
    receipt: &CallReceipt,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    match after_send {
        AfterSend::RecordTopicCard { topic_id } => record_card(tx, *topic_id, receipt, clock).await,
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

/// Stores the posted card's `ts` on its topic; reactions that raced it into the database are
/// already votes, so the card is redrawn to show them.
async fn record_card(
    tx: &mut PgConnection,
    topic_id: i64,
    receipt: &CallReceipt,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let (Some(channel), Some(ts)) = (receipt.channel.as_deref(), receipt.ts.as_deref()) else {
        anyhow::bail!("Slack accepted the card but did not say where it is");
    };
    store::topics::set_card_ts(&mut *tx, topic_id, ts)
        .await
        .context("recording a topic card's ts")?;
    let early_votes = store::votes::voters(&mut *tx, channel, ts)
        .await
        .context("checking for early votes")?;
    if !early_votes.is_empty() {
        super::queue(tx, &Delivery::refresh_card(topic_id, Duration::ZERO), clock)
            .await
            .context("queuing a card refresh")?;
    }
    Ok(())
}
