//! People in notes: Slack mentions (`<@U123>`) and names as written (`@Adam Blackwell`,
//! `Mark will …`), and the owners of an action line.

use chrono::NaiveDate;

use super::Person;
use crate::domain::ids::UserId;
use crate::domain::mrkdwn;

/// How a person is written in minutes.
pub fn written(person: &Person) -> String {
    match person {
        Person::Slack(id) => format!("<@{id}>"),
        Person::Name(name) => format!("@{name}"),
    }
}

/// The owners an action line names: Slack mentions; else `@Name`s before the verb (`@A and @B
/// to see …`); else a leading name that "will" do it (`Mark will schedule …`).
pub fn owners_in(text: &str) -> Vec<Person> {
    let mut owners: Vec<Person> = Vec::new();
    let slack: Vec<UserId> = text
        .split_whitespace()
        .filter_map(|word| mrkdwn::user_mention(word.trim_end_matches([',', '.', ';', ':'])))
        .collect();
    if !slack.is_empty() {
        for id in slack {
            push_unique(&mut owners, Person::Slack(id));
        }
        return owners;
    }
    let before_verb = text.split(" to ").next().unwrap_or(text);
    for (index, _) in before_verb.match_indices('@') {
        let name: Vec<&str> = before_verb[index + 1..]
            .split_whitespace()
            .take_while(|word| {
                word.chars().next().is_some_and(char::is_uppercase)
                    && word
                        .chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            })
            .take(3)
            .collect();
        if !name.is_empty() {
            push_unique(&mut owners, Person::Name(name.join(" ")));
        }
    }
    if owners.is_empty() {
        let words: Vec<&str> = text.split_whitespace().take(2).collect();
        if let [first, "will"] = words.as_slice()
            && first.chars().next().is_some_and(char::is_uppercase)
            && first.chars().all(char::is_alphabetic)
        {
            push_unique(&mut owners, Person::Name((*first).to_string()));
        }
    }
    owners
}

fn push_unique(owners: &mut Vec<Person>, person: Person) {
    if !owners.contains(&person) {
        owners.push(person);
    }
}

/// What the explicit tail says: the owners and the due date.
pub type Tail = (Vec<Person>, Option<NaiveDate>);

/// The explicit tail minutes write: `(owners: @A, <@U1>; due 2026-12-01)`. Returns the text
/// without it, and what it says.
pub fn explicit_tail(text: &str) -> (String, Option<Tail>) {
    let trimmed = text.trim_end();
    let Some(open) = trimmed.rfind(" (") else {
        return (text.to_string(), None);
    };
    let inner = trimmed[open + 2..].strip_suffix(')');
    let Some(inner) = inner.filter(|i| i.starts_with("owners: ") || i.starts_with("due ")) else {
        return (text.to_string(), None);
    };
    let mut owners = Vec::new();
    let mut due = None;
    for part in inner.split("; ") {
        if let Some(list) = part.strip_prefix("owners: ") {
            owners = list.split(", ").map(Person::read).collect();
        } else if let Some(date) = part.strip_prefix("due ") {
            match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                Ok(date) => due = Some(date),
                Err(_) => return (text.to_string(), None),
            }
        } else {
            return (text.to_string(), None);
        }
    }
    (trimmed[..open].to_string(), Some((owners, due)))
}

/// The tail minutes write for an action's owners and due date (empty when it has neither).
pub fn tail(owners: &[Person], due: Option<NaiveDate>) -> String {
    let mut parts = Vec::new();
    if !owners.is_empty() {
        let list: Vec<String> = owners.iter().map(written).collect();
        parts.push(format!("owners: {}", list.join(", ")));
    }
    if let Some(due) = due {
        parts.push(format!("due {due}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Person {
        Person::Name(n.into())
    }

    #[test]
    fn owners_are_the_names_before_the_verb() {
        let line = "@Adam Blackwell (Deactivated) and @Nimisha Asthagiri (Deactivated) to see what we can do with @Stacey Messier (Deactivated) and @Adam Butterworth (Deactivated) on improving the UX/UI of our default error page.";
        assert_eq!(
            owners_in(line),
            [name("Adam Blackwell"), name("Nimisha Asthagiri")]
        );
        assert_eq!(
            owners_in("Mark will schedule Cale and Ed to work it out."),
            [name("Mark")]
        );
        assert!(owners_in("Open question: how do we get old XSeries into this system?").is_empty());
        assert!(owners_in("Figure out how to support microsites in Programs.").is_empty());
        assert_eq!(
            owners_in("<@UADAM> and <@UNIM|nim> to fix it"),
            [Person::Slack("UADAM".into()), Person::Slack("UNIM".into())]
        );
    }

    #[test]
    fn the_explicit_tail_round_trips() {
        let owners = vec![name("Adam Blackwell"), Person::Slack("U1".into())];
        let due = NaiveDate::from_ymd_opt(2026, 12, 1);
        let written = format!("fix the page{}", tail(&owners, due));
        assert_eq!(
            written,
            "fix the page (owners: @Adam Blackwell, <@U1>; due 2026-12-01)"
        );
        assert_eq!(
            explicit_tail(&written),
            ("fix the page".to_string(), Some((owners, due)))
        );
        assert_eq!(explicit_tail("Guests (from the community.)").1, None);
        assert_eq!(tail(&[], None), "");
    }
}
