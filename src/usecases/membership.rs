//! Making sure the bot is in a channel before it relies on it: Slack sends a channel's message
//! and reaction events only to apps in it, so a topic proposed where the bot is not would lose
//! every vote. Public channels are joined; elsewhere someone must invite the bot.

use std::time::Duration;

use anyhow::Context;

use crate::compose;
use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::membership::{Membership, Outside};
use crate::outbox;
use crate::slack::api::CallError;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;

/// How long a command waits for Slack to say where the bot stands (two calls at most), within
/// the three seconds Slack gives the command.
const WITHIN: Duration = Duration::from_secs(2);

/// Whether the bot can take a topic in a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// It is in the channel (or has just joined it).
    In,
    /// Slack did not say in time: go on; a card that cannot be posted is reported.
    Unknown,
    Outside(Outside),
}

/// Where the bot of `team` stands in `channel_id`, joining it when it is public and the bot is
/// not in it.
pub async fn ensure(
    state: &AppState,
    team: &TeamId,
    channel_id: &ChannelId,
) -> anyhow::Result<Admission> {
    // A direct message is nowhere a meeting can gather.
    if channel_id.as_str().starts_with('D') {
        return Ok(Admission::Outside(Outside::Private));
    }
    let known = store::memberships::get(&state.db, channel_id)
        .await
        .context("reading the bot's channel membership")?;
    if known == Some(Membership::Member) {
        return Ok(Admission::In);
    }
    let learned = match tokio::time::timeout(WITHIN, ask_slack(state, team, channel_id)).await {
        Ok(learned) => learned,
        Err(_) => return Ok(Admission::Unknown),
    };
    let membership = match learned {
        Learned::Member => Membership::Member,
        Learned::Outside(why) => Membership::Outside(why),
        Learned::Unknown => return Ok(Admission::Unknown),
    };
    store::memberships::set(&state.db, channel_id, membership, state.clock.now())
        .await
        .context("recording the bot's channel membership")?;
    Ok(match membership {
        Membership::Member => Admission::In,
        Membership::Outside(why) => Admission::Outside(why),
    })
}

enum Learned {
    Member,
    Outside(Outside),
    Unknown,
}

/// Asks Slack whether the bot of `team` is in the channel, and joins it when it is public.
async fn ask_slack(state: &AppState, team: &TeamId, channel_id: &ChannelId) -> Learned {
    let slack = match state.workspaces.slack_in(team).await {
        Ok(slack) => slack,
        Err(error) => return from_error(&error),
    };
    let standing = match slack.standing_in(channel_id).await {
        Ok(standing) => standing,
        Err(error) => return from_error(&error),
    };
    if standing.is_archived {
        return Learned::Outside(Outside::Archived);
    }
    if standing.is_member {
        return Learned::Member;
    }
    if !standing.is_public {
        return Learned::Outside(Outside::Private);
    }
    match slack.join(channel_id).await {
        Ok(()) => {
            tracing::info!(channel = %channel_id, "joined the channel");
            Learned::Member
        }
        Err(error) => from_error(&error),
    }
}

/// What Slack's refusal says about the bot's place in a channel.
fn from_error(error: &CallError) -> Learned {
    match error.refusal() {
        Some("is_archived") => Learned::Outside(Outside::Archived),
        Some("channel_not_found" | "method_not_supported_for_channel_type" | "not_in_channel") => {
            Learned::Outside(Outside::Private)
        }
        _ => {
            tracing::warn!(%error, "could not learn whether the bot is in a channel");
            Learned::Unknown
        }
    }
}

/// Slack said the bot joined or left `channel_id`. Joining (an invitation) resumes the
/// channel's meeting notices and digest; leaving stops them, and the App Home tab says so.
pub async fn learned(
    state: &AppState,
    team: &TeamId,
    channel_id: &ChannelId,
    joined: bool,
) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let membership = if joined {
        Membership::Member
    } else {
        Membership::Outside(Outside::Removed)
    };
    store::memberships::set(&mut *tx, channel_id, membership, now)
        .await
        .context("recording the bot's channel membership")?;
    if joined && store::topics::channel_has_topics(&mut *tx, channel_id).await? {
        let settings = store::settings::load(&mut *tx, channel_id)
            .await
            .context("loading settings")?;
        super::pre_meeting::ensure_notices(&mut tx, team, channel_id, &settings, now, now).await?;
        super::weekly::digest(channel_id, &settings)
            .ensure_next(&mut tx, team, now, now)
            .await?;
        // Cards Slack refused while the bot was not in the channel are posted now.
        let attempt = format!("invited-{}", now.timestamp_micros());
        for topic in store::topics::open_without_card(&mut *tx, channel_id).await? {
            let card = compose::cards::render(&mut tx, &topic).await?;
            let delivery = Delivery::topic_card_again(&topic, card, &attempt);
            outbox::queue(&mut tx, &delivery, state.clock.as_ref())
                .await
                .context("queuing a card again")?;
        }
    }
    state.commit(tx, "a membership change").await?;
    tracing::info!(
        channel = %channel_id,
        joined,
        "the bot's channel membership changed"
    );
    Ok(())
}

/// Whether the channel's weekly posts (meeting notices, digest) should go out: not where the
/// bot was removed, or the channel archived.
pub async fn posts_weekly(state: &AppState, channel_id: &ChannelId) -> anyhow::Result<bool> {
    let known = store::memberships::get(&state.db, channel_id)
        .await
        .context("reading the bot's channel membership")?;
    Ok(!matches!(
        known,
        Some(Membership::Outside(Outside::Removed | Outside::Archived))
    ))
}
