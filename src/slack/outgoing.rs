//! What the outbox delivers: a Slack call (or a card to render when it is sent), the key that
//! keeps it from being queued twice, and what to record when Slack accepts it (or, for a read,
//! what it answered).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::domain::ids::{ChannelId, TeamId, UserId};
use crate::domain::topics::Topic;
use crate::slack::blocks::Reply;
use crate::slack::call::SlackCall;

/// What a row sends: a call made as stored, or a message rendered from the database at send
/// time (so a burst of changes coalesces into one edit that shows the latest state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Outgoing {
    Call(Box<SlackCall>),
    Render(Render),
}

/// Messages rendered when sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "render", rename_all = "snake_case")]
pub enum Render {
    /// Edit a topic card in place (`chat.update`) to show its current votes and state.
    TopicCard { topic_id: i64 },
    /// Send a reminder run's DM to an owner (opening the DM channel first).
    ReminderDm { run_key: String, user_id: UserId },
    /// Edit a sent reminder DM to show its items' current states.
    ReminderDmEdit { run_key: String, user_id: UserId },
    /// Publish a user's App Home tab.
    AppHome { user_id: UserId },
    /// Tell a topic's proposer, in a DM, that its card could not be posted and why (Slack's
    /// error code).
    CardNotPosted { topic_id: i64, error: String },
}

impl Outgoing {
    /// The Web API method this ends up calling, for metrics and logs.
    pub fn method_name(&self) -> &'static str {
        match self {
            Outgoing::Call(call) => call.method().name(),
            Outgoing::Render(Render::TopicCard { .. } | Render::ReminderDmEdit { .. }) => {
                "chat.update"
            }
            Outgoing::Render(Render::ReminderDm { .. } | Render::CardNotPosted { .. }) => {
                "chat.postMessage"
            }
            Outgoing::Render(Render::AppHome { .. }) => "views.publish",
        }
    }
}

/// Bookkeeping done in the same transaction that marks a call delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AfterSend {
    /// Store the posted card's `ts` on its topic.
    RecordTopicCard { topic_id: i64 },
    /// Store the "Time's up" message's `ts`, whose reactions decide the vote of that phase.
    RecordVoteMessage { meeting_id: i64, version: i32 },
    /// Store where a reminder DM went, so Done can edit it.
    RecordReminderDm { run_key: String, user_id: UserId },
    /// Store the reactions `reactions.get` found on a card for a recount (or, when the outbox
    /// gives up, why it could not read them); the last card of the recount brings its
    /// finishing step forward.
    RecordReactions { recount_id: i64, topic_id: i64 },
    /// Store who `users.info` says a user is, and bring forward the steps waiting to know.
    RecordUser { user_id: UserId },
}

/// How long card edits wait for more votes before they are sent: Slack allows about one
/// message edit per second per channel, and a burst of votes becomes one edit.
pub const CARD_REFRESH_DELAY: Duration = Duration::from_secs(1);

/// One intent to call Slack, ready to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Unique per intent: queuing the same key again is a no-op.
    pub key: String,
    pub outgoing: Outgoing,
    pub after_send: Option<AfterSend>,
    /// Deliveries with the same coalesce key merge while one is waiting to be sent.
    pub coalesce_key: Option<String>,
    /// Deliveries with the same sequence key (a channel) are sent in the order queued.
    pub sequence_key: Option<String>,
    /// Not sent before this long after queuing.
    pub delay: Duration,
    /// The workspace the call is for: the outbox makes it with that workspace's bot token.
    /// `None` until the use case that decided it is carried out for its workspace (see
    /// [`Delivery::for_team`]); a row queued without one is made with `SLACK_BOT_TOKEN`.
    pub team: Option<TeamId>,
}

impl Delivery {
    /// The same delivery, for `team` (kept when it already names one: a call about another
    /// workspace's object stays with that workspace).
    #[must_use]
    pub fn for_team(mut self, team: &TeamId) -> Delivery {
        self.team.get_or_insert_with(|| team.clone());
        self
    }

    /// The same delivery, for `team` when there is one (a call queued while delivering a row
    /// stays with that row's workspace).
    #[must_use]
    pub fn for_team_if(self, team: Option<&TeamId>) -> Delivery {
        match team {
            Some(team) => self.for_team(team),
            None => self,
        }
    }

