//! What the outbox delivers: a Slack call, the key that keeps it from being queued twice, and
//! what to record when Slack accepts it.

use serde::{Deserialize, Serialize};

use crate::slack::blocks;
use crate::slack::call::SlackCall;
use crate::topics::Topic;

/// Bookkeeping done in the same transaction that marks a call delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AfterSend {
    /// Store the posted card's `ts` on its topic.
    RecordTopicCard { topic_id: i64 },
}

/// One intent to call Slack, ready to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Unique per intent: queuing the same key again is a no-op.
    pub key: String,
    pub call: SlackCall,
    pub after_send: Option<AfterSend>,
}

impl Delivery {
    /// Posts a new topic's card in its channel and remembers where it went.
    pub fn topic_card(topic: &Topic) -> Delivery {
        let card = blocks::topic_card(topic);
        Delivery {
            key: format!("topic-card:{}", topic.id),
            call: SlackCall::post_message(&topic.channel_id, card.text, card.blocks),
            after_send: Some(AfterSend::RecordTopicCard { topic_id: topic.id }),
        }
    }
}
