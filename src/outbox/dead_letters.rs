//! What a call the outbox gave up on tells people: a card Slack refused for a reason a person
//! can fix (the bot is not in the channel, the channel is gone or archived, posting there is
//! restricted) is reported to its proposer in a DM, once; and what the refusal says about the
//! bot's place in the channel is remembered.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::membership::{Membership, Outside};
use crate::slack::api::CallError;
use crate::slack::outgoing::{AfterSend, Delivery};
use crate::store;

/// Slack errors a person can fix, so worth telling someone about.
const FIXABLE: [&str; 5] = [
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "restricted_action",
    "team_access_not_granted",
];

/// Whether a person can fix what Slack's `code` says (and so should hear of it).
pub fn fixable(code: &str) -> bool {
    FIXABLE.contains(&code)
}

/// What a refusal says about the bot's place in the channel, if anything.
fn membership_after(code: &str) -> Option<Membership> {
    match code {
        "not_in_channel" | "channel_not_found" => Some(Membership::Outside(Outside::Private)),
        "is_archived" => Some(Membership::Outside(Outside::Archived)),
        _ => None,
    }
}

/// In the transaction that marks a row dead: when Slack refused it (`error` has Slack's code),
/// remembers what that says about the channel, and queues the proposer's DM for a card (in the
/// row's workspace, `team`).
/// Returns whether a DM was queued.
pub async fn report(
    tx: &mut PgConnection,
    team: Option<&TeamId>,
    after_send: Option<&AfterSend>,
    channel: Option<&ChannelId>,
    error: &CallError,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(code) = error.refusal() else {
        return Ok(false);
    };
    if let (Some(channel), Some(membership)) = (channel, membership_after(code)) {
        store::memberships::set(&mut *tx, channel, membership, now)
            .await
            .context("recording the bot's channel membership")?;
    }
    let queued = match after_send {
        Some(AfterSend::RecordTopicCard { topic_id }) if fixable(code) => {
            let dm = Delivery::card_not_posted(*topic_id, code).for_team_if(team);
            store::outbox::enqueue(tx, &dm, now)
                .await
                .context("queuing the proposer's DM")?
        }
        _ => false,
    };
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_a_person_can_fix_is_reported() {
        assert!(fixable("channel_not_found"));
        assert!(fixable("is_archived"));
        assert!(!fixable("ratelimited"));
        assert!(!fixable("invalid_blocks"));
        assert_eq!(
            membership_after("not_in_channel"),
            Some(Membership::Outside(Outside::Private))
        );
        assert_eq!(membership_after("msg_too_long"), None);
    }
}