    fn call(key: String, call: SlackCall) -> Delivery {
        Delivery {
            key,
            outgoing: Outgoing::Call(Box::new(call)),
            after_send: None,
            coalesce_key: None,
            sequence_key: None,
            delay: Duration::ZERO,
            team: None,
        }
    }

    /// Posts a new topic's card in its channel (with its workspace's bot) and remembers where it
    /// went. Cards keep their own order (the order topics were proposed), apart from the
    /// channel's other messages.
    pub fn topic_card(topic: &Topic, card: Reply) -> Delivery {
        Delivery {
            sequence_key: Some(format!("cards:{}", topic.channel_id)),
            team: Some(topic.team_id.clone()),
            ..Delivery::post_then(
                format!("topic-card:{}", topic.id),
                &topic.channel_id,
                card,
                AfterSend::RecordTopicCard { topic_id: topic.id },
            )
        }
    }

    /// A topic's card once more, after the first could not be posted (the bot was invited in
    /// since): `attempt` tells the tries apart.
    pub fn topic_card_again(topic: &Topic, card: Reply, attempt: &str) -> Delivery {
        Delivery {
            key: format!("topic-card:{}:{attempt}", topic.id),
            ..Delivery::topic_card(topic, card)
        }
    }

    /// Edits a topic card to its current state, after `delay`, merged with any edit of the
    /// same card still waiting.
    pub fn refresh_card(topic_id: i64, delay: Duration) -> Delivery {
        Delivery {
            key: format!("card-refresh:{topic_id}:{:016x}", rand::random::<u64>()),
            outgoing: Outgoing::Render(Render::TopicCard { topic_id }),
            after_send: None,
            coalesce_key: Some(format!("card:{topic_id}")),
            sequence_key: None,
            delay,
            team: None,
        }
    }

    /// A message in a channel; `key` names the reason, so it is posted once.
    pub fn post(key: String, channel: &ChannelId, reply: Reply) -> Delivery {
        Delivery {
            sequence_key: Some(channel.to_string()),
            ..Delivery::call(
                key,
                SlackCall::post_message(channel, reply.text, reply.blocks),
            )
        }
    }

    /// A message of a running meeting (the agenda, "Now discussing", warnings, "Time's up",
    /// the end): posted in the order the meeting made them, and held back by nothing else the
    /// channel is sent, so a card or digest Slack keeps refusing never delays the meeting.
    pub fn meeting_post(key: String, channel: &ChannelId, reply: Reply) -> Delivery {
        Delivery {
            sequence_key: Some(format!("meeting:{channel}")),
            ..Delivery::post(key, channel, reply)
        }
    }

    /// A meeting message whose `ts` is recorded once Slack accepts it.
    pub fn meeting_post_then(
        key: String,
        channel: &ChannelId,
        reply: Reply,
        after_send: AfterSend,
    ) -> Delivery {
        Delivery {
            after_send: Some(after_send),
            ..Delivery::meeting_post(key, channel, reply)
        }
    }

    /// A channel message whose `ts` is recorded once Slack accepts it.
    pub fn post_then(
        key: String,
        channel: &ChannelId,
        reply: Reply,
        after_send: AfterSend,
    ) -> Delivery {
        Delivery {
            after_send: Some(after_send),
            ..Delivery::post(key, channel, reply)
        }
    }

    /// A reminder run's DM to one owner, rendered and sent by the outbox.
    pub fn reminder_dm(run_key: &str, user_id: &UserId) -> Delivery {
        Delivery {
            key: format!("reminder-dm:{run_key}:{user_id}"),
            outgoing: Outgoing::Render(Render::ReminderDm {
                run_key: run_key.to_string(),
                user_id: user_id.clone(),
            }),
            after_send: Some(AfterSend::RecordReminderDm {
                run_key: run_key.to_string(),
                user_id: user_id.clone(),
            }),
            coalesce_key: None,
            sequence_key: None,
            delay: Duration::ZERO,
            team: None,
        }
    }

    /// Edits a sent reminder DM, merged with any edit of it still waiting.
    pub fn reminder_dm_edit(run_key: &str, user_id: &UserId) -> Delivery {
        Delivery {
            key: format!(
                "reminder-dm-edit:{run_key}:{user_id}:{:016x}",
                rand::random::<u64>()
            ),
            outgoing: Outgoing::Render(Render::ReminderDmEdit {
                run_key: run_key.to_string(),
                user_id: user_id.clone(),
            }),
            after_send: None,
            coalesce_key: Some(format!("dm:{run_key}:{user_id}")),
            sequence_key: None,
            delay: Duration::ZERO,
            team: None,
        }
    }

