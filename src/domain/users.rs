//! What archhour needs to know about a Slack user.

/// A user's kind: bots' reactions are not votes; workspace admins may withdraw others' topics
/// until a channel names its facilitators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserKind {
    pub is_bot: bool,
    pub is_admin: bool,
}
