//! Messages composed from stored state: each loads what it shows and renders it with
//! `slack::blocks` (minutes are also printed by `archhour minutes`). Shared by the use cases and
//! the outbox, which renders cards when it sends them.

pub mod agenda;
pub mod cards;
pub mod charts;
pub mod digest;
pub mod items;
pub mod minutes;
pub mod votes;
