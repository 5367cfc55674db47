//! What a call to Slack came to: what Slack said about a call that succeeded (and what a read
//! answered), or an error sorted by what to do about it.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use slack_morphism::errors::SlackClientError;

use crate::domain::ids::{ChannelId, UserId};
use crate::domain::users::UserKind;

/// What Slack told us about a call that succeeded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallReceipt {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<String>,
    /// What a read (`reactions.get`, `users.info`) answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<Read>,
}

/// The reactions on a message: each emoji with every user who added it.
pub type Reactions = Vec<Reaction>;

/// One emoji on a message and every user who added it. Stored (in outbox receipts and
/// recounts) as Slack's pair `[name, [user, …]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(String, Vec<UserId>)", into = "(String, Vec<UserId>)")]
pub struct Reaction {
    /// The emoji's name as Slack sends it, e.g. `+1::skin-tone-3`.
    pub name: String,
    pub users: Vec<UserId>,
}

impl From<(String, Vec<UserId>)> for Reaction {
    fn from((name, users): (String, Vec<UserId>)) -> Self {
        Reaction { name, users }
    }
}

impl From<Reaction> for (String, Vec<UserId>) {
    fn from(reaction: Reaction) -> Self {
        (reaction.name, reaction.users)
    }
}

/// What a read told us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Read {
    Reactions(Reactions),
    /// A user's kind, as reads recorded before names were kept say it.
    User(UserKind),
    /// A user's kind and the name Slack shows for them (`users.info`).
    Person {
        kind: UserKind,
        name: Option<String>,
    },
}

/// Where the bot stands in a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelStanding {
    pub is_member: bool,
    /// A public channel, which the bot may join by itself.
    pub is_public: bool,
    pub is_archived: bool,
    /// The channel's name without `#`, when Slack gave it.
    pub name: Option<String>,
}

/// A call that did not succeed, sorted by what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Rate limits, Slack's 5xx, dropped connections, timeouts: try again later.
    #[error("{reason}")]
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
        /// The call may have taken effect although it did not answer success (a timeout, a
        /// dropped connection, a 5xx); false when Slack refused it (a 429) or it was never sent.
        maybe_sent: bool,
    },
    /// Slack refused the call itself (`channel_not_found`, `invalid_auth`…), or it cannot be
    /// made at all: retrying won't help.
    #[error("{reason}")]
    Permanent {
        reason: String,
        /// Slack's `error` code, when Slack refused it.
        code: Option<String>,
    },
}

impl CallError {
    /// Slack refused a call with `code`.
    pub fn refused(code: &str) -> CallError {
        CallError::Permanent {
            reason: format!("Slack error `{code}`"),
            code: Some(code.to_string()),
        }
    }

    /// A call that cannot be made, for a reason of ours (`reason`).
    pub fn impossible(reason: impl Into<String>) -> CallError {
        CallError::Permanent {
            reason: reason.into(),
            code: None,
        }
    }

    /// The `error` code of a call Slack refused (`channel_not_found`).
    pub fn refusal(&self) -> Option<&str> {
        match self {
            CallError::Permanent { code, .. } => code.as_deref(),
            CallError::Retryable { .. } => None,
        }
    }
}

/// A call whose intended state already holds (a reaction already there, or already gone)
/// succeeded: retrying after a lost answer must not turn into an error.
pub(super) fn already_so(
    result: Result<(), CallError>,
    code: &str,
) -> Result<CallReceipt, CallError> {
    match result {
        Ok(()) => Ok(CallReceipt::default()),
        Err(error) if error.refusal() == Some(code) => Ok(CallReceipt::default()),
        Err(error) => Err(error),
    }
}

/// Slack `error` codes that mean "the problem is on Slack's side, try again".
const TRANSIENT_API_ERRORS: [&str; 5] = [
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
];

pub(super) fn classify(error: SlackClientError) -> CallError {
    let reason = error.to_string();
    match error {
        SlackClientError::RateLimitError(limit) => CallError::Retryable {
            reason: "rate limited by Slack (429)".into(),
            retry_after: limit.retry_after,
            maybe_sent: false,
        },
        SlackClientError::HttpError(http)
            if http.status_code.is_server_error()
                || http.status_code == axum::http::StatusCode::REQUEST_TIMEOUT =>
        {
            CallError::Retryable {
                reason: format!("Slack answered HTTP {}", http.status_code),
                retry_after: None,
                maybe_sent: true,
            }
        }
        SlackClientError::ApiError(api) if TRANSIENT_API_ERRORS.contains(&api.code.as_str()) => {
            CallError::Retryable {
                reason: format!("Slack error `{}`", api.code),
                retry_after: None,
                maybe_sent: api.code != "ratelimited",
            }
        }
        SlackClientError::ApiError(api) => CallError::refused(&api.code),
        SlackClientError::HttpProtocolError(_)
        | SlackClientError::EndOfStream(_)
        | SlackClientError::SystemError(_) => CallError::Retryable {
            reason,
            retry_after: None,
            maybe_sent: true,
        },
        _ => CallError::impossible(reason),
    }
}
