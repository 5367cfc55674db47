//! Someone the group's records name: a Slack user, or a name as a notes page wrote it.

use crate::domain::ids::UserId;
use crate::domain::mrkdwn;

/// A Slack user (by id), or a name as written (without its `@`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Person {
    Slack(UserId),
    Name(String),
}

impl Person {
    /// A person as written: a Slack mention (`<@U123>`, `<@U123|ana>`), or a name with or
    /// without its `@`.
    pub fn read(text: &str) -> Person {
        let text = text.trim();
        match mrkdwn::user_mention(text) {
            Some(id) => Person::Slack(id),
            None => Person::Name(text.trim_start_matches('@').trim().to_string()),
        }
    }

    /// How a topic's proposers column stores them: `<@U123>`, or the name. [`Person::read`]
    /// reads it back.
    pub fn stored(&self) -> String {
        match self {
            Person::Slack(id) => format!("<@{id}>"),
            Person::Name(name) => name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_reads_back() {
        for person in [
            Person::Slack("U123".into()),
            Person::Name("Ana B".into()),
            Person::Name("joel".into()),
        ] {
            assert_eq!(Person::read(&person.stored()), person);
        }
        assert_eq!(
            Person::read("<@U9|ana>"),
            Person::Slack("U9".into()),
            "a mention's label is not part of the id"
        );
        assert_eq!(Person::read("@Omar K."), Person::Name("Omar K.".into()));
    }
}
