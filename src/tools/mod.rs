//! The offline commands: importing notes and challenges pages, printing minutes and the
//! challenges log. They work on the database alone (no Slack) and report as text for the
//! command line.

pub mod challenges;
pub mod import;
pub mod minutes;

/// A command-line failure worth one clear line (a missing file, an unknown channel).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ToolError(pub String);
