//! The Slack Web API client: slack-morphism pointed at `SLACK_API_URL`, with a per-call
//! timeout and errors sorted into "retry" and "give up" for the outbox.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use secrecy::{ExposeSecret, SecretString};
use slack_morphism::prelude::*;
use url::Url;

use super::call::SlackCall;
pub use super::outcome::{CallError, CallReceipt, ChannelStanding, Reaction, Reactions, Read};
use super::outcome::{already_so, classify};
use crate::domain::ids::{ChannelId, UserId};
use crate::domain::users::UserKind;

/// How the client reaches Slack: HTTPS, or plain HTTP for a local fake.
pub type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

/// HTTPS with the system's CA certificates, or plain HTTP (which `SLACK_API_URL` allows only
/// for a local fake).
pub fn https_connector() -> anyhow::Result<HttpsConnector<HttpConnector>> {
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .context("loading the system's CA certificates for calls to Slack")?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build())
}

/// A handle on the Web API, cheap to clone.
#[derive(Clone)]
pub struct SlackApi {
    client: Arc<SlackClient<Connector>>,
    token: SlackApiToken,
    timeout: Duration,
}

impl std::fmt::Debug for SlackApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackApi")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SlackApi {
    /// Builds a client for `api_url`. Plain `http://` is allowed so tests can use a local fake.
    pub fn new(api_url: &Url, token: &SecretString, timeout: Duration) -> anyhow::Result<Self> {
        let connector = SlackClientHyperConnector::with_connector(https_connector()?)
            .with_slack_api_url(api_url.as_str().trim_end_matches('/'));
        Ok(Self {
            client: Arc::new(SlackClient::new(connector)),
            token: SlackApiToken::new(token.expose_secret().to_string().into()),
            timeout,
        })
    }

    /// The same client acting with another bot token: a workspace's installed through "Add to
    /// Slack".
    pub fn with_token(&self, token: &SecretString) -> SlackApi {
        SlackApi {
            client: self.client.clone(),
            token: SlackApiToken::new(token.expose_secret().to_string().into()),
            timeout: self.timeout,
        }
    }

    /// The underlying slack-morphism client, for the Socket Mode listener.
    pub fn client(&self) -> Arc<SlackClient<Connector>> {
        self.client.clone()
    }

    /// Makes one call and reports what Slack said.
    pub async fn execute(&self, call: &SlackCall) -> Result<CallReceipt, CallError> {
        let session = self.client.open_session(&self.token);
        match call {
            SlackCall::PostMessage(request) => {
                let response = self.bounded(session.chat_post_message(request)).await?;
                Ok(CallReceipt {
                    channel: Some(ChannelId::from(response.channel.0)),
                    ts: Some(response.ts.to_string()),
                    read: None,
                })
            }
            SlackCall::UpdateMessage(request) => {
                let response = self.bounded(session.chat_update(request)).await?;
                Ok(CallReceipt {
                    channel: Some(ChannelId::from(response.channel.0)),
                    ts: Some(response.ts.to_string()),
                    read: None,
                })
            }
            SlackCall::PostEphemeral(request) => {
                self.bounded(session.chat_post_ephemeral(request)).await?;
                Ok(CallReceipt::default())
            }
            SlackCall::AddReaction(request) => {
                let added = self.bounded(session.reactions_add(request)).await;
                already_so(added.map(|_| ()), "already_reacted")
            }
            SlackCall::RemoveReaction(request) => {
                let removed = self.bounded(session.reactions_remove(request)).await;
                already_so(removed.map(|_| ()), "no_reaction")
            }
            SlackCall::PublishView(request) => {
                self.bounded(session.views_publish(request)).await?;
                Ok(CallReceipt::default())
            }
            SlackCall::GetReactions(request) => {
                let response = self.bounded(session.reactions_get(request)).await?;
                Ok(CallReceipt {
                    read: Some(Read::Reactions(reactions_of(response))),
                    ..CallReceipt::default()
                })
            }
            SlackCall::UserInfo(request) => {
                let response = self.bounded(session.users_info(request)).await?;
                Ok(CallReceipt {
                    read: Some(Read::Person {
                        kind: kind_of(&response.user),
                        name: name_of(&response.user),
                    }),
                    ..CallReceipt::default()
                })
            }
        }
    }

    /// The bot's direct-message channel with `user` (`conversations.open`, which is idempotent).
    pub async fn open_dm(&self, user: &UserId) -> Result<ChannelId, CallError> {
        let session = self.client.open_session(&self.token);
        let request =
            SlackApiConversationsOpenRequest::new().with_users(vec![user.as_str().into()]);
        let response: SlackApiConversationsOpenResponse<SlackBasicChannelInfo> =
            self.bounded(session.conversations_open(&request)).await?;
        Ok(ChannelId::from(response.channel.id.0))
    }

    /// Where the bot stands in a channel (`conversations.info`). A private channel the bot is
    /// not in is `channel_not_found` to it.
    pub async fn standing_in(&self, channel: &ChannelId) -> Result<ChannelStanding, CallError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiConversationsInfoRequest::new(channel.as_str().into());
        let response = self.bounded(session.conversations_info(&request)).await?;
        let flags = response.channel.flags;
        Ok(ChannelStanding {
            is_member: flags.is_member.unwrap_or(false),
            is_public: flags.is_channel.unwrap_or(false)
                && !flags.is_private.unwrap_or(false)
                && !flags.is_im.unwrap_or(false)
                && !flags.is_mpim.unwrap_or(false),
            is_archived: flags.is_archived.unwrap_or(false),
            name: response.channel.name,
        })
    }

    /// Everyone in a channel the bot is in (`conversations.members`, every page of it).
    pub async fn members_of(&self, channel: &ChannelId) -> Result<Vec<UserId>, CallError> {
        let session = self.client.open_session(&self.token);
        let mut members = Vec::new();
        let mut cursor = None;
        loop {
            let request = SlackApiConversationsMembersRequest::new()
                .with_channel(channel.as_str().into())
                .with_limit(1000)
                .opt_cursor(cursor);
            let page = self
                .bounded(session.conversations_members(&request))
                .await?;
            members.extend(page.members.into_iter().map(|user| UserId::from(user.0)));
            cursor = page
                .response_metadata
                .and_then(|metadata| metadata.next_cursor)
                .filter(|next| !next.0.is_empty());
            if cursor.is_none() {
                return Ok(members);
            }
        }
    }

    /// Joins a public channel (`conversations.join`; answering `already_in_channel` as a
    /// warning when it is in). Private channels, DMs and group DMs refuse: someone must invite
    /// the bot.
    pub async fn join(&self, channel: &ChannelId) -> Result<(), CallError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiConversationsJoinRequest::new(channel.as_str().into());
        self.bounded(session.conversations_join(&request))
            .await
            .map(|_| ())
    }

    /// The message the outbox posted under `key` in `channel` since `since`, if Slack has it:
    /// read back from the channel's recent history by the marker in its metadata.
    pub async fn find_delivered(
        &self,
        channel: &ChannelId,
        key: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<CallReceipt>, CallError> {
        let session = self.client.open_session(&self.token);
        // A minute's margin for clocks that disagree.
        let oldest = since - chrono::Duration::minutes(1);
        let request = SlackApiConversationsHistoryRequest::new()
            .with_channel(channel.as_str().into())
            .with_oldest(format!("{}.000000", oldest.timestamp()).into())
            .with_limit(200)
            .with_include_all_metadata(true);
        let response = self
            .bounded(session.conversations_history(&request))
            .await?;
        let found = response.messages.into_iter().find(|message| {
            message.content.metadata.as_ref().is_some_and(|metadata| {
                metadata.event_type == super::call::DELIVERY_MARKER
                    && metadata
                        .event_payload
                        .as_ref()
                        .and_then(|payload| payload.get("key"))
                        .is_some_and(|marked| marked == key)
            })
        });
        Ok(found.map(|message| CallReceipt {
            channel: Some(channel.clone()),
            ts: Some(message.origin.ts.to_string()),
            read: None,
        }))
    }

    /// Opens a modal for the person whose command or click gave `trigger_id` (`views.open`).
    /// A trigger expires three seconds after the click, so this is called while answering it,
    /// never queued; `within` bounds it to what is left of those seconds.
    pub async fn open_view(
        &self,
        trigger_id: &str,
        view: SlackView,
        within: Duration,
    ) -> Result<(), CallError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiViewsOpenRequest::new(trigger_id.into(), view);
        match tokio::time::timeout(within, self.bounded(session.views_open(&request))).await {
            Ok(opened) => opened.map(|_| ()),
            Err(_) => Err(CallError::Retryable {
                reason: format!("views.open took longer than {within:?}"),
                retry_after: None,
                maybe_sent: true,
            }),
        }
    }

    /// The reactions on a message (`reactions.get`), made at once: for the vote on a "Time's
    /// up" message, which a scheduled step reads. Recounts read through the outbox instead
    /// ([`SlackCall::get_reactions`]).
    pub async fn reactions_on(
        &self,
        channel: &ChannelId,
        ts: &str,
    ) -> Result<Reactions, CallError> {
        let call = SlackCall::get_reactions(channel, ts);
        match self.execute(&call).await?.read {
            Some(Read::Reactions(reactions)) => Ok(reactions),
            _ => Ok(Vec::new()),
        }
    }

    /// Whether a user is a bot, whether a workspace admin or owner, and the name Slack shows
    /// for them (`users.info`, made at once: for the background look-up of users).
    pub async fn user_facts(&self, user: &UserId) -> Result<(UserKind, Option<String>), CallError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiUsersInfoRequest::new(user.as_str().into());
        let response = self.bounded(session.users_info(&request)).await?;
        Ok((kind_of(&response.user), name_of(&response.user)))
    }

    async fn bounded<T>(
        &self,
        call: impl Future<Output = ClientResult<T>>,
    ) -> Result<T, CallError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result.map_err(classify),
            Err(_) => Err(CallError::Retryable {
                reason: format!("no answer from Slack within {:?}", self.timeout),
                retry_after: None,
                maybe_sent: true,
            }),
        }
    }
}

