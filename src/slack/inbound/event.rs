//! Events API envelopes and the events the bot acts on.

use slack_morphism::prelude::*;

use super::MalformedPayload;
use crate::domain::ids::{ChannelId, TeamId, UserId};

/// What arrived at `/slack/events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventRequest {
    /// Slack checking the request URL; answered with the challenge.
    UrlVerification { challenge: String },
    /// An event callback, with the id that makes redeliveries recognisable.
    Callback(InboundEvent),
    /// Anything else (`app_rate_limited`…): acknowledged.
    Other { kind: String },
}

/// An event the bot acts on, or the kind of one it ignores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundEvent {
    Reaction(ReactionEvent),
    ThreadReply(ThreadReply),
    /// Someone opened the bot's App Home tab in workspace `team_id`.
    HomeOpened {
        event_id: String,
        team_id: TeamId,
        user_id: UserId,
    },
    /// Someone joined or left a channel (`member_joined_channel`, `member_left_channel`), or the
    /// bot itself was removed (`channel_left`, `group_left`: `user_id` is `None`); `team_id` is
    /// the workspace the event came from.
    Membership {
        team_id: TeamId,
        channel_id: ChannelId,
        user_id: Option<UserId>,
        joined: bool,
    },
    /// The app was uninstalled from the workspace (`app_uninstalled`), or its bot token revoked
    /// (`tokens_revoked` naming bot tokens): the workspace's installation is void.
    Uninstalled {
        team_id: TeamId,
        why: &'static str,
    },
    Ignored {
        kind: String,
    },
}

/// A person's reply in a thread (perhaps on a topic card).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadReply {
    pub event_id: String,
    pub team_id: TeamId,
    pub channel_id: ChannelId,
    pub ts: String,
    pub thread_ts: String,
    pub user_id: UserId,
    /// Slack markup, as written.
    pub text: String,
}

/// `reaction_added` or `reaction_removed` on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionEvent {
    pub event_id: String,
    pub team_id: TeamId,
    pub channel_id: ChannelId,
    pub message_ts: String,
    pub user_id: UserId,
    /// The reaction's name as Slack sends it, e.g. `+1::skin-tone-3`.
    pub reaction: String,
    pub added: bool,
    /// Slack's event_ts in microseconds: orders events on the same vote.
    pub event_ts: i64,
}

/// Parses an Events API body.
pub fn parse_event(body: &[u8]) -> Result<EventRequest, MalformedPayload> {
    let event: SlackPushEvent = match serde_json::from_slice(body) {
        Ok(event) => event,
        // Valid JSON in a shape we do not model: acknowledge it rather than have Slack retry
        // (and eventually disable the subscription) over something we would ignore anyway.
        Err(error) => {
            let envelope: serde_json::Value =
                serde_json::from_slice(body).map_err(|e| MalformedPayload(e.to_string()))?;
            let kind = envelope["event"]["type"]
                .as_str()
                .or(envelope["type"].as_str())
                .unwrap_or("unknown");
            tracing::warn!(%kind, %error, "acknowledging an event we could not parse");
            return Ok(EventRequest::Other {
                kind: format!("unparsed {kind}"),
            });
        }
    };
    Ok(match event {
        SlackPushEvent::UrlVerification(verification) => EventRequest::UrlVerification {
            challenge: verification.challenge,
        },
        SlackPushEvent::EventCallback(callback) => EventRequest::Callback(callback_event(callback)),
        SlackPushEvent::AppRateLimited(_) => EventRequest::Other {
            kind: "app_rate_limited".into(),
        },
    })
}