    /// Republishes a user's App Home tab in `team` (showing that workspace's items), merged with
    /// any republish of it still waiting.
    pub fn app_home(team: &TeamId, user_id: &UserId) -> Delivery {
        Delivery {
            key: format!("home:{team}:{user_id}:{:016x}", rand::random::<u64>()),
            outgoing: Outgoing::Render(Render::AppHome {
                user_id: user_id.clone(),
            }),
            after_send: None,
            coalesce_key: Some(format!("home:{team}:{user_id}")),
            sequence_key: None,
            delay: Duration::ZERO,
            team: Some(team.clone()),
        }
    }

    /// The bot's reaction on a message, acknowledging what it captured from it.
    pub fn react(channel: &ChannelId, ts: &str, emoji: &str) -> Delivery {
        Delivery::call(
            format!("react:{channel}:{ts}:{emoji}"),
            SlackCall::add_reaction(channel, ts, emoji),
        )
    }

    /// Takes the bot's reaction off a message (after `undo`).
    pub fn unreact(channel: &ChannelId, ts: &str, emoji: &str) -> Delivery {
        Delivery::call(
            format!("unreact:{channel}:{ts}:{emoji}"),
            SlackCall::remove_reaction(channel, ts, emoji),
        )
    }

    /// A DM to a topic's proposer: its card could not be posted (`error`), and what to do.
    /// Sent once per card.
    pub fn card_not_posted(topic_id: i64, error: &str) -> Delivery {
        Delivery {
            key: format!("card-not-posted:{topic_id}"),
            outgoing: Outgoing::Render(Render::CardNotPosted {
                topic_id,
                error: error.to_string(),
            }),
            after_send: None,
            coalesce_key: None,
            sequence_key: None,
            delay: Duration::ZERO,
            team: None,
        }
    }

    /// A recount's read of one card's reactions. Reads are not sequenced: the outbox makes them
    /// side by side, as Slack's rate limit allows.
    pub fn read_reactions(
        recount_id: i64,
        topic_id: i64,
        channel: &ChannelId,
        ts: &str,
    ) -> Delivery {
        Delivery {
            after_send: Some(AfterSend::RecordReactions {
                recount_id,
                topic_id,
            }),
            ..Delivery::call(
                format!("recount:{recount_id}:card:{topic_id}"),
                SlackCall::get_reactions(channel, ts),
            )
        }
    }

    /// Asks Slack who `user_id` is, merged with a look-up of them still waiting.
    pub fn look_up_user(user_id: &UserId) -> Delivery {
        Delivery {
            key: format!("users-info:{user_id}:{:016x}", rand::random::<u64>()),
            outgoing: Outgoing::Call(Box::new(SlackCall::user_info(user_id))),
            after_send: Some(AfterSend::RecordUser {
                user_id: user_id.clone(),
            }),
            coalesce_key: Some(format!("users-info:{user_id}")),
            sequence_key: None,
            delay: Duration::ZERO,
            team: None,
        }
    }

    /// A message only `user` sees, in `channel`. `key` names the reason, so it is sent once.
    pub fn ephemeral(key: String, channel: &ChannelId, user: &UserId, reply: Reply) -> Delivery {
        Delivery::call(key, SlackCall::post_ephemeral(channel, user, reply))
    }
}

#[cfg(test)]
impl Delivery {
    /// An ephemeral message's key, channel, user and text, for tests; panics on anything else.
    pub fn ephemeral_parts(&self) -> (&str, String, String, String) {
        let Outgoing::Call(call) = &self.outgoing else {
            panic!("expected a call, got {:?}", self.outgoing);
        };
        let SlackCall::PostEphemeral(request) = &**call else {
            panic!("expected chat.postEphemeral, got {call:?}");
        };
        (
            self.key.as_str(),
            request.channel.to_string(),
            request.user.to_string(),
            request.content.text.clone().unwrap_or_default(),
        )
    }

    /// A channel message's channel and text, for tests; panics on anything else.
    pub fn post_parts(&self) -> (String, String) {
        let Outgoing::Call(call) = &self.outgoing else {
            panic!("expected a call, got {:?}", self.outgoing);
        };
        let SlackCall::PostMessage(request) = &**call else {
            panic!("expected chat.postMessage, got {call:?}");
        };
        (
            request.channel.to_string(),
            request.content.text.clone().unwrap_or_default(),
        )
    }
}
