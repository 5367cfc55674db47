//! The fault-injection suite. Each test injects one fault into the real app (real Postgres, a
//! recording fake Slack, child processes where a crash is needed) and checks the invariant its
//! comment names. Throughout: nothing acknowledged is lost, no vote is counted twice, and no
//! DM or channel message is sent twice.
//!
//! 1–5 events and votes (`events`); 6–8 calls to Slack (`deliveries`); 9–12 and 14 scheduled
//! steps (`jobs`); 13 and 15 requests and start-up (`requests`).

mod deliveries;
mod events;
mod jobs;
mod requests;