/// Our view of an event callback, whichever transport delivered it.
pub fn callback_event(callback: SlackPushEventCallback) -> InboundEvent {
    let event_id = callback.event_id.to_string();
    let team_id = TeamId::from(callback.team_id.0);
    let reaction = |user: SlackUserId,
                    name: SlackReactionName,
                    item: SlackReactionsItem,
                    event_ts: SlackTs,
                    added: bool| {
        let SlackReactionsItem::Message(message) = item else {
            return InboundEvent::Ignored {
                kind: "reaction on a file".into(),
            };
        };
        let (Some(channel), Some(event_ts)) = (message.origin.channel, ts_micros(&event_ts.0))
        else {
            return InboundEvent::Ignored {
                kind: "reaction without channel or event_ts".into(),
            };
        };
        InboundEvent::Reaction(ReactionEvent {
            event_id: event_id.clone(),
            team_id: team_id.clone(),
            channel_id: ChannelId::from(channel.0),
            message_ts: message.origin.ts.to_string(),
            user_id: UserId::from(user.0),
            reaction: name.to_string(),
            added,
            event_ts,
        })
    };
    match callback.event {
        SlackEventCallbackBody::ReactionAdded(event) => {
            reaction(event.user, event.reaction, event.item, event.event_ts, true)
        }
        SlackEventCallbackBody::ReactionRemoved(event) => reaction(
            event.user,
            event.reaction,
            event.item,
            event.event_ts,
            false,
        ),
        SlackEventCallbackBody::Message(message) => thread_reply(event_id, team_id, message),
        SlackEventCallbackBody::AppHomeOpened(opened)
            if opened.tab.as_deref() != Some("messages") =>
        {
            InboundEvent::HomeOpened {
                event_id,
                team_id,
                user_id: UserId::from(opened.user.0),
            }
        }
        SlackEventCallbackBody::MemberJoinedChannel(joined) => InboundEvent::Membership {
            team_id,
            channel_id: ChannelId::from(joined.channel.0),
            user_id: Some(UserId::from(joined.user.0)),
            joined: true,
        },
        SlackEventCallbackBody::MemberLeftChannel(left) => InboundEvent::Membership {
            team_id,
            channel_id: ChannelId::from(left.channel.0),
            user_id: Some(UserId::from(left.user.0)),
            joined: false,
        },
        SlackEventCallbackBody::AppUninstalled(_) => InboundEvent::Uninstalled {
            team_id,
            why: "app_uninstalled",
        },
        SlackEventCallbackBody::Unknown(raw) => unmodelled(team_id, &raw),
        other => InboundEvent::Ignored {
            kind: event_kind(&other),
        },
    }
}

/// An event slack-morphism does not model, read from its JSON.
fn unmodelled(team_id: TeamId, raw: &serde_json::Value) -> InboundEvent {
    match (raw["type"].as_str(), raw["channel"].as_str()) {
        // Only revoked bot tokens void the install (a person's revoked Sign in with Slack token
        // does not).
        (Some("tokens_revoked"), _)
            if raw["tokens"]["bot"]
                .as_array()
                .is_some_and(|bots| !bots.is_empty()) =>
        {
            InboundEvent::Uninstalled {
                team_id,
                why: "tokens_revoked",
            }
        }
        // Sent to the bot when it is removed.
        (Some("channel_left" | "group_left"), Some(channel)) => InboundEvent::Membership {
            team_id,
            channel_id: ChannelId::from(channel),
            user_id: None,
            joined: false,
        },
        (kind, _) => InboundEvent::Ignored {
            kind: kind.unwrap_or("unknown").to_string(),
        },
    }
}

/// A new message by a person inside a thread; edits, deletions, bots and top-level messages
/// are ignored.
fn thread_reply(event_id: String, team_id: TeamId, message: SlackMessageEvent) -> InboundEvent {
    let ignored = |kind: &str| InboundEvent::Ignored { kind: kind.into() };
    let plain = matches!(
        message.subtype,
        None | Some(SlackMessageEventType::ThreadBroadcast)
    );
    if !plain || message.sender.bot_id.is_some() {
        return ignored("message that is not a person's new reply");
    }
    let (Some(channel), Some(thread_ts), Some(user), Some(text)) = (
        message.origin.channel,
        message.origin.thread_ts,
        message.sender.user,
        message.content.and_then(|content| content.text),
    ) else {
        return ignored("message without channel, thread, author or text");
    };
    if thread_ts == message.origin.ts {
        return ignored("top-level message");
    }
    InboundEvent::ThreadReply(ThreadReply {
        event_id,
        team_id,
        channel_id: ChannelId::from(channel.0),
        ts: message.origin.ts.to_string(),
        thread_ts: thread_ts.to_string(),
        user_id: UserId::from(user.0),
        text,
    })
}

fn event_kind(event: &SlackEventCallbackBody) -> String {
    serde_json::to_value(event)
        .ok()
        .and_then(|value| value.get("type").and_then(|t| t.as_str()).map(String::from))
        .unwrap_or_else(|| "unknown".into())
}

