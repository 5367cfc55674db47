//! The Slack edge: request verification, payload parsing, Block Kit rendering and the Web API
//! client. Nothing outside this module knows Slack's JSON.

pub mod actions;
pub mod api;
pub mod blocks;
pub mod call;
pub mod identity;
pub mod inbound;
pub mod install;
pub mod oidc;
pub mod outcome;
pub mod outgoing;
pub mod sign_in;
pub mod signature;
pub mod token_cipher;

/// Every bot event the app subscribes to and handles. The manifest test checks that
/// `manifest.yml` subscribes to each.
pub const HANDLED_EVENTS: [&str; 11] = [
    "reaction_added",
    "reaction_removed",
    "message.channels",
    "message.groups",
    "app_home_opened",
    "member_joined_channel",
    "member_left_channel",
    "channel_left",
    "group_left",
    "app_uninstalled",
    "tokens_revoked",
];

/// The slash command the app answers.
pub const COMMAND: &str = "/archtopic";
