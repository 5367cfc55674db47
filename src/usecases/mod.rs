//! The use cases: what the bot does with each thing Slack sends, whichever transport brought it,
//! and with each scheduled step when it falls due.

/// How long handling an event or interaction may take before it is left unacknowledged (a
/// 503 over HTTP, no ack over Socket Mode) so Slack delivers it again; within Slack's 3 s.
pub const ACK_DEADLINE: std::time::Duration = std::time::Duration::from_millis(2500);

mod admin_check;
mod apply;
pub mod archive;
pub mod calendar;
mod capture;
mod challenges;
pub mod commands;
mod decision;
pub mod digest;
mod edit;
pub mod events;
mod facilitators;
mod home;
pub mod installs;
pub mod interactions;
mod items;
pub mod job_worker;
pub mod meeting;
pub mod membership;
mod minutes;
pub mod pre_meeting;
mod propose;
pub mod reactions;
mod recount;
mod refusal;
pub mod reminders;
pub mod retention;
mod rights;
pub mod scheduled;
pub mod search;
mod settings;
mod state;
pub mod weekly;
mod withdraw;

pub use state::{AppState, lock};
