//! The challenges log on the command line: `archhour import` of a challenges page, and
//! `archhour challenges --channel C`, which prints the log as the page's Markdown table.

use std::fmt::Write;

use anyhow::Context;
use sqlx::PgPool;

use super::ToolError;
use crate::clock::Clock;
use crate::domain::challenges::{ChallengesPage, parse_page, render_log};
use crate::domain::ids::ChannelId;
use crate::store;

/// Reads a challenges page, reports what it found, and (unless `dry_run`) stores it.
pub async fn import(
    db: &PgPool,
    clock: &dyn Clock,
    name: &str,
    text: &str,
    channel_id: &ChannelId,
    dry_run: bool,
) -> anyhow::Result<String> {
    let page = parse_page(text);
    if page.issues.is_empty() {
        return Err(ToolError(format!(
            "{name} has a challenges table but no rows in it: each row is Category | Issue | Team anecdotes | Number of occurrences | Status"
        ))
        .into());
    }
    let mut report = found(name, &page);
    if dry_run {
        report.push_str("Dry run: nothing was written.\n");
        return Ok(report);
    }
    let (mut tx, team) = super::begin_import(db, channel_id).await?;
    let outcome =
        store::challenges::import_page(&mut tx, &page.issues, &team, channel_id, clock.now())
            .await
            .context("storing the challenges")?;
    tx.commit().await.context("committing the import")?;
    if outcome.issues_added + outcome.anecdotes_added == 0 {
        let _ = writeln!(report, "Already imported into {channel_id}: nothing added.");
    } else {
        let _ = writeln!(
            report,
            "Imported into {channel_id}'s challenges log: {} issue(s) and {} anecdote(s); {} issue(s) were already there.",
            outcome.issues_added, outcome.anecdotes_added, outcome.issues_already_there
        );
    }
    Ok(report)
}

/// What the page holds, and the rows it could not place.
fn found(name: &str, page: &ChallengesPage) -> String {
    let mut categories: Vec<String> = Vec::new();
    for issue in &page.issues {
        let lower = issue.category.to_lowercase();
        if !categories.iter().any(|c| c.to_lowercase() == lower) {
            categories.push(issue.category.clone());
        }
    }
    let anecdotes: usize = page.issues.iter().map(|i| i.anecdotes.len()).sum();
    let occurrences: i32 = page.issues.iter().filter_map(|i| i.occurrences).sum();
    let statuses = page.issues.iter().filter(|i| !i.status.is_empty()).count();
    let mut report = format!(
        "Read {name}: a challenges log with {} categor{}, {} issue(s), {} anecdote(s), {} occurrence(s) and {} status(es); {} line(s) of text before the table were left out.\n",
        categories.len(),
        if categories.len() == 1 { "y" } else { "ies" },
        page.issues.len(),
        anecdotes,
        occurrences,
        statuses,
        page.lines_before_table
    );
    super::report_unplaced(&mut report, "row(s)", &page.unplaced);
    report
}

/// `archhour challenges --channel C`.
pub async fn export(db: &PgPool, channel_id: &ChannelId) -> anyhow::Result<String> {
    let mut conn = db.acquire().await.context("connecting")?;
    let issues = store::challenges::page_of(&mut conn, channel_id)
        .await
        .context("loading the challenges log")?;
    if issues.is_empty() {
        return Err(ToolError(format!("channel {channel_id} has no challenges log")).into());
    }
    Ok(render_log(
        &format!("Architecture challenges log ({channel_id})"),
        &issues,
    ))
}
