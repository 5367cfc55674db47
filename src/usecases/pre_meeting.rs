//! The messages before a meeting: a nudge a day before ("add topics and vote", with the top 5)
//! and a reminder 10 minutes before, scheduled from the channel's schedule.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use crate::compose;
use crate::domain::ids::ChannelId;
use crate::domain::job::{Job, PreMeetingNotice, ScheduledJob, schedule_subject};
use crate::domain::settings::ChannelSettings;
use crate::outbox;
use crate::slack::blocks::meeting as messages;
use crate::slack::outgoing::Delivery;
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases::AppState;

/// How long before the meeting each notice is posted.
fn lead(notice: PreMeetingNotice) -> Duration {
    match notice {
        PreMeetingNotice::DayBefore => Duration::hours(24),
        PreMeetingNotice::Soon => Duration::minutes(10),
    }
}

/// Schedules the notices for the first meeting after `after` (those not already past).
/// Scheduling the same occurrence again changes nothing.
pub async fn ensure_notices(
    tx: &mut PgConnection,
    channel_id: &ChannelId,
    settings: &ChannelSettings,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for scheduled in notices(channel_id, settings, after, now) {
        store::jobs::schedule(&mut *tx, &scheduled, now)
            .await
            .context("scheduling a pre-meeting notice")?;
    }
    Ok(())
}

/// The notices for the first meeting after `after` that are not already past at `now`.
pub fn notices(
    channel_id: &ChannelId,
    settings: &ChannelSettings,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<ScheduledJob> {
    let occurrence = settings.schedule.next_after(after);
    [PreMeetingNotice::DayBefore, PreMeetingNotice::Soon]
        .into_iter()
        .filter(|notice| occurrence - lead(*notice) > now)
        .map(|notice| ScheduledJob {
            key: format!(
                "pre-meeting:{channel_id}:{}:{notice:?}",
                occurrence.timestamp()
            ),
            subject: schedule_subject(channel_id),
            job: Job::PreMeeting {
                channel_id: channel_id.clone(),
                occurrence,
                notice,
            },
            due_at: occurrence - lead(notice),
        })
        .collect()
}

/// Replaces the channel's pending notices after its schedule changed.
pub async fn reschedule_notices(
    tx: &mut PgConnection,
    channel_id: &ChannelId,
    settings: &ChannelSettings,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    store::jobs::cancel_subject(&mut *tx, &schedule_subject(channel_id), now)
        .await
        .context("cancelling old notices")?;
    ensure_notices(tx, channel_id, settings, now, now).await
}

/// Posts a pre-meeting notice, if the schedule still has that meeting.
pub async fn run(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    let Job::PreMeeting {
        channel_id,
        occurrence,
        notice,
    } = &claimed.job
    else {
        anyhow::bail!("not a pre-meeting notice");
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let settings = store::settings::load(&mut *tx, channel_id)
        .await
        .context("loading settings")?;
    // A notice for a meeting the schedule no longer has is stale.
    if settings.schedule.falls_at(*occurrence) {
        let ranked = compose::agenda::ranked(&mut tx, channel_id).await?;
        let soon = *notice == PreMeetingNotice::Soon;
        let message = messages::pre_meeting(soon, *occurrence, settings.schedule.tz, &ranked);
        outbox::queue(
            &mut tx,
            &Delivery::post(claimed.key.clone(), channel_id, message),
            state.clock.as_ref(),
        )
        .await
        .context("queuing a pre-meeting notice")?;
        ensure_notices(&mut tx, channel_id, &settings, *occurrence, now).await?;
    }
    state.complete_job(tx, claimed).await
}
