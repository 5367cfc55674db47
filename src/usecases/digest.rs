//! The weekly digest: posted on the `digest` schedule, by `digest` now, or shown privately by
//! `digest preview`; at most once per channel per period, however many processes run.
//!
//! Posting loads the period's lock and, unless its digest was posted, the digest; a pure
//! `decide_…` says whether to post it (and, on schedule, when the next one is), and the applier
//! claims the period and queues the message together.
//!
//! With `ARCHHOUR_PUBLIC_URL` set, a posted digest carries its chart: an image at
//! `{ARCHHOUR_PUBLIC_URL}charts/{token}.png`, a new random token each time, kept with the
//! period's claim together with the months it draws ([`chart`] serves it). With the web
//! archive on, it ends with a link to the channel's archive page.

use anyhow::Context;
use chrono::{DateTime, Datelike, Utc};
use sqlx::PgConnection;
use url::Url;

use super::decision::{Change, Decided, Decision};
use super::refusal::Refusal;
use crate::compose;
use crate::compose::charts::digest as chart_of;
use crate::domain::digest_chart::{ChartToken, MonthEnd};
use crate::domain::ids::ChannelId;
use crate::domain::job::Job;
use crate::domain::settings::ChannelSettings;
use crate::slack::blocks::{self, Reply, digest as messages};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::PostTheDigest, allowed};
use crate::usecases::weekly;

pub mod chart;
#[cfg(test)]
mod tests;

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

/// `digest preview`: the digest, to the caller only. A pure read: nothing to decide. It has
/// the archive's link but not the chart, whose image exists only once a digest is posted.
pub async fn preview(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let mut conn = state.db.acquire().await.context("connecting")?;
    let digest = compose::digest::gather(&mut conn, &command.channel_id, state.clock.now()).await?;
    let links = messages::DigestLinks {
        chart: None,
        archive: archive_page(state, &command.channel_id),
    };
    Ok(messages::digest_with(&digest, &links))
}

/// The channel's page in the web archive, when the archive is on.
fn archive_page(state: &AppState, channel_id: &ChannelId) -> Option<Url> {
    let archive = state.archive_url.as_ref()?;
    archive.join(channel_id.as_str()).ok()
}

/// The chart a digest about to be posted shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChart {
    /// The secret in its image's address.
    pub token: ChartToken,
    /// The address: `{ARCHHOUR_PUBLIC_URL}charts/{token}.png`.
    pub url: Url,
    /// What it draws.
    pub months: Vec<MonthEnd>,
}

impl DigestChart {
    /// The chart of `months` at an address made of `public_url` and `token`; `None` when the
    /// channel never had an action item (nothing to draw).
    pub fn new(public_url: &Url, token: ChartToken, months: Vec<MonthEnd>) -> Option<DigestChart> {
        if months.is_empty() {
            return None;
        }
        let url = public_url
            .join(&format!("charts/{}.png", token.as_str()))
            .ok()?;
        Some(DigestChart { token, url, months })
    }

    fn image(&self) -> messages::ChartImage {
        let chart = chart_of::items_by_month(&self.months);
        messages::ChartImage {
            url: self.url.clone(),
            title: chart.title,
            alt_text: chart.summary,
        }
    }
}

/// A period's digest as loaded for posting.
#[derive(Debug, Clone)]
pub struct Posting {
    pub channel_id: ChannelId,
    /// The period it covers: one digest per channel per period.
    pub period: String,
    /// The digest; `None` when this period's was posted.
    pub digest: Option<messages::Digest>,
    /// Its chart, when `ARCHHOUR_PUBLIC_URL` is set and there is something to draw.
    pub chart: Option<DigestChart>,
    /// The channel's archive page, when the web archive is on.
    pub archive: Option<Url>,
}

