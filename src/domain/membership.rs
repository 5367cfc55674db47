//! Whether the bot is in a channel, and why not: Slack delivers a channel's messages and
//! reactions only to members, and refuses posts from outsiders in private channels.

/// The bot's place in a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    Member,
    /// Not in it, and why.
    Outside(Outside),
}

/// Why the bot is not in a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    /// A private channel, DM or group DM: someone must invite it.
    Private,
    /// Someone removed it.
    Removed,
    Archived,
}

impl Outside {
    /// How the store writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outside::Private => "private",
            Outside::Removed => "removed",
            Outside::Archived => "archived",
        }
    }

    /// Reads [`Outside::as_str`] back; anything else is `Private`.
    pub fn parse(text: &str) -> Outside {
        match text {
            "removed" => Outside::Removed,
            "archived" => Outside::Archived,
            _ => Outside::Private,
        }
    }
}
