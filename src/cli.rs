//! The command line (DESIGN §7, contract): `archhour [serve]`, `archhour migrate`.

use clap::{Parser, Subcommand};

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
}

impl Cli {
    /// The subcommand to run; `serve` when none is given.
    pub fn command(&self) -> &CliCommand {
        self.command.as_ref().unwrap_or(&CliCommand::Serve)
    }
}
