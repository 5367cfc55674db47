//! Reminder runs: each owner with open items gets one DM listing them, on the `reminders`
//! schedule, the morning items fall due, and on `remind`. A run's key makes a duplicated or
//! retried run a no-op, so nobody is DMed twice for one run.
//!
//! A run loads its key's lock and, unless it happened, the channel's open items; a pure
//! `decide_…` says whom to DM with what (and, on schedule, when the next run is), and the
//! applier records the run and its DMs and queues them.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;

use super::decision::{Change, Decided, Decision};
use super::refusal::Refusal;
use crate::domain::actions::{ActionItem, Recipient, ReminderKind, recipients};
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::job::{Job, ScheduledJob, due_subject};
use crate::domain::meeting::local_to_utc;
use crate::domain::settings::ChannelSettings;
use crate::slack::blocks::{Reply, items as messages};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::SendReminders, allowed};
use crate::usecases::weekly;

#[cfg(test)]
mod tests;

/// The local time of the due-date morning run.
const DUE_MORNING: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// A reminder run as loaded: which one, and (unless it happened) the channel's open items.
#[derive(Debug, Clone)]
pub struct Run {
    /// A run happens once per key.
    pub key: String,
    pub channel_id: ChannelId,
    pub kind: ReminderKind,
    /// Who asked (`remind`); `None` on schedule.
    pub by: Option<UserId>,
    /// The channel's time zone: what day it is, so which items are overdue.
    pub tz: Tz,
    /// The channel's open items; `None` when the run already happened.
    pub items: Option<Vec<ActionItem>>,
}

impl Run {
    /// Takes the run's lock until `tx` ends (a second process deciding it waits, then finds it
    /// happened) and loads the open items unless it happened.
    async fn load(mut self, tx: &mut PgConnection) -> anyhow::Result<Run> {
        let happened = store::reminders::lock_run(&mut *tx, &self.key)
            .await
            .context("locking the reminder run")?;
        if !happened {
            let items = store::items::open_in_channel(&mut *tx, &self.channel_id)
                .await
                .context("loading open items")?;
            self.items = Some(items);
        }
        Ok(self)
    }
}

/// The run's DMs: one to each owner with open items (for a due-date run, only owners with
/// something due that day), listing them all; `None` if the run happened.
fn dms(run: &Run, now: DateTime<Utc>) -> Option<Decision<RunChange>> {
    let items = run.items.as_ref()?;
    let today = now.with_timezone(&run.tz).date_naive();
    let dms = recipients(items, run.kind, now, today);
    let mut decision =
        Decision::reply(messages::reminders_sent(dms.len())).change(RunChange::Start {
            run_key: run.key.clone(),
            channel_id: run.channel_id.clone(),
            by: run.by.clone(),
        });
    for Recipient { owner, items } in dms {
        decision = decision
            .call(Delivery::reminder_dm(&run.key, &owner))
            .change(RunChange::Dm {
                run_key: run.key.clone(),
                user_id: owner,
                item_ids: items.iter().map(|line| line.item_id).collect(),
            });
    }
    Some(decision)
}

/// `remind`: the run's DMs, or a refusal when today's run already happened.
pub fn decide_remind(run: &Run, now: DateTime<Utc>) -> Decided<RunChange> {
    dms(run, now).ok_or(Refusal::AlreadyReminded)
}

/// The weekly run at `occurrence`: its DMs (none if it happened), and the next run; nothing
/// at all if the `reminders` setting no longer names that time.
pub fn decide_weekly(
    run: &Run,
    settings: &ChannelSettings,
    occurrence: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Decision<RunChange> {
    let weekly = weekly::reminder_run(&run.channel_id, settings);
    if !weekly.falls_at(occurrence) {
        return Decision::reply(Reply::nothing());
    }
    let decision = dms(run, now).unwrap_or_else(|| Decision::reply(Reply::nothing()));
    match weekly.next(occurrence) {
        Some(next) => decision.step(next),
        None => decision,
    }
}

/// The morning items fall due: the run's DMs, or nothing if it happened.
pub fn decide_due_morning(run: &Run, now: DateTime<Utc>) -> Decision<RunChange> {
    dms(run, now).unwrap_or_else(|| Decision::reply(Reply::nothing()))
}

/// What a run writes: the run itself (first), then each owner's DM and the items it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunChange {
    Start {
        run_key: String,
        channel_id: ChannelId,
        by: Option<UserId>,
    },
    Dm {
        run_key: String,
        user_id: UserId,
        item_ids: Vec<i64>,
    },
}

