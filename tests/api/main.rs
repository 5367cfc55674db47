//! App tests: the real app on a random port, a fresh database per test, a recording fake
//! Slack, and signed requests.

// A test reads best as one story from setup to assertions, however long.
#![allow(clippy::too_many_lines)]

mod actions;
mod admins;
mod archive_counts;
mod archive_large;
mod archive_pages;
mod archive_signin;
mod backup;
mod binary;
mod browser;
mod calendar;
mod challenges;
mod digest_chart;
mod editing;
mod embedded;
mod endpoints;
mod faults;
mod history;
mod import;
mod installing;
mod logs;
mod manifest;
mod meeting;
mod membership;
mod migrations;
mod minutes;
mod outbox;
mod proposing;
mod recounting;
mod retention;
mod settings;
mod socket_mode;
mod store;
mod support;
mod two_workspaces;
mod voting;
mod workspace_isolation;
mod workspace_tokens;
