//! Who the bot is in its workspace, as `auth.test` says, and links to its messages.

/// Who the bot is in this workspace, from `auth.test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub user_id: String,
    pub bot_id: Option<String>,
    pub team_id: String,
    /// The workspace's address (`https://acme.slack.com/`), for links to messages.
    pub url: String,
}

impl BotIdentity {
    /// A link to a message in a channel.
    pub fn permalink(&self, channel: &str, ts: &str) -> String {
        let base = self.url.trim_end_matches('/');
        format!("{base}/archives/{channel}/p{}", ts.replace('.', ""))
    }
}
