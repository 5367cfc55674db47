//! archhour: a Slack bot that runs Lean Coffee style architecture meetings ("Arch Hour").
//!
//! How the pieces fit:
//! - [`http`] receives Slack's requests (and serves `/healthz`, `/metrics`), or [`socket`]
//!   receives them over Socket Mode; [`slack`] verifies and parses them and renders every
//!   message; [`dispatch`] decides what each one means, whichever transport brought it.
//! - Domain rules are pure: [`command`] parses `/archtopic` text, [`topics`] holds what a topic
//!   is. They take `now` from the injected [`clock`] and never do I/O.
//! - [`store`] is the only place with SQL; [`database`] opens Postgres (or runs an embedded
//!   cluster); [`jobs`] owns the outbox that makes the calls to Slack a request leads to durable
//!   and retried (the few made while answering one, such as joining a channel, are bounded by
//!   a timeout instead).
//! - [`app::run`] wires it together; `main.rs` only reads the CLI and config.

pub mod actions;
pub mod app;
pub mod challenges;
pub mod cli;
pub mod clock;
pub mod command;
pub mod config;
pub mod database;
pub mod dispatch;
pub mod http;
pub mod jobs;
pub mod meeting;
pub mod metrics;
pub mod notes;
pub mod people;
pub mod settings;
pub mod slack;
pub mod socket;
pub mod store;
pub mod tools;
pub mod topics;
pub mod users;
pub mod views;
pub mod votes;

pub use app::{Services, run};