/// Slack's `1360782804.083113` as microseconds since the epoch.
pub fn ts_micros(ts: &str) -> Option<i64> {
    let (seconds, fraction) = ts.split_once('.').unwrap_or((ts, "0"));
    if fraction.is_empty() || fraction.len() > 6 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let seconds: i64 = seconds.parse().ok()?;
    let micros: i64 = format!("{fraction:0<6}").parse().ok()?;
    seconds.checked_mul(1_000_000)?.checked_add(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reaction_event_parses_with_its_ordering_key() {
        let body = br#"{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback",
            "event_id":"Ev1","event_time":1700000100,
            "event":{"type":"reaction_added","user":"U2","reaction":"+1::skin-tone-3",
                     "item_user":"U1","item":{"type":"message","channel":"C1","ts":"1700000000.000001"},
                     "event_ts":"1700000100.000250"}}"#;
        let EventRequest::Callback(InboundEvent::Reaction(reaction)) =
            parse_event(body).expect("parses")
        else {
            panic!("expected a reaction");
        };
        assert_eq!(
            reaction,
            ReactionEvent {
                event_id: "Ev1".into(),
                team_id: "T1".into(),
                channel_id: "C1".into(),
                message_ts: "1700000000.000001".into(),
                user_id: "U2".into(),
                reaction: "+1::skin-tone-3".into(),
                added: true,
                event_ts: 1_700_000_100_000_250,
            }
        );
    }

    #[test]
    fn a_thread_reply_parses_and_top_level_and_bot_messages_do_not() {
        let body = |extra: &str| {
            format!(
                r#"{{"team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev3",
                "event_time":1,"event":{{"type":"message","channel":"C1","user":"U1",
                "text":"ACTION <@U2> write it up","ts":"1700000200.000100",
                "channel_type":"channel"{extra}}}}}"#
            )
        };
        let reply = body(r#","thread_ts":"1700000000.000001""#);
        assert_eq!(
            parse_event(reply.as_bytes()).expect("parses"),
            EventRequest::Callback(InboundEvent::ThreadReply(ThreadReply {
                event_id: "Ev3".into(),
                team_id: "T1".into(),
                channel_id: "C1".into(),
                ts: "1700000200.000100".into(),
                thread_ts: "1700000000.000001".into(),
                user_id: "U1".into(),
                text: "ACTION <@U2> write it up".into(),
            }))
        );
        for ignored in [
            body(""),
            body(r#","thread_ts":"1700000000.000001","bot_id":"B1""#),
            body(r#","thread_ts":"1700000000.000001","subtype":"message_changed""#),
        ] {
            assert!(
                matches!(
                    parse_event(ignored.as_bytes()).expect("parses"),
                    EventRequest::Callback(InboundEvent::Ignored { .. })
                ),
                "{ignored}"
            );
        }
    }

    #[test]
    fn other_events_are_ignored_by_kind() {
        let body = br#"{"team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev2",
            "event_time":1,"event":{"type":"member_joined_channel","user":"U1","channel":"C1"}}"#;
        assert!(matches!(
            parse_event(body).expect("parses"),
            EventRequest::Callback(InboundEvent::Ignored { .. })
        ));
    }

    #[test]
    fn slack_timestamps_become_microseconds() {
        assert_eq!(ts_micros("1360782804.083113"), Some(1_360_782_804_083_113));
        assert_eq!(ts_micros("1360782804.5"), Some(1_360_782_804_500_000));
        assert_eq!(ts_micros("1360782804"), Some(1_360_782_804_000_000));
        assert_eq!(ts_micros("x.1"), None);
        assert_eq!(ts_micros("1.1234567"), None);
    }

    #[test]
    fn url_verification_yields_the_challenge() {
        let body = br#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        assert_eq!(
            parse_event(body).expect("parses"),
            EventRequest::UrlVerification {
                challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".into()
            }
        );
    }

    #[test]
    fn an_uninstall_or_revoked_bot_token_voids_the_workspaces_install() {
        let callback = |event: &str| {
            format!(
                r#"{{"token":"x","team_id":"T9","api_app_id":"A1","type":"event_callback",
                   "event_id":"Ev9","event_time":1700000100,"event":{event}}}"#
            )
        };
        let uninstalled = |why| {
            EventRequest::Callback(InboundEvent::Uninstalled {
                team_id: TeamId::from("T9"),
                why,
            })
        };
        let parsed = |event: &str| parse_event(callback(event).as_bytes()).expect("parses");
        assert_eq!(
            parsed(r#"{"type":"app_uninstalled"}"#),
            uninstalled("app_uninstalled")
        );
        assert_eq!(
            parsed(r#"{"type":"tokens_revoked","tokens":{"oauth":[],"bot":["UBOT"]}}"#),
            uninstalled("tokens_revoked")
        );
        assert!(matches!(
            parsed(r#"{"type":"tokens_revoked","tokens":{"oauth":["U1"],"bot":[]}}"#),
            EventRequest::Callback(InboundEvent::Ignored { .. })
        ));
    }
}
