//! The Slack Web API calls the bot makes, as data the outbox can store and replay: the calls
//! that change something in Slack, and the reads whose answer a later step acts on
//! (`reactions.get` for a recount, `users.info` for an admin check).

use serde::{Deserialize, Serialize};
use slack_morphism::prelude::*;

use crate::domain::ids::{ChannelId, UserId};

/// One Web API call with its arguments, stored as `{"method": "chat.postMessage", "args": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", content = "args")]
pub enum SlackCall {
    #[serde(rename = "chat.postMessage")]
    PostMessage(SlackApiChatPostMessageRequest),
    #[serde(rename = "chat.update")]
    UpdateMessage(SlackApiChatUpdateRequest),
    #[serde(rename = "chat.postEphemeral")]
    PostEphemeral(SlackApiChatPostEphemeralRequest),
    #[serde(rename = "reactions.add")]
    AddReaction(SlackApiReactionsAddRequest),
    #[serde(rename = "reactions.remove")]
    RemoveReaction(SlackApiReactionsRemoveRequest),
    #[serde(rename = "views.publish")]
    PublishView(SlackApiViewsPublishRequest),
    #[serde(rename = "reactions.get")]
    GetReactions(SlackApiReactionsGetRequest),
    #[serde(rename = "users.info")]
    UserInfo(SlackApiUsersInfoRequest),
}

impl SlackCall {
    /// A message posted to a channel.
    pub fn post_message(channel: &ChannelId, text: String, blocks: Vec<SlackBlock>) -> Self {
        SlackCall::PostMessage(SlackApiChatPostMessageRequest::new(
            channel.as_str().into(),
            SlackMessageContent::new()
                .with_text(text)
                .with_blocks(blocks),
        ))
    }

    /// Marks a new message with the outbox key that sent it (in the message's metadata), so
    /// after an attempt whose outcome was lost the channel's history shows whether it arrived.
    /// Other calls are idempotent or cannot be looked for, and are left as they are.
    pub fn with_delivery_marker(self, key: &str) -> Self {
        match self {
            SlackCall::PostMessage(mut request) => {
                request.content.metadata = Some(delivery_marker(key));
                SlackCall::PostMessage(request)
            }
            other => other,
        }
    }

    /// The conversation the call acts in; `None` for the App Home and a user's profile.
    pub fn channel(&self) -> Option<ChannelId> {
        self.channel_text().map(ChannelId::from)
    }

    fn channel_text(&self) -> Option<&str> {
        match self {
            SlackCall::PostMessage(request) => Some(request.channel.as_ref()),
            SlackCall::UpdateMessage(request) => Some(request.channel.as_ref()),
            SlackCall::PostEphemeral(request) => Some(request.channel.as_ref()),
            SlackCall::AddReaction(request) => Some(request.channel.as_ref()),
            SlackCall::RemoveReaction(request) => request.channel.as_ref().map(|c| c.as_ref()),
            SlackCall::GetReactions(request) => request.channel.as_ref().map(|c| c.as_ref()),
            SlackCall::PublishView(_) | SlackCall::UserInfo(_) => None,
        }
    }

    /// What a 429 for this call says must wait: `Some(channel)` when it may be that
    /// conversation's own limit (messages: about one a second per channel; the outbox holds
    /// the whole method back only once two channels are refused), `None` when Slack limits the
    /// method per workspace, so every call of it waits (`reactions.get`, Tier 3: 50+ a minute;
    /// `users.info`, Tier 4: 100+ a minute).
    pub fn limited_in(&self) -> Option<&str> {
        match self {
            SlackCall::GetReactions(_) | SlackCall::UserInfo(_) => None,
            other => Some(other.channel_text().unwrap_or_default()),
        }
    }

    /// The channel a new message goes to; `None` for calls that post nothing new.
    pub fn posts_to(&self) -> Option<ChannelId> {
        match self {
            SlackCall::PostMessage(request) => Some(ChannelId::from(request.channel.as_ref())),
            _ => None,
        }
    }

    /// A message only `user` sees, in `channel`.
    pub fn post_ephemeral(channel: &ChannelId, user: &UserId, reply: super::blocks::Reply) -> Self {
        SlackCall::PostEphemeral(SlackApiChatPostEphemeralRequest::new(
            channel.as_str().into(),
            user.as_str().into(),
            SlackMessageContent::new()
                .with_text(reply.text)
                .with_blocks(reply.blocks),
        ))
    }

