//! The channel's meeting in everyone's calendar: `/archtopic calendar` (anyone) answers with
//! the channel's feed address, making the feed the first time; `calendar reset` (facilitators)
//! gives it a new address, and the old one finds nothing from then on. [`feed`] is what the
//! address serves: the channel's meeting series in its time zone, the next agenda in its
//! description, following the channel's schedule.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use url::Url;

use super::decision::{Change, Decided, Decision};
use super::facilitators::{FacilitatorsOnly, allowed};
use super::rights::Asker;
use crate::compose;
use crate::domain::calendar::{self, CalendarToken, ChannelCalendar, Feed, Series};
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::settings::ChannelSettings;
use crate::slack::blocks::{self, Reply, calendar as messages};
use crate::slack::inbound::SlashCommand;
use crate::store;
use crate::usecases::AppState;

/// `calendar` (`reset: false`) or `calendar reset`.
pub async fn command(
    state: &AppState,
    command: &SlashCommand,
    reset: bool,
) -> anyhow::Result<Reply> {
    if command.is_direct_message() {
        return Ok(blocks::direct_message_refusal());
    }
    let Some(public_url) = &state.public_url else {
        return Ok(messages::needs_public_url());
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let settings = store::settings::load(&mut *tx, &command.channel_id)
        .await
        .context("loading settings")?;
    let existing = store::calendars::lock_for_channel(&mut tx, &command.channel_id)
        .await
        .context("loading the channel's calendar")?;
    let subject = Subject { settings, existing };
    let fresh = CalendarToken::from_bytes(rand::random());
    let decided = decide(&Asker::of(command), reset, subject, fresh, public_url, now);
    state
        .carry_out(tx, Some(&command.team_id), decided, "the calendar")
        .await
}

/// What `calendar` decides on: the channel's settings, and its feed if it has one.
#[derive(Debug, Clone)]
pub struct Subject {
    pub settings: ChannelSettings,
    pub existing: Option<ChannelCalendar>,
}

/// What `calendar` (or, with `reset`, `calendar reset`) does in the asker's channel: shows the
/// feed's address; makes the feed, with `fresh` as its token and its series from this week's
/// meeting; or (facilitators only) gives it `fresh` instead of its token. Addresses start with
/// `public_url`.
pub fn decide(
    asker: &Asker<'_>,
    reset: bool,
    subject: Subject,
    fresh: CalendarToken,
    public_url: &Url,
    now: DateTime<Utc>,
) -> Decided<CalendarChange> {
    let Subject { settings, existing } = subject;
    let settings = if reset {
        allowed(settings, asker.user_id, FacilitatorsOnly::ResetCalendar)?
    } else {
        settings
    };
    let (change, token) = match existing {
        Some(calendar) if !reset => (None, calendar.token),
        Some(calendar) => (
            Some(CalendarChange::NewToken {
                channel_id: calendar.channel_id,
                token: fresh.clone(),
                by: asker.user_id.clone(),
            }),
            fresh,
        ),
        None => (
            Some(CalendarChange::Create(ChannelCalendar {
                channel_id: asker.channel_id.clone(),
                team_id: asker.team_id.clone(),
                token: fresh.clone(),
                series: Series::begin(&settings.schedule, now),
            })),
            fresh,
        ),
    };
    let address = address(public_url, &token);
    let webcal = webcal(&address);
    let reply = if reset {
        messages::reset(&address, &webcal)
    } else {
        messages::subscription(&address, &webcal)
    };
    Ok(change
        .into_iter()
        .fold(Decision::reply(reply), Decision::change))
}

/// The feed's address: `{ARCHHOUR_PUBLIC_URL}calendar/{token}.ics`.
pub fn address(public_url: &Url, token: &CalendarToken) -> Url {
    public_url
        .join(&format!("calendar/{}.ics", token.as_str()))
        .unwrap_or_else(|_| public_url.clone())
}

/// The same address as `webcal://`, which calendar apps open as a subscription.
fn webcal(address: &Url) -> String {
    let rest = address
        .as_str()
        .split_once("://")
        .map_or(address.as_str(), |(_, rest)| rest);
    format!("webcal://{rest}")
}

/// A change to a channel's feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarChange {
    /// The channel's first feed.
    Create(ChannelCalendar),
    /// `calendar reset`: a new token for the channel's feed.
    NewToken {
        channel_id: ChannelId,
        token: CalendarToken,
        by: UserId,
    },
}

impl Change for CalendarChange {
    async fn write(&self, tx: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
        match self {
            CalendarChange::Create(calendar) => store::calendars::create(&mut *tx, calendar, now)
                .await
                .context("storing the channel's calendar"),
            CalendarChange::NewToken {
                channel_id,
                token,
                by,
            } => store::calendars::replace_token(&mut *tx, channel_id, token, by, now)
                .await
                .context("replacing the calendar's token"),
        }
    }
}

/// The `.ics` the address with `token` serves at this moment; `None` when no channel's feed
/// has that token (it never did, or was reset). A schedule changed since the last fetch moves
/// the series first.
pub async fn feed(state: &AppState, token: &CalendarToken) -> anyhow::Result<Option<String>> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let Some(mut found) = store::calendars::by_token(&mut *tx, token)
        .await
        .context("finding the calendar")?
    else {
        return Ok(None);
    };
    let settings = store::settings::load(&mut *tx, &found.channel_id)
        .await
        .context("loading settings")?;
    if let Some(series) = found.series.follow(&settings.schedule, now) {
        store::calendars::follow_series(&mut *tx, &found.channel_id, &found.series, &series)
            .await
            .context("moving the calendar's series")?;
        found.series = series;
    }
    let agenda = compose::agenda::ranked(&mut tx, &found.channel_id).await?;
    tx.commit().await.context("committing the calendar")?;
    Ok(Some(calendar::render(&Feed {
        channel_id: &found.channel_id,
        channel_link: &found.channel_link(),
        schedule: &settings.schedule,
        series: &found.series,
        agenda: &agenda,
        now,
    })))
}

#[cfg(test)]
mod tests;
