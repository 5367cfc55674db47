//! archhour: a Slack bot that runs Lean Coffee style architecture meetings ("Arch Hour").
//!
//! How the pieces fit, as layers (each names only the ones below it; `tests/architecture.rs`
//! checks it):
//! - [`entry`] is the binary's body (reads the CLI and config); [`app`] wires the bot together.
//!   [`http`] receives Slack's requests (and serves `/healthz`, `/metrics` and the web archive
//!   behind Sign in with Slack), or [`socket`] receives them over Socket Mode; [`tools`] holds
//!   the offline commands ([`cli`] parses them).
//! - [`usecases`] decides what each request and each due scheduled step means, whichever
//!   transport or worker brought it, and applies it.
//! - [`outbox`] makes the calls to Slack a change queued (and the reads a later step waits
//!   for), durably, with retries and Slack's rate limits; the few calls made directly are
//!   listed in the README ("How it is built"). [`compose`] builds messages from stored state
//!   for both.
//! - [`store`] is the only place with SQL; [`database`] opens Postgres (or runs an embedded
//!   cluster). [`slack`] verifies and parses what Slack sends, renders every message, and is
//!   the Web API client.
//! - [`domain`] holds the rules, pure functions of data and `now` (from the injected
//!   [`clock`]); [`config`] and [`metrics`] are read by all.

pub mod app;
pub mod cli;
pub mod clock;
pub mod compose;
pub mod config;
pub mod database;
pub mod domain;
pub mod entry;
pub mod http;
pub mod metrics;
pub mod outbox;
pub mod slack;
pub mod socket;
pub mod store;
pub mod tools;
pub mod usecases;

pub use app::{Listeners, Services, run};
