//! Reminder runs: each owner with open items gets one DM listing them, on the `reminders`
//! schedule, the morning items fall due, and on `remind`. A run's key makes a duplicated or
//! retried run a no-op, so nobody is DMed twice for one run.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;

use crate::domain::actions::{Recipient, ReminderKind, recipients};
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::job::{Job, ScheduledJob, due_subject};
use crate::domain::meeting::local_to_utc;
use crate::domain::settings::ChannelSettings;
use crate::outbox;
use crate::slack::blocks::{Reply, items as messages};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store::{self, jobs::ClaimedJob};
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::SendReminders, settings_if_allowed};
use crate::usecases::weekly;

/// The local time of the due-date morning run.
const DUE_MORNING: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// Starts run `run_key` in the caller's transaction: one DM per owner, queued. `None` if the run
/// already happened; else how many DMs it sends.
pub async fn run(
    tx: &mut PgConnection,
    state: &AppState,
    channel_id: &ChannelId,
    run_key: &str,
    kind: ReminderKind,
    by: Option<&UserId>,
) -> anyhow::Result<Option<usize>> {
    let now = state.clock.now();
    if !store::reminders::start_run(&mut *tx, run_key, channel_id, by, now)
        .await
        .context("starting a reminder run")?
    {
        return Ok(None);
    }
    let settings = store::settings::load(&mut *tx, channel_id)
        .await
        .context("loading settings")?;
    let today = now.with_timezone(&settings.schedule.tz).date_naive();
    let items = store::items::open_in_channel(&mut *tx, channel_id)
        .await
        .context("loading open items")?;
    let dms = recipients(&items, kind, now, today);
    for Recipient { owner, items } in &dms {
        let ids: Vec<i64> = items.iter().map(|line| line.item_id).collect();
        store::reminders::add_dm(&mut *tx, run_key, owner, &ids)
            .await
            .context("recording a reminder DM")?;
        outbox::queue(
            tx,
            &Delivery::reminder_dm(run_key, owner),
            state.clock.as_ref(),
        )
        .await
        .context("queuing a reminder DM")?;
    }
    Ok(Some(dms.len()))
}

/// `remind`: a facilitator sends the reminders now; at most once per channel per day.
pub async fn remind(state: &AppState, command: &SlashCommand) -> anyhow::Result<Reply> {
    let settings = match settings_if_allowed(state, command, SendReminders).await? {
        Ok(settings) => settings,
        Err(refusal) => return Ok(refusal.reply()),
    };
    let today = state
        .clock
        .now()
        .with_timezone(&settings.schedule.tz)
        .date_naive();
    let run_key = format!("remind:{}:{today}", command.channel_id);
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let sent = run(
        &mut tx,
        state,
        &command.channel_id,
        &run_key,
        ReminderKind::Everyone,
        Some(&command.user_id),
    )
    .await?;
    state.commit(tx, "a reminder run").await?;
    Ok(match sent {
        Some(dms) => messages::reminders_sent(dms),
        None => messages::reminders_already_sent(),
    })
}

/// Schedules the 09:00 run (channel time) on the day an item falls due, unless that is past.
pub async fn schedule_due_morning(
    tx: &mut PgConnection,
    channel_id: &ChannelId,
    settings: &ChannelSettings,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let due_at = local_to_utc(settings.schedule.tz, date, DUE_MORNING);
    if due_at <= now {
        return Ok(());
    }
    let scheduled = ScheduledJob {
        key: format!("due-morning:{channel_id}:{date}"),
        subject: due_subject(channel_id),
        job: Job::DueMorning {
            channel_id: channel_id.clone(),
            date,
        },
        due_at,
    };
    store::jobs::schedule(&mut *tx, &scheduled, now)
        .await
        .context("scheduling a due-date reminder")?;
    Ok(())
}

/// Runs a scheduled reminder run (weekly or due-date morning).
pub async fn run_job(state: &AppState, claimed: &ClaimedJob) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    match &claimed.job {
        Job::ReminderRun {
            channel_id,
            occurrence,
        } => {
            let settings = store::settings::load(&mut *tx, channel_id)
                .await
                .context("loading settings")?;
            // A run for a time the setting no longer names is stale.
            let current = settings
                .reminders
                .is_some_and(|at| at.falls_at(settings.schedule.tz, *occurrence));
            if current {
                let key = format!("reminders:{channel_id}:{}", occurrence.timestamp());
                run(
                    &mut tx,
                    state,
                    channel_id,
                    &key,
                    ReminderKind::Everyone,
                    None,
                )
                .await?;
                weekly::reminder_run(channel_id, &settings)
                    .ensure_next(&mut tx, *occurrence, state.clock.now())
                    .await?;
            }
        }
        Job::DueMorning { channel_id, date } => {
            let key = format!("due:{channel_id}:{date}");
            run(
                &mut tx,
                state,
                channel_id,
                &key,
                ReminderKind::DueOn(*date),
                None,
            )
            .await?;
        }
        _ => anyhow::bail!("not a reminder run"),
    }
    state.complete_job(tx, claimed).await
}
