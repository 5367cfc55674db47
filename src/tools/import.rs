//! `archhour import FILE --channel C [--dry-run] [--explain]`: a notes page into a channel's
//! history (again, to repair what an earlier import read), or a challenges page into its
//! challenges log.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use sqlx::PgPool;

use super::ToolError;
use crate::clock::Clock;
use crate::domain::challenges;
use crate::domain::ids::ChannelId;
use crate::domain::notes::{Page, explained, parse_page, topic_rows};
use crate::store;

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Report what the page holds, topic by topic, and write nothing.
    pub dry_run: bool,
    /// Show what each part of each topic line was read as.
    pub explain: bool,
}

/// Reads the page, reports what it found, and (unless a dry run) stores it.
pub async fn import(
    db: &PgPool,
    clock: &dyn Clock,
    file: &Path,
    channel_id: &ChannelId,
    options: ImportOptions,
) -> anyhow::Result<String> {
    let dry_run = options.dry_run;
    let text = std::fs::read_to_string(file)
        .map_err(|e| ToolError(format!("cannot read {}: {e}", file.display())))?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if challenges::is_challenges_page(&text) {
        return super::challenges::import(db, clock, &name, &text, channel_id, dry_run).await;
    }
    let page = parse_page(&text);
    let mut report = found(&name, &page);
    if dry_run && page.counts().topics > 0 {
        report.push_str("Topics:\n");
        report.push_str(&topic_rows(&page));
    }
    if options.explain && !page.topic_lines.is_empty() {
        report.push_str("Topic lines, part by part:\n");
        report.push_str(&explained(&page));
    }
    if page.meetings.is_empty() && page.backlog.is_empty() {
        return Err(ToolError(format!(
            "{name} has no meetings: a notes page has a date heading such as \"Arch Hour: 2021-07-14\""
        ))
        .into());
    }
    if dry_run {
        report.push_str("Dry run: nothing was written.\n");
        return Ok(report);
    }
    let (mut tx, team) = super::begin_import(db, channel_id).await?;
    let outcome = store::imports::import_page(&mut tx, &page, &team, channel_id, clock.now())
        .await
        .context("storing the page")?;
    tx.commit().await.context("committing the import")?;
    if outcome.changed_anything() {
        let _ = writeln!(
            report,
            "Imported into {channel_id}: {} meeting(s), {} topic(s), {} backlog topic(s) added; {} topic(s) and {} backlog topic(s) imported before repaired to match the page; {} meeting(s) and {} backlog topic(s) were already there.",
            outcome.meetings_added,
            outcome.topics_added,
            outcome.backlog_added,
            outcome.topics_repaired,
            outcome.backlog_repaired,
            outcome.meetings_already_there,
            outcome.backlog_already_there
        );
    } else {
        let _ = writeln!(
            report,
            "Already imported into {channel_id}, as the page reads: nothing changed."
        );
    }
    Ok(report)
}

/// What the page holds, and the lines it could not place.
fn found(name: &str, page: &Page) -> String {
    let counts = page.counts();
    let meetings: Vec<String> = page
        .meetings
        .iter()
        .map(|m| format!("{} {}", m.title, m.date))
        .collect();
    let mut report = format!(
        "Read {name}: {} meeting(s) ({}); {} topic(s) with {} vote(s); {} action item(s); {} decision(s); {} note(s); {} backlog topic(s).\n",
        counts.meetings,
        meetings.join(", "),
        counts.topics,
        counts.votes,
        counts.actions,
        counts.decisions,
        counts.notes,
        counts.backlog
    );
    super::report_unplaced(&mut report, "line(s)", &page.unplaced);
    report
}
