//! What the bot does with each thing Slack sends, whichever transport brought it.

mod capture;
mod challenges;
pub mod commands;
pub mod digest;
pub mod events;
mod home;
pub mod interactions;
mod items;
pub mod meeting;
pub mod pre_meeting;
mod propose;
pub mod reactions;
mod recount;
pub mod reminders;
pub mod scheduled;
mod search;
mod withdraw;
