//! The weekly digest: posted on the `digest` schedule, by `digest` now, or shown privately by
//! `digest preview`; at most once per channel per period, however many processes run.

use anyhow::Context;
use chrono::{DateTime, Datelike, Utc};
use sqlx::PgConnection;

use crate::compose;
use crate::domain::ids::ChannelId;
use crate::domain::job::Job;
use crate::domain::settings::ChannelSettings;
use crate::outbox;
use crate::slack::blocks::{self, Reply, digest as messages};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::PostTheDigest, settings_if_allowed};
use crate::usecases::weekly;

/// The digest period `now` falls in: named by the scheduled digest time that began it, or by
/// the ISO week when the channel has no digest schedule.
pub fn period(settings: &ChannelSettings, now: DateTime<Utc>) -> String {
    let tz = settings.schedule.tz;
    match settings.digest {
        Some(at) => format!("from {}", at.last_at_or_before(tz, now).to_rfc3339()),
        None => {
            let week = now.with_timezone(&tz).iso_week();
            format!("week {}-W{:02}", week.year(), week.week())
        }
    }
}

/// `digest preview`: the digest, to the caller only.
pub async fn preview(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    let digest = compose::digest::gather(&mut conn, &command.channel_id, state.clock.now()).await?;
    Ok(messages::digest(&digest))
}

/// `digest`: a facilitator posts this period's digest now.
pub async fn post_now(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let settings = match settings_if_allowed(state, command, PostTheDigest).await? {
        Ok(settings) => settings,
        Err(refusal) => return Ok(refusal.reply()),
    };
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let posted = post(&mut tx, state, &command.channel_id, &settings).await?;
    state.commit(tx, "the digest").await?;
    Ok(blocks::control_done(if posted {
        "Posted this week's digest in the channel"
    } else {
        "This period's digest was already posted; it is not posted twice"
    }))
}

/// Queues the digest unless this period's was posted. Returns whether it was queued.
async fn post(
    tx: &mut PgConnection,
    state: &AppState,
    channel_id: &ChannelId,
    settings: &ChannelSettings,
) -> anyhow::Result<bool> {
    let now = state.clock.now();
    // Gathered before the period is claimed: "new since the last digest" means the previous one.
    let digest = compose::digest::gather(tx, channel_id, now).await?;
    let period = period(settings, now);
    if !store::digests::claim(&mut *tx, channel_id, &period, now)
        .await
        .context("claiming the digest period")?
    {
        return Ok(false);
    }
    let delivery = Delivery::post(
        format!("digest:{channel_id}:{period}"),
        channel_id,
        messages::digest(&digest),
    );
    outbox::queue(tx, &delivery, state.clock.as_ref())
        .await
        .context("queuing the digest")?;
    Ok(true)
}

/// Runs a scheduled digest.
pub async fn run_job(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    let Job::Digest {
        channel_id,
        occurrence,
    } = &claimed.job
    else {
        anyhow::bail!("not a digest");
    };
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let settings = store::settings::load(&mut *tx, channel_id)
        .await
        .context("loading settings")?;
    // A digest for a time the setting no longer names is stale.
    let current = settings
        .digest
        .is_some_and(|at| at.falls_at(settings.schedule.tz, *occurrence));
    if current {
        post(&mut tx, state, channel_id, &settings).await?;
        weekly::digest(channel_id, &settings)
            .ensure_next(&mut tx, *occurrence, state.clock.now())
            .await?;
    }
    state.complete_job(tx, claimed).await
}