    /// Replaces a message's text and blocks.
    pub fn update_message(channel: &ChannelId, ts: &str, reply: super::blocks::Reply) -> Self {
        SlackCall::UpdateMessage(SlackApiChatUpdateRequest::new(
            channel.as_str().into(),
            SlackMessageContent::new()
                .with_text(reply.text)
                .with_blocks(reply.blocks),
            ts.into(),
        ))
    }

    /// The bot's `emoji` reaction on a message.
    pub fn add_reaction(channel: &ChannelId, ts: &str, emoji: &str) -> Self {
        SlackCall::AddReaction(SlackApiReactionsAddRequest::new(
            channel.as_str().into(),
            emoji.into(),
            ts.into(),
        ))
    }

    /// Takes the bot's `emoji` reaction off a message.
    pub fn remove_reaction(channel: &ChannelId, ts: &str, emoji: &str) -> Self {
        SlackCall::RemoveReaction(
            SlackApiReactionsRemoveRequest::new(emoji.into())
                .with_channel(channel.as_str().into())
                .with_timestamp(ts.into()),
        )
    }

    /// Publishes a user's App Home tab.
    pub fn publish_home(user: &UserId, blocks: Vec<SlackBlock>) -> Self {
        SlackCall::PublishView(SlackApiViewsPublishRequest::new(
            user.as_str().into(),
            SlackView::Home(SlackHomeView::new(blocks)),
        ))
    }

    /// The reactions on a message, every user of each (`full`: without it Slack may cut the
    /// list of users short).
    pub fn get_reactions(channel: &ChannelId, ts: &str) -> Self {
        SlackCall::GetReactions(
            SlackApiReactionsGetRequest::new()
                .with_channel(channel.as_str().into())
                .with_timestamp(ts.into())
                .with_full(true),
        )
    }

    /// Who a user is: a bot? a workspace admin or owner?
    pub fn user_info(user: &UserId) -> Self {
        SlackCall::UserInfo(SlackApiUsersInfoRequest::new(user.as_str().into()))
    }

    pub fn method(&self) -> SlackMethod {
        match self {
            SlackCall::PostMessage(_) => SlackMethod::ChatPostMessage,
            SlackCall::UpdateMessage(_) => SlackMethod::ChatUpdate,
            SlackCall::PostEphemeral(_) => SlackMethod::ChatPostEphemeral,
            SlackCall::AddReaction(_) => SlackMethod::ReactionsAdd,
            SlackCall::RemoveReaction(_) => SlackMethod::ReactionsRemove,
            SlackCall::PublishView(_) => SlackMethod::ViewsPublish,
            SlackCall::GetReactions(_) => SlackMethod::ReactionsGet,
            SlackCall::UserInfo(_) => SlackMethod::UsersInfo,
        }
    }
}

/// The metadata `event_type` of messages the outbox posts.
pub const DELIVERY_MARKER: &str = "archhour_delivery";

/// `{"event_type": "archhour_delivery", "event_payload": {"key": key}}`.
pub fn delivery_marker(key: &str) -> SlackMessageMetadata {
    SlackMessageMetadata::new(DELIVERY_MARKER.to_string())
        .with_event_payload([("key".to_string(), key.to_string())].into())
}

/// Every Web API method the bot calls, directly or through the outbox. The manifest test
/// checks that `manifest.yml` grants each one's scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlackMethod {
    AuthTest,
    ChatPostMessage,
    ChatUpdate,
    ChatPostEphemeral,
    ReactionsGet,
    ReactionsAdd,
    ReactionsRemove,
    UsersInfo,
    ConversationsOpen,
    ViewsPublish,
    ViewsOpen,
    ConversationsHistory,
    ConversationsJoin,
    ConversationsInfo,
    ConversationsMembers,
}

