//! Steps that recur each week at a channel's local time (the digest, the reminder run):
//! scheduling the next one, and replacing it when its setting or the schedule changes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;

use anyhow::Context;

use crate::domain::ids::{ChannelId, TeamId};
use crate::domain::job::{Job, ScheduledJob, digest_subject, reminders_subject};
use crate::domain::meeting::WeeklyTime;
use crate::domain::settings::ChannelSettings;
use crate::store;

/// The channel's weekly digest (off when the `digest` setting is).
pub fn digest<'a>(channel_id: &'a ChannelId, settings: &ChannelSettings) -> Weekly<'a> {
    Weekly {
        channel_id,
        at: settings.digest,
        tz: settings.schedule.tz,
        name: "digest",
        subject: digest_subject(channel_id),
        job: |channel_id, occurrence| Job::Digest {
            channel_id,
            occurrence,
        },
    }
}

/// The channel's weekly reminder run (off when the `reminders` setting is).
pub fn reminder_run<'a>(channel_id: &'a ChannelId, settings: &ChannelSettings) -> Weekly<'a> {
    Weekly {
        channel_id,
        at: settings.reminders,
        tz: settings.schedule.tz,
        name: "reminder-run",
        subject: reminders_subject(channel_id),
        job: |channel_id, occurrence| Job::ReminderRun {
            channel_id,
            occurrence,
        },
    }
}

/// One channel's weekly step.
#[derive(Debug)]
pub struct Weekly<'a> {
    pub channel_id: &'a ChannelId,
    /// When it runs; `None` when the setting is off.
    pub at: Option<WeeklyTime>,
    pub tz: Tz,
    /// Names the step in its key: `{name}:{channel}:{occurrence}`.
    pub name: &'static str,
    /// The subject its pending runs are cancelled by.
    pub subject: String,
    /// The step for an occurrence.
    pub job: fn(ChannelId, DateTime<Utc>) -> Job,
}

impl Weekly<'_> {
    /// Whether the setting still names `occurrence` (a run for a time it no longer names is
    /// stale).
    pub fn falls_at(&self, occurrence: DateTime<Utc>) -> bool {
        self.at.is_some_and(|at| at.falls_at(self.tz, occurrence))
    }

    /// The first run after `after`; `None` when the setting is off.
    pub fn next(&self, after: DateTime<Utc>) -> Option<ScheduledJob> {
        let occurrence = self.at?.next_after(self.tz, after);
        Some(ScheduledJob {
            key: format!(
                "{}:{}:{}",
                self.name,
                self.channel_id,
                occurrence.timestamp()
            ),
            subject: self.subject.clone(),
            job: (self.job)(self.channel_id.clone(), occurrence),
            due_at: occurrence,
        })
    }

    /// Schedules the first run after `after` (none when off) for `team`. Scheduling it again
    /// is a no-op.
    pub async fn ensure_next(
        &self,
        tx: &mut PgConnection,
        team: &TeamId,
        after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let Some(scheduled) = self.next(after) else {
            return Ok(());
        };
        store::jobs::schedule(&mut *tx, &scheduled, Some(team), now)
            .await
            .with_context(|| format!("scheduling the next {}", self.name))?;
        Ok(())
    }
}
