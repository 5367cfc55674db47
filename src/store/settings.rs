//! Channel settings rows; a channel without a row has the defaults.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::settings::ChannelSettings;

#[derive(sqlx::FromRow)]
struct SettingsRow {
    channel_id: String,
    vote_emoji: String,
    votes_per_person: i32,
    facilitators: Vec<String>,
}

impl From<SettingsRow> for ChannelSettings {
    fn from(row: SettingsRow) -> Self {
        ChannelSettings {
            vote_emoji: row.vote_emoji,
            votes_per_person: u32::try_from(row.votes_per_person).unwrap_or(0),
            facilitators: row.facilitators,
        }
    }
}

pub async fn load(db: impl PgExecutor<'_>, channel_id: &str) -> sqlx::Result<ChannelSettings> {
    let row: Option<SettingsRow> = sqlx::query_as(
        "select channel_id, vote_emoji, votes_per_person, facilitators
         from channel_settings where channel_id = $1",
    )
    .bind(channel_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(ChannelSettings::from).unwrap_or_default())
}

/// Settings of several channels; channels missing from the map have the defaults.
pub async fn load_many(
    db: impl PgExecutor<'_>,
    channel_ids: &[String],
) -> sqlx::Result<HashMap<String, ChannelSettings>> {
    let rows: Vec<SettingsRow> = sqlx::query_as(
        "select channel_id, vote_emoji, votes_per_person, facilitators
         from channel_settings where channel_id = any($1)",
    )
    .bind(channel_ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.channel_id.clone(), row.into()))
        .collect())
}

pub async fn save(
    db: impl PgExecutor<'_>,
    channel_id: &str,
    settings: &ChannelSettings,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into channel_settings
             (channel_id, vote_emoji, votes_per_person, facilitators, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (channel_id) do update set
             vote_emoji = excluded.vote_emoji,
             votes_per_person = excluded.votes_per_person,
             facilitators = excluded.facilitators,
             updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
    )
    .bind(channel_id)
    .bind(&settings.vote_emoji)
    .bind(i32::try_from(settings.votes_per_person).unwrap_or(i32::MAX))
    .bind(&settings.facilitators)
    .bind(now)
    .bind(by)
    .execute(db)
    .await
    .map(|_| ())
}
