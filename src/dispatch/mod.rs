//! What the bot does with each thing Slack sends, whichever transport brought it.

pub mod commands;
pub mod events;
pub mod interactions;
pub mod meeting;
pub mod pre_meeting;
pub mod reactions;
mod recount;
mod withdraw;
