//! A meeting's minutes: the channel's meeting on a date, or its last one, as notes. What
//! `archhour minutes` prints and `/archtopic minutes` shows.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::domain::ids::ChannelId;
use crate::domain::notes::MeetingNotes;
use crate::store;

/// What a channel has to show for `minutes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Minutes {
    Found {
        meeting_id: i64,
        notes: MeetingNotes,
    },
    /// The channel has held no meeting at all.
    NoMeetings,
    /// It has, but none on that day.
    NoneOn(NaiveDate),
}

/// The minutes of `channel_id`'s meeting on `date` (its last that day), or of its last meeting.
/// Only that channel's meetings are looked at.
pub async fn find(
    db: &mut PgConnection,
    channel_id: &ChannelId,
    date: Option<NaiveDate>,
) -> anyhow::Result<Minutes> {
    let Some(meeting_id) = store::history::find_meeting(&mut *db, channel_id, date)
        .await
        .context("finding the meeting")?
    else {
        let any = store::history::find_meeting(&mut *db, channel_id, None)
            .await
            .context("finding any meeting")?;
        return Ok(match (any, date) {
            (Some(_), Some(date)) => Minutes::NoneOn(date),
            _ => Minutes::NoMeetings,
        });
    };
    let notes = store::history::meeting_notes(&mut *db, meeting_id)
        .await
        .context("loading the meeting's notes")?
        .with_context(|| format!("meeting {meeting_id} vanished"))?;
    Ok(Minutes::Found { meeting_id, notes })
}
