//! The offline commands: importing notes and challenges pages, printing minutes and the
//! challenges log. They work on the database alone (no Slack) and report as text for the
//! command line.

use crate::domain::ids::{ChannelId, TeamId};

pub mod challenges;
pub mod import;
pub mod minutes;

/// A command-line failure worth one clear line (a missing file, an unknown channel).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ToolError(pub String);

/// A transaction to import into `channel_id`, and the workspace the channel is in.
async fn begin_import(
    db: &sqlx::PgPool,
    channel_id: &ChannelId,
) -> anyhow::Result<(sqlx::Transaction<'static, sqlx::Postgres>, TeamId)> {
    use anyhow::Context;
    let mut tx = db.begin().await.context("starting a transaction")?;
    let team = crate::store::history::team_of_channel(&mut tx, channel_id)
        .await
        .context("finding the channel's workspace")?;
    Ok((tx, team))
}

/// Appends the lines of a page that fit nowhere, each quoted, under a count of `what`.
fn report_unplaced(report: &mut String, what: &str, unplaced: &[String]) {
    use std::fmt::Write;
    if unplaced.is_empty() {
        return;
    }
    let _ = writeln!(report, "{} {what} could not be placed:", unplaced.len());
    for line in unplaced {
        let _ = writeln!(report, "  | {line}");
    }
}