impl Change for RunChange {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        match self {
            RunChange::Start {
                run_key,
                channel_id,
                by,
            } => {
                let started =
                    store::reminders::start_run(&mut *tx, run_key, channel_id, by.as_ref(), now)
                        .await
                        .context("starting a reminder run")?;
                anyhow::ensure!(started, "reminder run {run_key} happened while locked");
            }
            RunChange::Dm {
                run_key,
                user_id,
                item_ids,
            } => store::reminders::add_dm(&mut *tx, run_key, user_id, item_ids)
                .await
                .context("recording a reminder DM")?,
        }
        Ok(())
    }
}

/// `remind`: a facilitator sends the reminders now; at most once per channel per day.
pub async fn remind(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let settings = store::settings::load(&mut *tx, &command.channel_id)
        .await
        .context("loading settings")?;
    let decided = match allowed(settings, &command.user_id, SendReminders) {
        Ok(settings) => {
            let tz = settings.schedule.tz;
            let today = now.with_timezone(&tz).date_naive();
            let run = Run {
                key: format!("remind:{}:{today}", command.channel_id),
                channel_id: command.channel_id.clone(),
                kind: ReminderKind::Everyone,
                by: Some(command.user_id.clone()),
                tz,
                items: None,
            };
            decide_remind(&run.load(&mut tx).await?, now)
        }
        Err(refusal) => Err(refusal),
    };
    state
        .carry_out(tx, Some(&command.team_id), decided, "a reminder run")
        .await
}

/// The 09:00 run (channel time) on the day an item falls due; `None` if that is past.
pub fn due_morning(
    channel_id: &ChannelId,
    settings: &ChannelSettings,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Option<ScheduledJob> {
    let due_at = local_to_utc(settings.schedule.tz, date, DUE_MORNING);
    (due_at > now).then(|| ScheduledJob {
        key: format!("due-morning:{channel_id}:{date}"),
        subject: due_subject(channel_id),
        job: Job::DueMorning {
            channel_id: channel_id.clone(),
            date,
        },
        due_at,
    })
}

/// Runs a scheduled reminder run (weekly or due-date morning).
pub async fn run_job(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    // A weekly run is named by its occurrence, a due-date run by its day.
    let (channel_id, key, kind, weekly_at) = match &claimed.job {
        Job::ReminderRun {
            channel_id,
            occurrence,
        } => (
            channel_id,
            format!("reminders:{channel_id}:{}", occurrence.timestamp()),
            ReminderKind::Everyone,
            Some(*occurrence),
        ),
        Job::DueMorning { channel_id, date } => (
            channel_id,
            format!("due:{channel_id}:{date}"),
            ReminderKind::DueOn(*date),
            None,
        ),
        _ => anyhow::bail!("not a reminder run"),
    };
    let settings = store::settings::load(&mut *tx, channel_id)
        .await
        .context("loading settings")?;
    let run = Run {
        key,
        channel_id: channel_id.clone(),
        kind,
        by: None,
        tz: settings.schedule.tz,
        items: None,
    }
    .load(&mut tx)
    .await?;
    let decision = match weekly_at {
        Some(occurrence) => decide_weekly(&run, &settings, occurrence, now),
        None => decide_due_morning(&run, now),
    };
    state
        .write(&mut tx, claimed.team.as_ref(), Ok(decision))
        .await?;
    state.complete_job(tx, claimed).await
}
