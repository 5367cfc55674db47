//! Who the bot is in its workspace, as `auth.test` says, and links to its messages.

use crate::domain::ids::{ChannelId, TeamId, UserId};

/// Who the bot is in this workspace, from `auth.test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub user_id: UserId,
    pub bot_id: Option<String>,
    pub team_id: TeamId,
    /// The workspace's address (`https://acme.slack.com/`), for links to messages.
    pub url: String,
}

impl BotIdentity {
    /// A link to a message in a channel.
    pub fn permalink(&self, channel: &ChannelId, ts: &str) -> String {
        let base = self.url.trim_end_matches('/');
        format!("{base}/archives/{channel}/p{}", ts.replace('.', ""))
    }
}
