//! Channels' calendar feeds: the token in each feed's address and the meeting series it shows.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::domain::calendar::{CalendarToken, ChannelCalendar, Series};
use crate::domain::ids::{ChannelId, TeamId, UserId};

struct CalendarRow {
    channel_id: String,
    team_id: String,
    token: String,
    series_schedule: String,
    series_start: DateTime<Utc>,
    series_sequence: i32,
}

/// `query_as!` reading [`CalendarRow`]s: the columns, then `$tail` (`where …`) with its
/// arguments. One column list for every way a feed is found.
macro_rules! query_calendars {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            CalendarRow,
            "select channel_id, team_id, token, series_schedule, series_start, series_sequence
             from channel_calendars "
                + $tail
            $(, $arg)*
        )
    };
}

impl From<CalendarRow> for ChannelCalendar {
    fn from(row: CalendarRow) -> Self {
        ChannelCalendar {
            channel_id: ChannelId::from(row.channel_id.as_str()),
            team_id: TeamId::from(row.team_id.as_str()),
            token: CalendarToken::stored(row.token),
            series: Series {
                schedule: row.series_schedule,
                start: row.series_start,
                sequence: row.series_sequence,
            },
        }
    }
}

/// The channel's feed, if it has one, with a transaction-long lock on the channel's feed
/// (whether or not its row exists yet): two people asking at once get one token, not two.
pub async fn lock_for_channel(
    db: &mut PgConnection,
    channel_id: &ChannelId,
) -> sqlx::Result<Option<ChannelCalendar>> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('channel_calendars:' || $1, 0))",
        channel_id.as_str()
    )
    .execute(&mut *db)
    .await?;
    let row = query_calendars!("where channel_id = $1", channel_id.as_str())
        .fetch_optional(db)
        .await?;
    Ok(row.map(ChannelCalendar::from))
}

/// The feed whose address holds `token`; `None` for a token no channel has (any more).
pub async fn by_token(
    db: impl PgExecutor<'_>,
    token: &CalendarToken,
) -> sqlx::Result<Option<ChannelCalendar>> {
    let row = query_calendars!("where token = $1", token.as_str())
        .fetch_optional(db)
        .await?;
    Ok(row.map(ChannelCalendar::from))
}

/// Stores a channel's new feed.
pub async fn create(
    db: impl PgExecutor<'_>,
    calendar: &ChannelCalendar,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into channel_calendars
             (channel_id, team_id, token, created_at, series_schedule, series_start,
              series_sequence)
         values ($1, $2, $3, $4, $5, $6, $7)",
        calendar.channel_id.as_str(),
        calendar.team_id.as_str(),
        calendar.token.as_str(),
        now,
        calendar.series.schedule,
        calendar.series.start,
        calendar.series.sequence
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Gives the channel's feed a new token: the old address finds nothing from now on.
pub async fn replace_token(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    token: &CalendarToken,
    by: &UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update channel_calendars set token = $2, reset_at = $3, reset_by = $4
         where channel_id = $1",
        channel_id.as_str(),
        token.as_str(),
        now,
        by.as_str()
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Moves the channel's feed to a new series, unless another request moved it from `previous`
/// first (both computed the same series from the same schedule).
pub async fn follow_series(
    db: impl PgExecutor<'_>,
    channel_id: &ChannelId,
    previous: &Series,
    series: &Series,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update channel_calendars
         set series_schedule = $3, series_start = $4, series_sequence = $5
         where channel_id = $1 and series_schedule = $2",
        channel_id.as_str(),
        previous.schedule,
        series.schedule,
        series.start,
        series.sequence
    )
    .execute(db)
    .await
    .map(|_| ())
}
