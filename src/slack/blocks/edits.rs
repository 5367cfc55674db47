//! Replies to `edit N [intent] title`.

use super::votes::change_refused;
use super::{Reply, plural, topic_name};
use crate::domain::ids::UserId;
use crate::domain::topics::{Topic, TopicState};

/// The topic is not open, so it cannot be edited.
pub fn edit_not_open(topic: &Topic) -> Reply {
    let why = match topic.state {
        TopicState::Withdrawn => "was withdrawn",
        TopicState::Discussing => "is being discussed right now",
        TopicState::Discussed | TopicState::Open => "was already discussed",
    };
    Reply::markdown(format!(
        "{} {why}; only open topics can be edited.",
        topic_name(topic)
    ))
}

/// Someone other than the author, a facilitator or (without facilitators) an admin tried.
pub fn edit_refused(topic: &Topic, facilitators: &[UserId]) -> Reply {
    change_refused(topic, facilitators, "edit it")
}

/// The edit asked for what the topic already says.
pub fn edit_unchanged(topic: &Topic) -> Reply {
    Reply::markdown(format!(
        "{} already reads that way; nothing changed.",
        topic_name(topic)
    ))
}

/// Confirms an edit: how the topic reads now, and that its votes stay.
pub fn edited(topic: &Topic, votes: i64) -> Reply {
    Reply::markdown(format!(
        "Edited #{}; it now reads:\n{}\nIts card shows the change and keeps its {}.",
        topic.number,
        topic_name(topic),
        plural(votes, "vote", "votes")
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::topic;
    use super::*;

    #[test]
    fn an_edit_says_how_the_topic_reads_now_escaped_once() {
        assert_eq!(
            edited(&topic(), 1).text,
            "Edited #12; it now reads:\n\
             #12 [quest/ideation] Is &lt;paver&gt; &amp; friends still used?\n\
             Its card shows the change and keeps its 1 vote."
        );
    }

    #[test]
    fn only_open_topics_can_be_edited() {
        let mut discussed = topic();
        discussed.state = TopicState::Discussed;
        assert!(
            edit_not_open(&discussed)
                .text
                .ends_with("was already discussed; only open topics can be edited.")
        );
        assert_eq!(
            edit_refused(&topic(), &["UFAC".into()]).text,
            "Only <@U42>, who proposed #12, or a facilitator (<@UFAC>) can edit it."
        );
    }
}
