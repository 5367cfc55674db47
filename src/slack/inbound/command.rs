//! Slash-command forms.

use serde::Deserialize;
use slack_morphism::prelude::*;

use super::MalformedPayload;
use crate::domain::ids::{ChannelId, TeamId, UserId};

/// A slash command, as the dispatcher needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub team_id: TeamId,
    pub channel_id: ChannelId,
    pub channel_name: Option<String>,
    pub user_id: UserId,
    pub command: String,
    pub text: String,
    pub response_url: String,
    pub trigger_id: String,
}

impl SlashCommand {
    /// Direct messages (`D…` channels) and group DMs have no meeting to belong to.
    pub fn is_direct_message(&self) -> bool {
        self.channel_id.as_str().starts_with('D')
            || matches!(self.channel_name.as_deref(), Some(name) if name == "directmessage" || name.starts_with("mpdm-"))
    }
}

/// What arrived at `/slack/commands`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandRequest {
    /// Slack checking our TLS certificate; answered with an empty 200.
    SslCheck,
    Command(SlashCommand),
}

#[derive(Deserialize)]
struct SslCheckForm {
    ssl_check: Option<String>,
}

/// Parses the `application/x-www-form-urlencoded` body of a slash command.
pub fn parse_command(body: &[u8]) -> Result<CommandRequest, MalformedPayload> {
    if let Ok(SslCheckForm {
        ssl_check: Some(flag),
    }) = serde_urlencoded::from_bytes(body)
        && flag == "1"
    {
        return Ok(CommandRequest::SslCheck);
    }
    let event: SlackCommandEvent =
        serde_urlencoded::from_bytes(body).map_err(|e| MalformedPayload(e.to_string()))?;
    Ok(CommandRequest::Command(command_event(event)))
}

/// Our view of a slash command, whichever transport delivered it.
pub fn command_event(event: SlackCommandEvent) -> SlashCommand {
    SlashCommand {
        team_id: TeamId::from(event.team_id.0),
        channel_id: ChannelId::from(event.channel_id.0),
        channel_name: event.channel_name,
        user_id: UserId::from(event.user_id.0),
        command: event.command.to_string(),
        text: event.text.unwrap_or_default(),
        response_url: event.response_url.0.to_string(),
        trigger_id: event.trigger_id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_form_parses() {
        let body = b"token=x&team_id=T1&team_domain=acme&channel_id=C1&channel_name=arch&user_id=U1&user_name=ann&command=%2Farchtopic&text=%5Bquest%5D+What+is+paver%3F&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=1.2.3";
        let CommandRequest::Command(command) = parse_command(body).expect("parses") else {
            panic!("expected a command");
        };
        assert_eq!(command.text, "[quest] What is paver?");
        assert_eq!(command.team_id, "T1");
        assert_eq!(command.channel_id, "C1");
        assert!(!command.is_direct_message());
    }

    #[test]
    fn the_ssl_check_is_recognised() {
        assert_eq!(
            parse_command(b"ssl_check=1&token=x").expect("parses"),
            CommandRequest::SslCheck
        );
    }

    #[test]
    fn a_form_without_required_fields_is_malformed() {
        assert!(parse_command(b"text=hello").is_err());
    }
}
