//! Interaction payloads (`payload=` forms): button presses on the bot's messages, and the
//! challenge form submitted.

use serde::Deserialize;
use slack_morphism::prelude::*;

use chrono::NaiveDate;

use super::MalformedPayload;
use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::meeting::MeetingControl;
use crate::slack::actions::{
    DISCUSS_CHALLENGE, ItemControl, challenge_form as form, parse_button_value,
};

/// What arrived at `/slack/interactions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundInteraction {
    Button(ButtonPress),
    ItemButton(ItemPress),
    /// "Discuss at Arch Hour" on a challenges-log issue.
    DiscussChallenge(DiscussPress),
    /// The challenge form, submitted.
    ChallengeForm(ChallengeSubmission),
    /// Anything else (other actions, views): acknowledged.
    Other {
        kind: String,
    },
}

/// A meeting button pressed by someone in a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonPress {
    pub team_id: TeamId,
    pub channel_id: ChannelId,
    pub user_id: UserId,
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
    /// The workspace it was pressed in: only its items may be changed.
    pub team_id: TeamId,
    pub user_id: UserId,
    pub trigger_id: String,
    pub control: ItemControl,
    pub item_id: i64,
    /// The message (a reminder DM) the button was on; `None` in the App Home tab.
    pub message: Option<PressedMessage>,
}

/// The message a button was on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PressedMessage {
    pub channel_id: ChannelId,
    pub ts: String,
}

/// "Discuss at Arch Hour" pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscussPress {
    pub team_id: TeamId,
    /// Where the button was pressed: only an issue of this channel may be proposed from it.
    pub channel_id: ChannelId,
    pub user_id: UserId,
    /// Unique per press: keys the reply, so each press is answered once.
    pub trigger_id: String,
    pub issue_id: i64,
}

/// The challenge form as submitted: what each field held, unchecked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeSubmission {
    pub team_id: TeamId,
    pub user_id: UserId,
    /// Where `/archtopic challenge` was typed (the view's private metadata).
    pub channel_id: ChannelId,
    /// The view's id: a form submitted twice records once.
    pub view_id: String,
    pub picked_category: Option<String>,
    pub typed_category: String,
    pub picked_issue: Option<i64>,
    pub typed_issue: String,
    pub what_happened: String,
    pub team: String,
    pub date: Option<NaiveDate>,
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
    let actions = match event {
        SlackInteractionEvent::BlockActions(actions) => actions,
        SlackInteractionEvent::ViewSubmission(submission) => {
            return match challenge_submission(&submission) {
                Some(form) => InboundInteraction::ChallengeForm(form),
                None => InboundInteraction::Other {
                    kind: "a view we do not know".into(),
                },
            };
        }
        _ => {
            return InboundInteraction::Other {
                kind: "neither a block action nor a view submission".into(),
            };
        }
    };
    if let Some(press) = item_press(&actions) {
        return InboundInteraction::ItemButton(press);
    }
    if let Some(press) = discuss_press(&actions) {
        return InboundInteraction::DiscussChallenge(press);
    }
    let press = (|| {
        let action = actions.actions.as_ref()?.first()?;
        let control = MeetingControl::from_action_id(action.action_id.as_ref())?;
        let (meeting_id, topic_id) = parse_button_value(action.value.as_deref()?)?;
        Some(ButtonPress {
            team_id: TeamId::from(actions.team.id.0.clone()),
            channel_id: ChannelId::from(actions.channel.as_ref()?.id.0.clone()),
            user_id: UserId::from(actions.user.as_ref()?.id.0.clone()),
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

fn discuss_press(actions: &SlackInteractionBlockActionsEvent) -> Option<DiscussPress> {
    let action = actions.actions.as_ref()?.first()?;
    if action.action_id.as_ref() != DISCUSS_CHALLENGE {
        return None;
    }
    Some(DiscussPress {
        team_id: TeamId::from(actions.team.id.0.clone()),
        channel_id: ChannelId::from(actions.channel.as_ref()?.id.0.clone()),
        user_id: UserId::from(actions.user.as_ref()?.id.0.clone()),
        trigger_id: actions.trigger_id.to_string(),
        issue_id: action.value.as_deref()?.parse().ok()?,
    })
}

fn challenge_submission(
    submission: &SlackInteractionViewSubmissionEvent,
) -> Option<ChallengeSubmission> {
    let SlackView::Modal(modal) = &submission.view.view else {
        return None;
    };
    if modal.callback_id.as_ref().map(|id| id.as_ref()) != Some(form::CALLBACK) {
        return None;
    }
    let values = submission
        .view
        .state_params
        .state
        .as_ref()
        .map(|state| &state.values);
    // Each input block's element has the block's id as its action id.
    let field = |block: &str| {
        values
            .and_then(|values| values.get(&block.into()))
            .and_then(|actions| actions.get(&block.into()))
    };
    let text = |block: &str| {
        field(block)
            .and_then(|value| value.value.clone())
            .unwrap_or_default()
    };
    let picked = |block: &str| {
        field(block)
            .and_then(|value| value.selected_option.as_ref())
            .map(|option| option.value.clone())
    };
    Some(ChallengeSubmission {
        team_id: TeamId::from(submission.team.id.0.clone()),
        user_id: UserId::from(submission.user.id.0.clone()),
        channel_id: ChannelId::from(modal.private_metadata.clone()?),
        view_id: submission.view.state_params.id.to_string(),
        picked_category: picked(form::CATEGORY),
        typed_category: text(form::NEW_CATEGORY),
        picked_issue: picked(form::ISSUE).and_then(|id| id.parse().ok()),
        typed_issue: text(form::NEW_ISSUE),
        what_happened: text(form::WHAT),
        team: text(form::TEAM),
        date: field(form::DATE)
            .and_then(|value| value.selected_date.as_deref())
            .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()),
    })
}

fn item_press(actions: &SlackInteractionBlockActionsEvent) -> Option<ItemPress> {
    let action = actions.actions.as_ref()?.first()?;
    let control = ItemControl::from_action_id(action.action_id.as_ref())?;
    let item_id = action.value.as_deref()?.parse().ok()?;
    let message = match &actions.container {
        SlackInteractionActionContainer::Message(container) => Some(PressedMessage {
            channel_id: ChannelId::from(container.channel_id.as_ref()?.0.clone()),
            ts: container.message_ts.to_string(),
        }),
        _ => None,
    };
    Some(ItemPress {
        team_id: TeamId::from(actions.team.id.0.clone()),
        user_id: UserId::from(actions.user.as_ref()?.id.0.clone()),
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
