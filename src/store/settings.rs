//! Channel settings rows; a channel without a row has the defaults.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use sqlx::PgExecutor;

use crate::domain::ids::{ChannelId, UserId};
use crate::domain::meeting::{Schedule, Span, WeeklyTime};
use crate::domain::settings::ChannelSettings;

struct SettingsRow {
    channel_id: String,
    vote_emoji: String,
    votes_per_person: i32,
    facilitators: Vec<String>,
    schedule_weekday: i16,
    schedule_time: NaiveTime,
    schedule_tz: String,
    meeting_seconds: i32,
    timebox_seconds: Vec<i32>,
    warning_seconds: i32,
    vote_window_seconds: i32,
    digest_weekday: Option<i16>,
    digest_time: NaiveTime,
    reminders_weekday: Option<i16>,
    reminders_time: NaiveTime,
}

/// A checked `sqlx::query_as!` reading [`SettingsRow`]s from the statement `$head`, the columns
/// and `$tail` (the query macros join `+`-separated literals; they cannot expand `concat!`).
macro_rules! query_settings {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            SettingsRow,
            $head
                + "channel_id, vote_emoji, votes_per_person, facilitators, schedule_weekday, \
                   schedule_time, schedule_tz, meeting_seconds, timebox_seconds, warning_seconds, \
                   vote_window_seconds, digest_weekday, digest_time, reminders_weekday, \
                   reminders_time"
                + $tail
            $(, $arg)*
        )
    };
}

impl From<SettingsRow> for ChannelSettings {
    fn from(row: SettingsRow) -> Self {
        let defaults = ChannelSettings::default();
        let span = |seconds: i32| Span::from_secs(u64::try_from(seconds).unwrap_or(0));
        let schedule = match (
            weekday(Some(row.schedule_weekday)),
            row.schedule_tz.parse::<Tz>(),
        ) {
            (Some(weekday), Ok(tz)) => Schedule {
                at: WeeklyTime {
                    weekday,
                    time: row.schedule_time,
                },
                tz,
                length: span(row.meeting_seconds),
            },
            _ => defaults.schedule,
        };
        let timebox: Vec<Span> = row.timebox_seconds.into_iter().map(span).collect();
        ChannelSettings {
            schedule,
            timebox: if timebox.is_empty() {
                defaults.timebox
            } else {
                timebox
            },
            warning: span(row.warning_seconds),
            vote_window: span(row.vote_window_seconds),
            vote_emoji: row.vote_emoji,
            votes_per_person: u32::try_from(row.votes_per_person).unwrap_or(0),
            digest: weekday(row.digest_weekday).map(|weekday| WeeklyTime {
                weekday,
                time: row.digest_time,
            }),
            reminders: weekday(row.reminders_weekday).map(|weekday| WeeklyTime {
                weekday,
                time: row.reminders_time,
            }),
            facilitators: row.facilitators.into_iter().map(UserId::from).collect(),
        }
    }
}

/// ISO weekday number (1 = Monday) to a weekday.
fn weekday(number: Option<i16>) -> Option<Weekday> {
    let index = u8::try_from(number? - 1).ok()?;
    Weekday::try_from(index).ok()
}

fn iso(weekday: Weekday) -> i16 {
    i16::try_from(weekday.number_from_monday()).unwrap_or(1)
}

fn seconds(span: Span) -> i32 {
    i32::try_from(span.secs()).unwrap_or(i32::MAX)
}

pub async fn load(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
) -> sqlx::Result<ChannelSettings> {
    let row: Option<SettingsRow> = query_settings!(
        "select ",
        " from channel_settings where channel_id = $1",
        channel_id.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(ChannelSettings::from).unwrap_or_default())
}

/// A channel's settings for changing them: a transaction-long lock on the channel's settings
/// (whether or not its row exists yet) makes a concurrent change wait, then read this one's
/// result, so neither is lost.
pub async fn load_for_update(
    db: &mut sqlx::PgConnection,
    channel_id: &ChannelId,
) -> sqlx::Result<ChannelSettings> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('channel_settings:' || $1, 0))",
        channel_id.as_str()
    )
    .execute(&mut *db)
    .await?;
    load(&mut *db, channel_id).await
}

/// Settings of several channels; channels missing from the map have the defaults.
pub async fn load_many(
    db: impl PgExecutor<'_>,
    channel_ids: &[ChannelId],
) -> sqlx::Result<HashMap<ChannelId, ChannelSettings>> {
    let rows: Vec<SettingsRow> = query_settings!(
        "select ",
        " from channel_settings where channel_id = any($1)",
        channel_ids as _
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (ChannelId::from(row.channel_id.as_str()), row.into()))
        .collect())
}

pub async fn save(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    settings: &ChannelSettings,
    by: &UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let default_digest = WeeklyTime::parse("mon 09:00").map_or(NaiveTime::MIN, |w| w.time);
    let default_reminders = WeeklyTime::parse("tue 10:00").map_or(NaiveTime::MIN, |w| w.time);
    sqlx::query!(
        "insert into channel_settings
             (channel_id, vote_emoji, votes_per_person, facilitators, schedule_weekday,
              schedule_time, schedule_tz, meeting_seconds, timebox_seconds, warning_seconds,
              vote_window_seconds, digest_weekday, digest_time, reminders_weekday,
              reminders_time, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         on conflict (channel_id) do update set
             vote_emoji = excluded.vote_emoji,
             votes_per_person = excluded.votes_per_person,
             facilitators = excluded.facilitators,
             schedule_weekday = excluded.schedule_weekday,
             schedule_time = excluded.schedule_time,
             schedule_tz = excluded.schedule_tz,
             meeting_seconds = excluded.meeting_seconds,
             timebox_seconds = excluded.timebox_seconds,
             warning_seconds = excluded.warning_seconds,
             vote_window_seconds = excluded.vote_window_seconds,
             digest_weekday = excluded.digest_weekday,
             digest_time = excluded.digest_time,
             reminders_weekday = excluded.reminders_weekday,
             reminders_time = excluded.reminders_time,
             updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
        channel_id.as_str(),
        &settings.vote_emoji,
        i32::try_from(settings.votes_per_person).unwrap_or(i32::MAX),
        &settings.facilitators as _,
        iso(settings.schedule.at.weekday),
        settings.schedule.at.time,
        settings.schedule.tz.name(),
        seconds(settings.schedule.length),
        &settings
            .timebox
            .iter()
            .copied()
            .map(seconds)
            .collect::<Vec<_>>(),
        seconds(settings.warning),
        seconds(settings.vote_window),
        settings.digest.map(|d| iso(d.weekday)),
        settings.digest.map_or(default_digest, |d| d.time),
        settings.reminders.map(|r| iso(r.weekday)),
        settings.reminders.map_or(default_reminders, |r| r.time),
        now,
        by.as_str()
    )
    .execute(db)
    .await
    .map(|_| ())
}
