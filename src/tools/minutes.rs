//! `archhour minutes --channel C (--date YYYY-MM-DD | --last)`: one meeting as Markdown.

use chrono::NaiveDate;
use sqlx::PgPool;

use super::ToolError;
use crate::compose::minutes::{self, Minutes};
use crate::domain::ids::ChannelId;
use crate::domain::notes::render_meeting;

/// The minutes of the channel's meeting on `date`, or of its last meeting.
pub async fn minutes(
    db: &PgPool,
    channel_id: &ChannelId,
    date: Option<NaiveDate>,
) -> anyhow::Result<String> {
    let mut conn = db.acquire().await?;
    match minutes::find(&mut conn, channel_id, date).await? {
        Minutes::Found { notes, .. } => Ok(render_meeting(&notes)),
        Minutes::NoMeetings => {
            Err(ToolError(format!("channel {channel_id} has no meetings")).into())
        }
        Minutes::NoneOn(date) => {
            Err(ToolError(format!("channel {channel_id} had no meeting on {date}")).into())
        }
    }
}
