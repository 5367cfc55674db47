//! Which workspace each channel and person of the fake Slack belongs to, and what Slack answers
//! a bot token used outside its own workspace: a channel of another workspace does not exist for
//! it (`channel_not_found`), nor does a person (`user_not_found`). Channels and people belong to
//! the default test workspace, T1, unless a test places them elsewhere; a channel shared between
//! workspaces (Slack Connect) is seen by each of their bots.

use std::collections::HashMap;

use serde_json::Value;

/// The workspace the test apps' `SLACK_BOT_TOKEN` belongs to.
pub const DEFAULT_TEAM: &str = "T1";

#[derive(Debug, Default)]
pub struct Homes {
    channels: HashMap<String, Vec<String>>,
    people: HashMap<String, String>,
}

impl Homes {
    pub fn place_channel(&mut self, channel: &str, team: &str) {
        self.channels
            .insert(channel.to_string(), vec![team.to_string()]);
    }

    /// Shares `channel` with `team` too, keeping the workspaces it was in.
    pub fn share_channel(&mut self, channel: &str, team: &str) {
        self.channels
            .entry(channel.to_string())
            .or_insert_with(|| vec![DEFAULT_TEAM.to_string()])
            .push(team.to_string());
    }

    pub fn place_person(&mut self, user: &str, team: &str) {
        self.people.insert(user.to_string(), team.to_string());
    }

    fn sees_channel(&self, team: &str, channel: &str) -> bool {
        // A DM (`D{user}`, as `conversations.open` names them here) is its person's workspace's.
        match (channel.strip_prefix('D'), self.channels.get(channel)) {
            (Some(user), _) => self.of_person(user) == team,
            (None, Some(teams)) => teams.iter().any(|of| of == team),
            (None, None) => team == DEFAULT_TEAM,
        }
    }

    fn of_person(&self, user: &str) -> &str {
        self.people.get(user).map_or(DEFAULT_TEAM, String::as_str)
    }

    /// What Slack answers a call by a bot of `team` about a channel or person of another
    /// workspace, if it names one.
    pub fn refuse_outsider(&self, team: &str, args: &Value) -> Option<&'static str> {
        if let Some(channel) = args.get("channel").and_then(Value::as_str)
            && !self.sees_channel(team, channel)
        {
            return Some("channel_not_found");
        }
        let people: Vec<&str> = match (args.get("user"), args.get("users")) {
            (Some(Value::String(user)), _) => vec![user.as_str()],
            (_, Some(Value::String(users))) => users.split(',').collect(),
            (_, Some(Value::Array(users))) => users.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        people
            .iter()
            .any(|user| self.of_person(user) != team)
            .then_some("user_not_found")
    }
}
