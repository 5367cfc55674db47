//! Steps that recur each week at a channel's local time (the digest, the reminder run):
//! scheduling the next one, and replacing it when its setting or the schedule changes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;

use crate::domain::job::{Job, ScheduledJob};
use crate::domain::meeting::WeeklyTime;
use crate::store;

/// One channel's weekly step.
#[derive(Debug)]
pub struct Weekly<'a> {
    pub channel_id: &'a str,
    /// When it runs; `None` when the setting is off.
    pub at: Option<WeeklyTime>,
    pub tz: Tz,
    /// Names the step in its key: `{name}:{channel}:{occurrence}`.
    pub name: &'static str,
    /// The subject its pending runs are cancelled by.
    pub subject: String,
    /// The step for an occurrence.
    pub job: fn(String, DateTime<Utc>) -> Job,
}

impl Weekly<'_> {
    /// Schedules the first run after `after` (none when off). Scheduling it again is a no-op.
    pub async fn ensure_next(
        &self,
        tx: &mut PgConnection,
        after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> sqlx::Result<()> {
        let Some(at) = self.at else {
            return Ok(());
        };
        let occurrence = at.next_after(self.tz, after);
        let scheduled = ScheduledJob {
            key: format!(
                "{}:{}:{}",
                self.name,
                self.channel_id,
                occurrence.timestamp()
            ),
            subject: self.subject.clone(),
            job: (self.job)(self.channel_id.to_string(), occurrence),
            due_at: occurrence,
        };
        store::jobs::schedule(&mut *tx, &scheduled, now).await?;
        Ok(())
    }

    /// Cancels the pending run and schedules the next one from `now`.
    pub async fn replace(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> sqlx::Result<()> {
        store::jobs::cancel_subject(&mut *tx, &self.subject, now).await?;
        self.ensure_next(tx, now, now).await
    }
}
