//! `archhour minutes --channel C (--date YYYY-MM-DD | --last)`: one meeting as Markdown.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::ToolError;
use crate::notes::render_meeting;
use crate::store;

/// The minutes of the channel's meeting on `date`, or of its last meeting.
pub async fn minutes(
    db: &PgPool,
    channel_id: &str,
    date: Option<NaiveDate>,
) -> anyhow::Result<String> {
    let mut conn = db.acquire().await?;
    let Some(meeting_id) = store::history::find_meeting(&mut conn, channel_id, date).await? else {
        let any = store::history::find_meeting(&mut conn, channel_id, None).await?;
        return Err(ToolError(match (any, date) {
            (None, _) => format!("channel {channel_id} has no meetings"),
            (Some(_), Some(date)) => format!("channel {channel_id} had no meeting on {date}"),
            (Some(_), None) => format!("channel {channel_id} has no meetings"),
        })
        .into());
    };
    let notes = store::history::meeting_notes(&mut conn, meeting_id)
        .await?
        .ok_or_else(|| ToolError(format!("meeting {meeting_id} vanished")))?;
    Ok(render_meeting(&notes))
}
