//! A channel's page: its agenda as ranked, its past meetings a page at a time, and the charts
//! drawn from them.

use anyhow::Context;
use sqlx::PgPool;

use crate::compose;
use crate::compose::charts::{self, Chart};
use crate::domain::ids::ChannelId;
use crate::domain::votes::RankedTopic;
use crate::store;
use crate::store::archive::PastMeeting;

/// Past meetings listed on one page.
pub const MEETINGS_PER_PAGE: i64 = 50;
/// Agenda topics listed; the rest are counted.
pub const AGENDA_SHOWN: usize = 100;

/// What a channel's page shows.
#[derive(Debug, Clone)]
pub struct ChannelPage {
    /// The top of the agenda, ranked.
    pub agenda: Vec<RankedTopic>,
    /// How many topics the agenda has in all.
    pub agenda_total: usize,
    /// This page of past meetings, newest first.
    pub meetings: Vec<PastMeeting>,
    pub meetings_total: i64,
    /// Which page of meetings (1 = the newest).
    pub page: i64,
    pub votes_chart: Chart,
    pub intents_chart: Chart,
    pub items_chart: Chart,
}

/// The channel's page with page `page` (from 1) of its past meetings; `None` when there is no
/// such page.
pub async fn channel_page(
    db: &PgPool,
    channel_id: &ChannelId,
    page: i64,
) -> anyhow::Result<Option<ChannelPage>> {
    let mut conn = db.acquire().await.context("connecting")?;
    let offset = (page.max(1) - 1).saturating_mul(MEETINGS_PER_PAGE);
    let (meetings, meetings_total) =
        store::archive::past_meetings(&mut *conn, channel_id, MEETINGS_PER_PAGE, offset)
            .await
            .context("listing past meetings")?;
    if page < 1 || (page > 1 && meetings.is_empty()) {
        return Ok(None);
    }
    let meetings_total = if meetings.is_empty() {
        store::archive::meeting_count(&mut *conn, channel_id)
            .await
            .context("counting meetings")?
    } else {
        meetings_total
    };
    let mut agenda = compose::agenda::ranked(&mut conn, channel_id).await?;
    let intents = store::archive::intents_per_quarter(&mut *conn, channel_id)
        .await
        .context("counting intents per quarter")?;
    let items = store::archive::items_per_month(&mut *conn, channel_id)
        .await
        .context("counting action items per month")?;
    let agenda_total = agenda.len();
    let votes_chart = charts::votes_per_topic(&agenda);
    agenda.truncate(AGENDA_SHOWN);
    Ok(Some(ChannelPage {
        agenda,
        agenda_total,
        meetings,
        meetings_total,
        page,
        votes_chart,
        intents_chart: charts::intent_mix(&intents),
        items_chart: charts::action_items(&items),
    }))
}
