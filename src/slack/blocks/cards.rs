//! Topic cards: the message in the channel that people vote on.

use slack_morphism::prelude::*;

use super::{Reply, numbered, plural, proposer, topic_name};
use crate::domain::mrkdwn::escape;
use crate::domain::topics::{Topic, TopicState};

/// What a card shows besides the topic itself.
#[derive(Debug, Clone, Copy)]
pub struct CardView<'a> {
    pub topic: &'a Topic,
    /// Counted votes.
    pub votes: i64,
    pub vote_emoji: &'a str,
    /// The number of the challenges-log issue it was proposed from.
    pub challenge: Option<i32>,
}

/// The card for a topic in its current state.
pub fn topic_card(view: &CardView<'_>) -> Reply {
    let topic = view.topic;
    let emoji = view.vote_emoji;
    let title = escape(&topic.title);
    let (headline, footer) = match topic.state {
        TopicState::Open => {
            let mut parts = vec![
                format!("Proposed by {}", proposer(topic)),
                format!(":{emoji}: {}", plural(view.votes, "vote", "votes")),
            ];
            if topic.times_deferred > 0 {
                parts.push(format!("deferred {}×", topic.times_deferred));
            }
            parts.push(format!("React with :{emoji}: to vote"));
            (numbered(topic, &format!("*{title}*")), parts.join(" · "))
        }
        TopicState::Discussing => (
            numbered(topic, &format!("*{title}*")),
            format!(
                "Proposed by {} · :{emoji}: {} · being discussed now",
                proposer(topic),
                plural(view.votes, "vote", "votes")
            ),
        ),
        TopicState::Discussed => (
            numbered(topic, &format!("*{title}*")),
            format!("Proposed by {} · discussed", proposer(topic)),
        ),
        TopicState::Withdrawn => (
            numbered(topic, &format!("~{title}~")),
            format!(
                "Proposed by {} · withdrawn, no longer on the agenda",
                proposer(topic)
            ),
        ),
    };
    let footer = match view.challenge {
        Some(number) => format!("{footer} · from the challenges log: C{number}"),
        None => footer,
    };
    Reply {
        text: topic_name(topic),
        blocks: vec![
            SlackSectionBlock::new().with_text(md!(headline)).into(),
            SlackContextBlock::new(vec![md!(footer)]).into(),
        ],
    }
}

/// The DM to a topic's proposer when Slack refused its card (`error`, Slack's code): what went
/// wrong and what to do about it.
pub fn card_not_posted(topic: &Topic, error: &str) -> Reply {
    let channel = &topic.channel_id;
    let (problem, remedy) = match error {
        "not_in_channel" | "channel_not_found" => (
            format!("I'm not in <#{channel}> (or cannot see it)"),
            "The topic is stored: invite me with `/invite @archhour` in that channel and I will post its card.".to_string(),
        ),
        "is_archived" => (
            format!("<#{channel}> is archived"),
            "Propose the topic in the channel where Arch Hour meets now.".to_string(),
        ),
        "restricted_action" => (
            format!("posting in <#{channel}> is restricted"),
            "Ask a workspace admin to let me post there, or propose the topic in another channel.".to_string(),
        ),
        other => (
            format!("Slack refused it (`{other}`)"),
            "Ask whoever runs archhour to look at its logs.".to_string(),
        ),
    };
    Reply::markdown(format!(
        "I could not post the card for {}: {problem}. {remedy}",
        topic_name(topic)
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{blocks_json, topic};
    use super::*;
    use serde_json::json;

    #[test]
    fn an_open_card_shows_number_badges_title_proposer_votes_and_how_to_vote() {
        let topic = topic();
        let card = topic_card(&CardView {
            topic: &topic,
            votes: 3,
            vote_emoji: "+1",
            challenge: None,
        });
        assert_eq!(
            card.text,
            "#12 [quest/ideation] Is &lt;paver&gt; &amp; friends still used?"
        );
        assert_eq!(
            blocks_json(&card),
            json!([
                {"type": "section", "text": {"type": "mrkdwn",
                    "text": "*#12* `quest` `ideation` *Is &lt;paver&gt; &amp; friends still used?*"}},
                {"type": "context", "elements": [{"type": "mrkdwn",
                    "text": "Proposed by <@U42> · :+1: 3 votes · React with :+1: to vote"}]}
            ])
        );
    }

    #[test]
    fn a_deferred_card_says_how_often_with_the_channels_emoji() {
        let mut topic = topic();
        topic.times_deferred = 2;
        let card = topic_card(&CardView {
            topic: &topic,
            votes: 1,
            vote_emoji: "star",
            challenge: None,
        });
        assert_eq!(
            blocks_json(&card)[1]["elements"][0]["text"],
            "Proposed by <@U42> · :star: 1 vote · deferred 2× · React with :star: to vote"
        );
    }

    #[test]
    fn a_withdrawn_card_is_struck_through() {
        let mut topic = topic();
        topic.state = TopicState::Withdrawn;
        let card = topic_card(&CardView {
            topic: &topic,
            votes: 0,
            vote_emoji: "+1",
            challenge: None,
        });
        let blocks = blocks_json(&card);
        assert_eq!(
            blocks[0]["text"]["text"],
            "*#12* `quest` `ideation` ~Is &lt;paver&gt; &amp; friends still used?~"
        );
        assert_eq!(
            blocks[1]["elements"][0]["text"],
            "Proposed by <@U42> · withdrawn, no longer on the agenda"
        );
    }
}
