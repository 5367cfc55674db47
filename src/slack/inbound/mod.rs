//! Parsing what Slack sends us: slash-command forms, Events API envelopes, interaction payloads.

mod command;
mod event;
mod interaction;

pub use command::{CommandRequest, SlashCommand, command_event, parse_command};
pub use event::{
    EventRequest, InboundEvent, ReactionEvent, ThreadReply, callback_event, parse_event, ts_micros,
};
pub use interaction::{
    ButtonPress, ChallengeSubmission, DiscussPress, InboundInteraction, ItemPress, PressedMessage,
    interaction_event, parse_interaction,
};

/// Why a signed body could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed Slack payload: {0}")]
pub struct MalformedPayload(String);
