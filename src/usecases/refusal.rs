//! Why a use case did nothing, as data, and how each refusal reads: the one place a refusal
//! becomes a reply.

use super::facilitators::FacilitatorsOnly;
use super::rights::TopicRequest;
use crate::domain::topics::Topic;
use crate::slack::blocks::{self, Reply};

/// A request the bot turned down; nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Only the channel's facilitators (named) may do this.
    NotFacilitator {
        what: FacilitatorsOnly,
        facilitators: Vec<String>,
    },
    /// The channel has no topic with this number.
    NoSuchTopic(i32),
    /// The topic is not open, so it cannot be withdrawn or edited.
    NotOpen {
        topic: Box<Topic>,
        request: TopicRequest,
    },
    /// Neither the author nor someone who may change another's topic (the facilitators, named;
    /// while there are none, workspace admins).
    NotYours {
        topic: Box<Topic>,
        facilitators: Vec<String>,
        request: TopicRequest,
    },
    /// Only a workspace admin could, and Slack did not say whether this person is one.
    AdminCheckFailed {
        topic: Box<Topic>,
        request: TopicRequest,
    },
    /// The edit asked for what the topic already says.
    Unchanged(Box<Topic>),
    /// The channel's challenges log has no issue with this number.
    NoSuchChallenge(i32),
    /// An issue's status of `chars` characters, over the `max`.
    StatusTooLong { chars: usize, max: usize },
}

impl Refusal {
    /// How the refusal reads to the person who asked.
    pub fn reply(&self) -> Reply {
        match self {
            Refusal::NotFacilitator { what, facilitators } => what.refusal(facilitators),
            Refusal::NoSuchTopic(number) => blocks::no_such_topic(*number),
            Refusal::NotOpen { topic, request } => match request {
                TopicRequest::Withdraw => blocks::withdraw_not_open(topic),
                TopicRequest::Edit => blocks::edit_not_open(topic),
            },
            Refusal::NotYours {
                topic,
                facilitators,
                request,
            } => match request {
                TopicRequest::Withdraw => blocks::withdraw_refused(topic, facilitators),
                TopicRequest::Edit => blocks::edit_refused(topic, facilitators),
            },
            Refusal::AdminCheckFailed { topic, request } => {
                blocks::admin_check_failed(topic, request.what())
            }
            Refusal::Unchanged(topic) => blocks::edit_unchanged(topic),
            Refusal::NoSuchChallenge(number) => blocks::challenges::no_such_challenge(*number),
            Refusal::StatusTooLong { chars, max } => {
                blocks::challenges::status_too_long(*chars, *max)
            }
        }
    }
}
