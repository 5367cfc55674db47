//! Storing an imported notes page: its meetings, topics, notes, decisions and action items,
//! and importing a page again to repair what an earlier reading stored.
//!
//! This module walks the page; `meetings` stores or repairs one meeting, `backlog` the
//! page's open topics, `topics` a topic's own columns, and `contents` the notes, decisions and
//! action items under a topic.

mod backlog;
mod contents;
mod meetings;
mod topics;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::notes::Page;

/// Who imports: stands in for the Slack user that created live records.
const IMPORTER: &str = "import";

/// [`IMPORTER`] where a person is recorded.
static IMPORTER_ID: std::sync::LazyLock<UserId> =
    std::sync::LazyLock::new(|| UserId::from(IMPORTER));

/// What an import added, repaired, and found already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub meetings_added: usize,
    pub meetings_already_there: usize,
    /// Topics stored for the first time (in new meetings or in meetings imported before).
    pub topics_added: usize,
    /// Topics imported before whose title, votes, intents, proposers or contents the page now
    /// reads differently, brought in line with it.
    pub topics_repaired: usize,
    pub backlog_added: usize,
    pub backlog_repaired: usize,
    pub backlog_already_there: usize,
}

impl ImportOutcome {
    /// Whether the import changed anything.
    pub fn changed_anything(&self) -> bool {
        self.meetings_added
            + self.topics_added
            + self.topics_repaired
            + self.backlog_added
            + self.backlog_repaired
            > 0
    }
}

/// Stores a page's meetings (with their topics, notes, decisions and items) and backlog.
/// A meeting imported before (same channel, day and heading) is brought in line with the page:
/// its topics are matched to the page's ([`rematch`](crate::domain::notes::rematch)) and repaired where they differ, topics it
/// lacks are added, and nothing is added twice. Backlog topics are matched the same way against
/// the channel's open imported topics; one already open under the same title is left as it is.
pub async fn import_page(
    tx: &mut PgConnection,
    page: &Page,
    team_id: &TeamId,
    channel_id: &ChannelId,
    now: DateTime<Utc>,
) -> sqlx::Result<ImportOutcome> {
    let mut outcome = ImportOutcome::default();
    for meeting in &page.meetings {
        meetings::import_meeting(tx, meeting, team_id, channel_id, &mut outcome).await?;
    }
    backlog::import_backlog(tx, page, team_id, channel_id, now, &mut outcome).await?;
    Ok(outcome)
}

/// Where imported rows go, and the time they carry.
struct Place<'a> {
    team_id: &'a TeamId,
    channel_id: &'a ChannelId,
    at: DateTime<Utc>,
}

/// A topic's 1-based position among a meeting's, from its 0-based index.
fn position(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}

/// A vote count as stored.
fn votes(count: u32) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}
