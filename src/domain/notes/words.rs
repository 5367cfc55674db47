//! The words a topic line's groups hold: intents in the forms people write, qualifiers that
//! mean neither an intent nor a person, and names.

use crate::domain::mrkdwn;
use crate::domain::people::Person;
use crate::domain::topics::Intent;

/// One item of a `[…]` or `(…)` group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Intent(Intent),
    Person(Person),
    /// A word that says something about the topic but is neither: dropped.
    Qualifier,
}

/// Intent forms pages use beyond the names and aliases `/archtopic` accepts.
const PAGE_INTENTS: [(&str, Intent); 9] = [
    ("fyi", Intent::Inform),
    ("ideas", Intent::Ideation),
    ("ideate", Intent::Ideation),
    ("brainstorm", Intent::Ideation),
    ("brainstorming", Intent::Ideation),
    ("analyse", Intent::Analysis),
    ("analyze", Intent::Analysis),
    ("questions", Intent::Quest),
    ("discussions", Intent::Discuss),
];

/// Words and phrases in a group that are neither an intent nor a person (compared in lower
/// case; `part 2` and kin are recognised apart).
const QUALIFIERS: [&str; 52] = [
    "opinion poll",
    "poll",
    "vote",
    "voting",
    "request",
    "rfc",
    "tbd",
    "wip",
    "draft",
    "optional",
    "quick",
    "short",
    "long",
    "follow-up",
    "followup",
    "follow up",
    "continued",
    "cont",
    "cont.",
    "update",
    "updated",
    "reminder",
    "link",
    "links",
    "deactivated",
    "again",
    "revisit",
    "revisited",
    "carried over",
    "carry over",
    "carryover",
    "recap",
    "redux",
    "repeat",
    "new",
    "old",
    "urgent",
    "important",
    "bonus",
    "lightning",
    "tentative",
    "maybe",
    "later",
    "next time",
    "next week",
    "last week",
    "from last week",
    "parked",
    "postponed",
    "deferred",
    "skipped",
    "done",
];

/// Reads one item of a group. In parentheses a name must be capitalised, since `(again)` or
/// `(internal)` is more often an aside than a person. `None`: not something a group of
/// decorations holds.
pub fn item(text: &str, parenthesised: bool) -> Option<Item> {
    let text = text.trim().trim_end_matches(['?', '!']).trim();
    let lower = text.to_lowercase();
    if let Some(intent) = Intent::from_word(&lower).or_else(|| page_intent(&lower)) {
        return Some(Item::Intent(intent));
    }
    if is_qualifier(&lower) {
        return Some(Item::Qualifier);
    }
    if let Some(id) = mrkdwn::user_mention(text) {
        return Some(Item::Person(Person::Slack(id)));
    }
    let (name, at_sign) = match text.strip_prefix('@') {
        Some(name) => (name.trim(), true),
        None => (text, false),
    };
    is_name(name, parenthesised && !at_sign).then(|| Item::Person(Person::Name(name.to_string())))
}

fn page_intent(lower: &str) -> Option<Intent> {
    PAGE_INTENTS
        .iter()
        .find(|(word, _)| *word == lower)
        .map(|(_, intent)| *intent)
}

fn is_qualifier(lower: &str) -> bool {
    if QUALIFIERS.contains(&lower) {
        return true;
    }
    // `part 2`, `pt. 3`.
    let mut words = lower.split_whitespace();
    let (Some(first), Some(number), None) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    matches!(first, "part" | "pt" | "pt.") && number.chars().all(|c| c.is_ascii_digit())
}

/// One to three words of letters (and `-`, `'`, `.`), two letters at least, none an acronym
/// (`LMS`, `API`); the first capitalised when `capitalised`.
fn is_name(text: &str, capitalised: bool) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let shaped = |word: &&str| {
        word.chars().next().is_some_and(char::is_alphabetic)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.' | '’'))
    };
    let acronym = |word: &&str| {
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    };
    (1..=3).contains(&words.len())
        && letters >= 2
        && words.iter().all(shaped)
        && !words.iter().any(acronym)
        && (!capitalised || words[0].chars().next().is_some_and(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Option<Item> {
        Some(Item::Person(Person::Name(n.into())))
    }

    #[test]
    fn intents_in_every_form_people_write() {
        for (word, intent) in [
            ("Question", Intent::Quest),
            ("questions?", Intent::Quest),
            ("Q", Intent::Quest),
            ("ideate", Intent::Ideation),
            ("ideation?", Intent::Ideation),
            ("Idea", Intent::Ideation),
            ("info", Intent::Inform),
            ("FYI", Intent::Inform),
            ("Discussion", Intent::Discuss),
            ("analyze", Intent::Analysis),
        ] {
            assert_eq!(item(word, false), Some(Item::Intent(intent)), "{word}");
        }
    }

    #[test]
    fn names_and_what_is_not_a_name() {
        assert_eq!(item("Priya", false), name("Priya"));
        assert_eq!(item("Ana B", true), name("Ana B"));
        assert_eq!(item("Omar K.", true), name("Omar K."));
        assert_eq!(item("joel", false), name("joel"));
        assert_eq!(
            item("@joel", true),
            name("joel"),
            "an @ says it is a person"
        );
        assert_eq!(
            item("<@U12|ana>", true),
            Some(Item::Person(Person::Slack("U12".into())))
        );
        assert_eq!(item("joel", true), None, "lowercase in parentheses");
        assert_eq!(item("LMS", false), None, "an acronym");
        assert_eq!(item("A", false), None, "one letter");
        assert_eq!(item("Could also be from the community.", true), None);
        assert_eq!(item("v2", false), None);
        assert_eq!(item("opinion poll", false), Some(Item::Qualifier));
        assert_eq!(item("Part 2", true), Some(Item::Qualifier));
        assert_eq!(item("RFC", false), Some(Item::Qualifier));
    }
}
