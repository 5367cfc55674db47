//! The domain: what topics, votes, meetings, action items, settings and the challenges log are,
//! and the rules about them. Pure functions of data and `now`: nothing here does I/O or knows
//! about the database, Slack's Web API or the workers.

pub mod actions;
pub mod calendar;
pub mod challenges;
pub mod command;
pub mod digest_chart;
pub mod ids;
pub mod job;
pub mod meeting;
pub mod membership;
pub mod mrkdwn;
pub mod notes;
pub mod people;
pub mod retention;
pub mod settings;
pub mod topics;
pub mod users;
pub mod votes;