/// The reactions in a `reactions.get` answer: each emoji with its users.
fn reactions_of(response: SlackApiReactionsGetResponse) -> Reactions {
    let reactions = match response {
        SlackApiReactionsGetResponse::Message(found) => {
            found.message.content.reactions.unwrap_or_default()
        }
        SlackApiReactionsGetResponse::File(_) => Vec::new(),
    };
    reactions
        .into_iter()
        .map(|reaction| Reaction {
            name: reaction.name.to_string(),
            users: reaction
                .users
                .into_iter()
                .map(|user| UserId::from(user.0))
                .collect(),
        })
        .collect()
}

/// The name Slack shows for a user: their display name, else their full name; `None` when
/// the profile has neither (the handle, `name`, is not how people know each other).
fn name_of(user: &SlackUser) -> Option<String> {
    let profile = user.profile.as_ref();
    [
        profile.and_then(|profile| profile.display_name.as_deref()),
        profile.and_then(|profile| profile.real_name.as_deref()),
        user.real_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .find(|name| !name.is_empty())
    .map(str::to_string)
}

/// A user as `users.info` describes them: owners and the primary owner are admins too.
fn kind_of(user: &SlackUser) -> UserKind {
    let flags = &user.flags;
    UserKind {
        is_bot: flags.is_bot.unwrap_or(false),
        is_admin: flags.is_admin.unwrap_or(false)
            || flags.is_owner.unwrap_or(false)
            || flags.is_primary_owner.unwrap_or(false),
    }
}
