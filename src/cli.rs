//! The command line (DESIGN §7, contract): `archhour [serve]`, `archhour migrate`,
//! `archhour import`, `archhour minutes`, `archhour challenges`, `archhour backup`,
//! `archhour restore`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "archhour",
    version,
    about = "A Slack bot that runs Lean Coffee style architecture meetings"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum CliCommand {
    /// Run the bot: HTTP endpoints for Slack, the outbox worker (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Import a notes page (meetings, topics, votes, notes, decisions, action items) or a
    /// challenges page (categories, issues, anecdotes, occurrences, statuses).
    Import(ImportArgs),
    /// Print one meeting's minutes as Markdown.
    Minutes(MinutesArgs),
    /// Print a channel's architecture challenges log as a Markdown table.
    Challenges(ChallengesArgs),
    /// Write a consistent dump (pg_dump's custom format) of the database archhour uses.
    Backup(DumpFileArgs),
    /// Restore a dump `backup` wrote into the database archhour uses, which must be empty.
    Restore(DumpFileArgs),
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct DumpFileArgs {
    /// The dump file.
    pub file: PathBuf,
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct ImportArgs {
    /// The notes page, as text.
    pub file: PathBuf,
    /// The Slack channel id the meetings belong to.
    #[arg(long)]
    pub channel: String,
    /// Report what the page holds, topic by topic, without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Show, for each topic line, what each part of it was read as.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct MinutesArgs {
    /// The Slack channel id.
    #[arg(long)]
    pub channel: String,
    /// The day of the meeting (YYYY-MM-DD).
    #[arg(long, conflicts_with = "last", required_unless_present = "last")]
    pub date: Option<NaiveDate>,
    /// The channel's most recent meeting.
    #[arg(long)]
    pub last: bool,
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct ChallengesArgs {
    /// The Slack channel id.
    #[arg(long)]
    pub channel: String,
}

impl Cli {
    /// The subcommand to run; `serve` when none is given.
    pub fn command(&self) -> &CliCommand {
        self.command.as_ref().unwrap_or(&CliCommand::Serve)
    }
}