impl Posting {
    /// Takes the lock on the channel's digest for the period `now` falls in, until `tx` ends (a
    /// second process posting it waits, then finds it posted), and gathers the digest unless it
    /// was posted, with its chart and the archive's link as far as `state` serves them.
    async fn load(
        state: &AppState,
        tx: &mut PgConnection,
        channel_id: &ChannelId,
        settings: &ChannelSettings,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Posting> {
        let period = period(settings, now);
        let posted = store::digests::lock_period(&mut *tx, channel_id, &period)
            .await
            .context("locking the digest period")?;
        let mut posting = Posting {
            channel_id: channel_id.clone(),
            period,
            digest: None,
            chart: None,
            archive: None,
        };
        if posted {
            return Ok(posting);
        }
        // Gathered before the period is claimed: "new since the last digest" means the
        // previous one.
        posting.digest = Some(compose::digest::gather(tx, channel_id, now).await?);
        if let Some(public_url) = &state.public_url {
            let months = compose::digest::chart_months(tx, channel_id, now).await?;
            let token = ChartToken::from_bytes(rand::random());
            posting.chart = DigestChart::new(public_url, token, months);
        }
        posting.archive = archive_page(state, channel_id);
        Ok(posting)
    }
}

/// Posting the digest in the channel, once for its period; `None` if it was posted.
fn post(posting: &Posting) -> Option<Decision<PeriodClaim>> {
    let digest = posting.digest.as_ref()?;
    let (channel_id, period) = (&posting.channel_id, &posting.period);
    let links = messages::DigestLinks {
        chart: posting.chart.as_ref().map(DigestChart::image),
        archive: posting.archive.clone(),
    };
    Some(
        Decision::reply(blocks::control_done(
            "Posted this week's digest in the channel",
        ))
        .change(PeriodClaim {
            channel_id: channel_id.clone(),
            period: period.clone(),
            chart: posting.chart.clone(),
        })
        .call(Delivery::post(
            format!("digest:{channel_id}:{period}"),
            channel_id,
            messages::digest_with(digest, &links),
        )),
    )
}

/// `digest`: post it now, or a refusal when this period's was posted.
pub fn decide_now(posting: &Posting) -> Decided<PeriodClaim> {
    post(posting).ok_or(Refusal::DigestAlreadyPosted)
}

/// The scheduled digest at `occurrence`: posted (unless this period's was), and the next one
/// scheduled; nothing at all if the `digest` setting no longer names that time.
pub fn decide_scheduled(
    posting: &Posting,
    settings: &ChannelSettings,
    occurrence: DateTime<Utc>,
) -> Decision<PeriodClaim> {
    let weekly = weekly::digest(&posting.channel_id, settings);
    if !weekly.falls_at(occurrence) {
        return Decision::reply(Reply::nothing());
    }
    let decision = post(posting).unwrap_or_else(|| Decision::reply(Reply::nothing()));
    match weekly.next(occurrence) {
        Some(next) => decision.step(next),
        None => decision,
    }
}

/// A channel's digest period, marked posted, with the chart its digest shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodClaim {
    pub channel_id: ChannelId,
    pub period: String,
    pub chart: Option<DigestChart>,
}

impl Change for PeriodClaim {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        let chart = self
            .chart
            .as_ref()
            .map(|chart| (&chart.token, chart.months.as_slice()));
        let claimed =
            store::digests::claim_with_chart(&mut *tx, &self.channel_id, &self.period, now, chart)
                .await
                .context("claiming the digest period")?;
        anyhow::ensure!(
            claimed,
            "the digest for {} {} was posted while locked",
            self.channel_id,
            self.period
        );
        Ok(())
    }
}

/// `digest`: a facilitator posts this period's digest now.
pub async fn post_now(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let settings = store::settings::load(&mut *tx, &command.channel_id)
        .await
        .context("loading settings")?;
    let decided = match allowed(settings, &command.user_id, PostTheDigest) {
        Ok(settings) => {
            decide_now(&Posting::load(state, &mut tx, &command.channel_id, &settings, now).await?)
        }
        Err(refusal) => Err(refusal),
    };
    state
        .carry_out(tx, Some(&command.team_id), decided, "the digest")
        .await
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
    let posting = Posting::load(state, &mut tx, channel_id, &settings, state.clock.now()).await?;
    let decision = decide_scheduled(&posting, &settings, *occurrence);
    state
        .write(&mut tx, claimed.team.as_ref(), Ok(decision))
        .await?;
    state.complete_job(tx, claimed).await
}
