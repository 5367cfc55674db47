//! What archhour needs to know about a Slack user.

use serde::{Deserialize, Serialize};

/// A user's kind: bots' reactions are not votes; workspace admins may withdraw others' topics
/// until a channel names its facilitators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserKind {
    pub is_bot: bool,
    pub is_admin: bool,
}

/// How long what Slack said about a user is trusted when it decides a permission (an admin may
/// stop being one): older answers are asked again.
pub const TRUSTED_FOR: chrono::Duration = chrono::Duration::days(1);
