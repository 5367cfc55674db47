//! Interaction payloads (`payload=` forms): button presses on the bot's messages.

use serde::Deserialize;
use slack_morphism::prelude::*;

use super::MalformedPayload;
use crate::slack::actions::{ItemControl, MeetingControl, parse_button_value};

/// What arrived at `/slack/interactions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundInteraction {
    Button(ButtonPress),
    ItemButton(ItemPress),
    /// Anything else (other actions, views): acknowledged.
    Other {
        kind: String,
    },
}

/// A meeting button pressed by someone in a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonPress {
    pub team_id: String,
    pub channel_id: String,
    pub user_id: String,
    /// Unique per press: keys the reply so a retried request answers once.
    pub trigger_id: String,
    pub control: MeetingControl,
    pub meeting_id: i64,
    /// The topic the button's message was about.
    pub topic_id: i64,
}

/// Done or Snooze pressed on an action item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPress {
    pub user_id: String,
    pub trigger_id: String,
    pub control: ItemControl,
    pub item_id: i64,
    /// The message (a reminder DM) the button was on; `None` in the App Home tab.
    pub message: Option<(String, String)>,
}

#[derive(Deserialize)]
struct PayloadForm {
    payload: String,
}

/// Parses the `application/x-www-form-urlencoded` body of an interaction.
pub fn parse_interaction(body: &[u8]) -> Result<InboundInteraction, MalformedPayload> {
    let form: PayloadForm =
        serde_urlencoded::from_bytes(body).map_err(|e| MalformedPayload(e.to_string()))?;
    let event: SlackInteractionEvent = match serde_json::from_str(&form.payload) {
        Ok(event) => event,
        Err(error) => {
            let value: serde_json::Value =
                serde_json::from_str(&form.payload).map_err(|e| MalformedPayload(e.to_string()))?;
            let kind = value["type"].as_str().unwrap_or("unknown");
            tracing::warn!(%kind, %error, "acknowledging an interaction we could not parse");
            return Ok(InboundInteraction::Other {
                kind: format!("unparsed {kind}"),
            });
        }
    };
    Ok(interaction_event(event))
}

/// Our view of an interaction, whichever transport delivered it.
pub fn interaction_event(event: SlackInteractionEvent) -> InboundInteraction {
    let SlackInteractionEvent::BlockActions(actions) = event else {
        return InboundInteraction::Other {
            kind: "not a block action".into(),
        };
    };
    if let Some(press) = item_press(&actions) {
        return InboundInteraction::ItemButton(press);
    }
    let press = (|| {
        let action = actions.actions.as_ref()?.first()?;
        let control = MeetingControl::from_action_id(action.action_id.as_ref())?;
        let (meeting_id, topic_id) = parse_button_value(action.value.as_deref()?)?;
        Some(ButtonPress {
            team_id: actions.team.id.to_string(),
            channel_id: actions.channel.as_ref()?.id.to_string(),
            user_id: actions.user.as_ref()?.id.to_string(),
            trigger_id: actions.trigger_id.to_string(),
            control,
            meeting_id,
            topic_id,
        })
    })();
    match press {
        Some(press) => InboundInteraction::Button(press),
        None => InboundInteraction::Other {
            kind: "block action we do not know".into(),
        },
    }
}

fn item_press(actions: &SlackInteractionBlockActionsEvent) -> Option<ItemPress> {
    let action = actions.actions.as_ref()?.first()?;
    let control = ItemControl::from_action_id(action.action_id.as_ref())?;
    let item_id = action.value.as_deref()?.parse().ok()?;
    let message = match &actions.container {
        SlackInteractionActionContainer::Message(container) => Some((
            container.channel_id.as_ref()?.to_string(),
            container.message_ts.to_string(),
        )),
        _ => None,
    };
    Some(ItemPress {
        user_id: actions.user.as_ref()?.id.to_string(),
        trigger_id: actions.trigger_id.to_string(),
        control,
        item_id,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_button_press_parses() {
        let payload = serde_json::json!({
            "type": "block_actions",
            "team": {"id": "T1", "domain": "acme"},
            "user": {"id": "U1", "username": "ann", "team_id": "T1"},
            "api_app_id": "A1",
            "container": {"type": "message", "message_ts": "1700000000.000002", "channel_id": "C1", "is_ephemeral": false},
            "trigger_id": "123.456.abc",
            "channel": {"id": "C1", "name": "arch-hour"},
            "actions": [{"type": "button", "action_id": "meeting_next", "block_id": "b1",
                         "text": {"type": "plain_text", "text": "Next topic"}, "value": "4:12",
                         "action_ts": "1700000100.000001"}]
        });
        let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
        assert_eq!(
            parse_interaction(body.as_bytes()).expect("parses"),
            InboundInteraction::Button(ButtonPress {
                team_id: "T1".into(),
                channel_id: "C1".into(),
                user_id: "U1".into(),
                trigger_id: "123.456.abc".into(),
                control: MeetingControl::Next,
                meeting_id: 4,
                topic_id: 12,
            })
        );
    }

    #[test]
    fn a_body_without_a_payload_is_malformed() {
        assert!(parse_interaction(b"nothing=here").is_err());
    }
}
