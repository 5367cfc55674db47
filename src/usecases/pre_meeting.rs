//! The messages before a meeting: a nudge a day before ("add topics and vote", with the top 5)
//! and a reminder 10 minutes before, scheduled from the channel's schedule. When one falls
//! due, a pure `decide` says what it posts and which notices come next.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::decision::{Decision, NoChange};
use crate::compose;
use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::job::{Job, PreMeetingNotice, ScheduledJob, schedule_subject};
use crate::domain::settings::ChannelSettings;
use crate::domain::votes::RankedTopic;
use crate::slack::blocks::{Reply, meeting as messages};
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

/// Schedules the notices for the first meeting after `after` (those not already past), for
/// `team`.
/// Scheduling the same occurrence again changes nothing.
pub async fn ensure_notices(
    tx: &mut PgConnection,
    team: &TeamId,
    channel_id: &ChannelId,
    settings: &ChannelSettings,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for scheduled in notices(channel_id, settings, after, now) {
        store::jobs::schedule(&mut *tx, &scheduled, Some(team), now)
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

/// Notice `notice` of the meeting at `occurrence`, falling due: posted under the step's `key`
/// with the top of the agenda (`ranked`), and the next meeting's notices scheduled; nothing if
/// the schedule no longer has that meeting.
pub fn decide(
    key: &str,
    channel_id: &ChannelId,
    occurrence: DateTime<Utc>,
    notice: PreMeetingNotice,
    settings: &ChannelSettings,
    ranked: &[RankedTopic],
    now: DateTime<Utc>,
) -> Decision<NoChange> {
    if !settings.schedule.falls_at(occurrence) {
        return Decision::reply(Reply::nothing());
    }
    let soon = notice == PreMeetingNotice::Soon;
    let message = messages::pre_meeting(soon, occurrence, settings.schedule.tz, ranked);
    let mut decision = Decision::reply(Reply::nothing()).call(Delivery::post(
        key.to_string(),
        channel_id,
        message,
    ));
    for next in notices(channel_id, settings, occurrence, now) {
        decision = decision.step(next);
    }
    decision
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
    let ranked = compose::agenda::ranked(&mut tx, channel_id).await?;
    let decision = decide(
        &claimed.key,
        channel_id,
        *occurrence,
        *notice,
        &settings,
        &ranked,
        now,
    );
    state
        .write(&mut tx, claimed.team.as_ref(), Ok(decision))
        .await?;
    state.complete_job(tx, claimed).await
}

#[cfg(test)]
mod tests;