impl SlackMethod {
    pub const ALL: [SlackMethod; 15] = [
        SlackMethod::AuthTest,
        SlackMethod::ChatPostMessage,
        SlackMethod::ChatUpdate,
        SlackMethod::ChatPostEphemeral,
        SlackMethod::ReactionsGet,
        SlackMethod::ReactionsAdd,
        SlackMethod::ReactionsRemove,
        SlackMethod::UsersInfo,
        SlackMethod::ConversationsOpen,
        SlackMethod::ViewsPublish,
        SlackMethod::ViewsOpen,
        SlackMethod::ConversationsHistory,
        SlackMethod::ConversationsJoin,
        SlackMethod::ConversationsInfo,
        SlackMethod::ConversationsMembers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SlackMethod::AuthTest => "auth.test",
            SlackMethod::ChatPostMessage => "chat.postMessage",
            SlackMethod::ChatUpdate => "chat.update",
            SlackMethod::ChatPostEphemeral => "chat.postEphemeral",
            SlackMethod::ReactionsGet => "reactions.get",
            SlackMethod::ReactionsAdd => "reactions.add",
            SlackMethod::ReactionsRemove => "reactions.remove",
            SlackMethod::UsersInfo => "users.info",
            SlackMethod::ConversationsOpen => "conversations.open",
            SlackMethod::ViewsPublish => "views.publish",
            SlackMethod::ViewsOpen => "views.open",
            SlackMethod::ConversationsHistory => "conversations.history",
            SlackMethod::ConversationsJoin => "conversations.join",
            SlackMethod::ConversationsInfo => "conversations.info",
            SlackMethod::ConversationsMembers => "conversations.members",
        }
    }

    /// The bot-token scopes Slack requires for this method.
    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            SlackMethod::AuthTest => &[],
            // chat:write.public lets the bot post cards in public channels it was not invited to.
            SlackMethod::ChatPostMessage => &["chat:write", "chat:write.public"],
            SlackMethod::ChatUpdate | SlackMethod::ChatPostEphemeral => &["chat:write"],
            SlackMethod::ReactionsGet => &["reactions:read"],
            SlackMethod::ReactionsAdd | SlackMethod::ReactionsRemove => &["reactions:write"],
            SlackMethod::UsersInfo => &["users:read"],
            SlackMethod::ConversationsOpen => &["im:write"],
            // The App Home tab needs no scope, only the home tab enabled in the manifest.
            SlackMethod::ViewsPublish => &[],
            // A modal needs only the trigger of the person's command or click.
            SlackMethod::ViewsOpen => &[],
            // Looking for a message whose delivery went unconfirmed: in channels (public and
            // private) and in DMs.
            SlackMethod::ConversationsHistory => {
                &["channels:history", "groups:history", "im:history"]
            }
            // Joining a public channel before its first card, so its events reach the bot.
            SlackMethod::ConversationsJoin => &["channels:join"],
            // Whether the bot is in a channel, and whether it is public; the same scopes bring
            // the member_joined_channel and member_left_channel events.
            SlackMethod::ConversationsInfo => &["channels:read", "groups:read"],
            // Who is in a private channel, before the archive shows it to someone.
            SlackMethod::ConversationsMembers => &["channels:read", "groups:read"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_call_is_stored_as_method_and_slack_arguments() {
        let call = SlackCall::post_message(&ChannelId::from("C1"), "hello".into(), vec![]);
        let stored = serde_json::to_value(&call).expect("serialises");
        assert_eq!(
            stored,
            json!({"method": "chat.postMessage", "args": {"channel": "C1", "text": "hello", "blocks": []}})
        );
        let back: SlackCall = serde_json::from_value(stored).expect("deserialises");
        assert_eq!(back, call);
    }

    #[test]
    fn method_names_match_the_stored_tag() {
        for call in [
            SlackCall::post_message(&ChannelId::from("C1"), "x".into(), vec![]),
            SlackCall::get_reactions(&ChannelId::from("C1"), "1.2"),
            SlackCall::user_info(&UserId::from("U1")),
        ] {
            let stored = serde_json::to_value(&call).expect("serialises");
            assert_eq!(stored["method"], call.method().name());
        }
    }

    #[test]
    fn a_read_is_stored_with_its_arguments_and_asks_for_every_user() {
        let call = SlackCall::get_reactions(&ChannelId::from("C1"), "1700000000.000001");
        let stored = serde_json::to_value(&call).expect("serialises");
        assert_eq!(
            stored,
            json!({"method": "reactions.get",
                   "args": {"channel": "C1", "timestamp": "1700000000.000001", "full": true}})
        );
        let back: SlackCall = serde_json::from_value(stored).expect("deserialises");
        assert_eq!(back, call);
    }

    #[test]
    fn reads_wait_out_a_workspace_limit_and_messages_their_channels() {
        assert_eq!(
            SlackCall::get_reactions(&ChannelId::from("C1"), "1.2").limited_in(),
            None
        );
        assert_eq!(SlackCall::user_info(&UserId::from("U1")).limited_in(), None);
        let post = SlackCall::post_message(&ChannelId::from("C1"), "x".into(), vec![]);
        assert_eq!(post.limited_in(), Some("C1"));
    }
}
