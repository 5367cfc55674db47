//! Snapshot tests pinning the exact look of every message the bot can send, as the Block Kit
//! JSON Slack receives: its fallback text and its blocks (or the view, for the App Home tab and
//! the challenge form). One module per file of `src/slack/blocks/`, with the same name; the
//! snapshots are committed next to them in `tests/messages/snapshots/`.
//!
//! A changed message fails here until its snapshot is reviewed: run with
//! `INSTA_UPDATE=always`, read the changed `.snap` files in the diff, and commit them. With
//! `CI=true` insta never writes a snapshot, so a message nobody reviewed fails the build.
//! `guard` fails when a renderer is added without a snapshot here, or when a snapshot file
//! outlives its test.

#[path = "messages/agenda.rs"]
mod agenda;
#[path = "messages/calendar.rs"]
mod calendar;
#[path = "messages/cards.rs"]
mod cards;
#[path = "messages/challenges.rs"]
mod challenges;
#[path = "messages/commands.rs"]
mod commands;
#[path = "messages/digest.rs"]
mod digest;
#[path = "messages/edits.rs"]
mod edits;
#[path = "messages/fixtures.rs"]
mod fixtures;
#[path = "messages/guard.rs"]
mod guard;
#[path = "messages/home.rs"]
mod home;
#[path = "messages/items.rs"]
mod items;
#[path = "messages/meeting.rs"]
mod meeting;
#[path = "messages/minutes.rs"]
mod minutes;
#[path = "messages/search.rs"]
mod search;
#[path = "messages/settings.rs"]
mod settings;
#[path = "messages/votes.rs"]
mod votes;

use archhour::slack::blocks::Reply;
use serde_json::{Value, json};

/// A reply as Slack receives it: the fallback text of notifications, and the blocks.
fn message(reply: &Reply) -> Value {
    json!({ "text": reply.text, "blocks": reply.blocks })
}
