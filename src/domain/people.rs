//! Someone the group's records name: a Slack user, or a name as a notes page wrote it.

use std::collections::HashMap;

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

/// The names Slack gave the users a page mentions (what the bot's user directory stored from
/// `users.info`): for showing people by name. Users it has no name for are shown by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names(HashMap<UserId, String>);

impl Names {
    pub fn new(known: HashMap<UserId, String>) -> Names {
        Names(known)
    }

    /// A Slack user by name, or `@U123` when no name is known; a name as written, as written.
    pub fn show(&self, person: &Person) -> String {
        match person {
            Person::Slack(id) => self.user(id),
            Person::Name(name) => name.clone(),
        }
    }

    /// A Slack user by name, or `@U123` when no name is known.
    pub fn user(&self, id: &UserId) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| format!("@{id}"))
    }

    /// `text` with its Slack mentions (`<@U123>`) written as `@Name` (or `@U123` when unknown).
    pub fn in_text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find("<@") {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            let mention = after
                .find('>')
                .and_then(|close| mrkdwn::user_mention(&after[..=close]).map(|id| (id, close)));
            match mention {
                Some((id, close)) => {
                    let shown = self.user(&id);
                    if !shown.starts_with('@') {
                        out.push('@');
                    }
                    out.push_str(&shown);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str("<@");
                    rest = &after[2..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The Slack users `text` mentions (`<@U123>`), in order.
pub fn mentioned(text: &str) -> Vec<UserId> {
    text.match_indices("<@")
        .filter_map(|(at, _)| {
            let after = &text[at..];
            mrkdwn::user_mention(&after[..=after.find('>')?])
        })
        .collect()
}

/// The Slack users among `people`.
pub fn slack_users<'a>(people: impl IntoIterator<Item = &'a Person>) -> Vec<UserId> {
    people
        .into_iter()
        .filter_map(|person| match person {
            Person::Slack(id) => Some(id.clone()),
            Person::Name(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_users_are_shown_by_name_and_others_by_id() {
        let names = Names::new(HashMap::from([(UserId::from("UANN"), "Ann Archer".into())]));
        assert_eq!(names.show(&Person::Slack("UANN".into())), "Ann Archer");
        assert_eq!(names.show(&Person::Slack("UBOB".into())), "@UBOB");
        assert_eq!(names.show(&Person::Name("Nimisha".into())), "Nimisha");
        assert_eq!(
            names.in_text("<@UANN> asks <@UBOB|bob> about <@not a mention> and <@UANN"),
            "@Ann Archer asks @UBOB about <@not a mention> and <@UANN"
        );
        assert_eq!(
            mentioned("<@UANN> asks <@UBOB|bob> about <@not a mention> and <@UANN"),
            [UserId::from("UANN"), UserId::from("UBOB")]
        );
        assert_eq!(
            slack_users(&[Person::Slack("UANN".into()), Person::Name("Nimisha".into())]),
            [UserId::from("UANN")]
        );
    }

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
