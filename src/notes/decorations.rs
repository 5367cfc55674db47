//! What surrounds a topic's title on a page: vote counts in the notations the pages use
//! (`(5)`, `*****`, `+1 +1 +1`, `++`, `+3`, a leading number on pages without bullets), an
//! intent tag, and the proposer in brackets or parentheses.

use super::Person;
use super::people::person;
use crate::topics::{Intent, Intents};

/// A title with its decorations taken off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decorated {
    pub title: String,
    pub votes: u32,
    pub intents: Vec<Intent>,
    pub proposer: Option<Person>,
}

/// Reads a topic line. `leading_number_is_votes` is true on pages without bullets, where a
/// topic line starts with its vote count (`4 Working group ownership`).
pub fn decorate(text: &str, leading_number_is_votes: bool) -> Decorated {
    let mut title = text.trim().to_string();
    let mut counts: Vec<u32> = Vec::new();
    // Votes first, at either end, then the intent tag, then the proposer, then votes again
    // (a proposer may sit between the title and trailing votes).
    take_leading_votes(&mut title, leading_number_is_votes, &mut counts);
    take_trailing_votes(&mut title, &mut counts);
    let intents = take_intents(&mut title);
    take_leading_votes(&mut title, false, &mut counts);
    let proposer = take_proposer(&mut title);
    take_trailing_votes(&mut title, &mut counts);
    Decorated {
        title: title.trim().to_string(),
        // Several notations on one line are the same count written twice: `(5) *****`.
        votes: counts.into_iter().max().unwrap_or(0),
        intents,
        proposer,
    }
}

/// Votes written as `(N)`, a run of `*`, a run of `+`, `+N` tokens, or (first, if allowed) a
/// bare number, at the start. Never the whole title.
fn take_leading_votes(title: &mut String, bare_number: bool, counts: &mut Vec<u32>) {
    let mut bare_number = bare_number;
    loop {
        let trimmed = title.trim_start();
        let Some((token, rest)) = trimmed.split_once(char::is_whitespace) else {
            return;
        };
        let count = match token {
            t if t.len() > 2 && t.starts_with('(') && t.ends_with(')') => {
                t[1..t.len() - 1].parse::<u32>().ok()
            }
            t if t.chars().all(|c| c == '*') => u32::try_from(t.len()).ok(),
            t if bare_number && t.chars().all(|c| c.is_ascii_digit()) => t.parse::<u32>().ok(),
            t => plus_count(t),
        };
        let Some(count) = count else {
            return;
        };
        counts.push(count);
        *title = rest.to_string();
        bare_number = false;
    }
}

/// Votes at the end: a run of `+1 +1+1`, `+3`, `++`, `*****` or `(N)`, perhaps stuck to the
/// last word (`engineers?+3`).
fn take_trailing_votes(title: &mut String, counts: &mut Vec<u32>) {
    loop {
        let trimmed = title.trim_end();
        // The longest tail made only of vote characters.
        let tail_start = trimmed
            .char_indices()
            .rev()
            .take_while(|(_, c)| matches!(c, '+' | '*' | ' ') || c.is_ascii_digit())
            .last()
            .map_or(trimmed.len(), |(i, _)| i);
        let tail = &trimmed[tail_start..];
        let plus_run: u32 = tail
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(plus_count)
            .try_fold(0, |sum, count| count.map(|c| sum + c))
            .unwrap_or(0);
        let stars = tail.trim();
        if tail.contains('+') && plus_run > 0 {
            counts.push(plus_run);
            *title = trimmed[..tail_start].to_string();
            continue;
        }
        if !stars.is_empty() && stars.chars().all(|c| c == '*') {
            counts.push(u32::try_from(stars.len()).unwrap_or(u32::MAX));
            *title = trimmed[..trimmed.len() - stars.len()].to_string();
            continue;
        }
        if let Some(open) = trimmed.rfind('(')
            && trimmed.ends_with(')')
            && let Ok(count) = trimmed[open + 1..trimmed.len() - 1].parse::<u32>()
        {
            counts.push(count);
            *title = trimmed[..open].to_string();
            continue;
        }
        return;
    }
}

/// `+1`, `+3`, `++`, `+1+1` → the count; anything else → None.
fn plus_count(token: &str) -> Option<u32> {
    if token.is_empty() || !token.starts_with('+') {
        return None;
    }
    if token.chars().all(|c| c == '+') {
        return u32::try_from(token.len()).ok();
    }
    token
        .split('+')
        .skip(1)
        .map(|part| part.parse::<u32>().ok())
        .sum()
}

/// A leading `[quest/ideation]` tag that names intents.
fn take_intents(title: &mut String) -> Vec<Intent> {
    let trimmed = title.trim_start();
    let Some(rest) = trimmed.strip_prefix('[') else {
        return Vec::new();
    };
    let Some(close) = rest.find(']') else {
        return Vec::new();
    };
    match Intents::parse(&rest[..close]) {
        Ok(intents) => {
            let found = intents.as_slice().to_vec();
            *title = rest[close + 1..].to_string();
            found
        }
        Err(_) => Vec::new(),
    }
}

/// Words in parentheses at the end that are not a proposer.
const NOT_PEOPLE: [&str; 8] = [
    "link",
    "links",
    "tbd",
    "wip",
    "draft",
    "deactivated",
    "optional",
    "continued",
];

/// A trailing `[name]` (always a proposer) or `(Name)` (one or two words that look like a name).
fn take_proposer(title: &mut String) -> Option<Person> {
    let trimmed = title.trim_end();
    let (open, close) = match trimmed.chars().last()? {
        ']' => ('[', ']'),
        ')' => ('(', ')'),
        _ => return None,
    };
    let start = trimmed.rfind(open)?;
    let inner = trimmed[start + 1..trimmed.len() - close.len_utf8()].trim();
    let words: Vec<&str> = inner.split_whitespace().collect();
    let plausible = !inner.is_empty()
        && inner.len() <= 40
        && (open == '['
            || (words.len() <= 2
                && !NOT_PEOPLE.contains(&inner.to_lowercase().as_str())
                && words.iter().all(|w| {
                    w.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                })));
    if !plausible || start == 0 {
        return None;
    }
    let found = person(inner);
    *title = trimmed[..start].to_string();
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(text: &str) -> (String, u32) {
        let decorated = decorate(text, false);
        (decorated.title, decorated.votes)
    }

    #[test]
    fn every_notation_the_pages_use_counts() {
        let cases = [
            ("(5) Scaling our Microservices", 5),
            ("***** Scaling our Microservices", 5),
            ("Scaling our Microservices +1 +1 +1", 3),
            ("Scaling our Microservices ++", 2),
            ("Scaling our Microservices +++++", 5),
            ("(5) ***** Scaling our Microservices", 5),
            ("Scaling our Microservices +1 +1 +1+1", 4),
            ("Scaling our Microservices?+3", 3),
            ("Scaling our Microservices +2", 2),
            ("Scaling our Microservices", 0),
        ];
        for (text, count) in cases {
            let (title, found) = votes(text);
            assert_eq!(found, count, "{text}");
            assert!(
                title == "Scaling our Microservices" || title == "Scaling our Microservices?",
                "{text} → {title}"
            );
        }
    }

    #[test]
    fn a_leading_number_counts_only_on_pages_without_bullets() {
        assert_eq!(decorate("4 Working group Ownership", true).votes, 4);
        assert_eq!(
            decorate("4 Working group Ownership", true).title,
            "Working group Ownership"
        );
        assert_eq!(decorate("2021 planning", false).votes, 0);
        assert_eq!(decorate("2021 planning", false).title, "2021 planning");
    }

    #[test]
    fn intents_and_proposers_come_off_the_title() {
        let decorated = decorate(
            "(4) [Quest/Ideation] Is this big enough for an IDA? [joel]",
            false,
        );
        assert_eq!(decorated.votes, 4);
        assert_eq!(decorated.intents, [Intent::Quest, Intent::Ideation]);
        assert_eq!(decorated.proposer, Some(Person::Name("joel".into())));
        assert_eq!(decorated.title, "Is this big enough for an IDA?");
        let slack = decorate("Docs strategy [<@U123>]", false);
        assert_eq!(slack.proposer, Some(Person::Slack("U123".into())));
        let parenthesised = decorate("Docs strategy (Nimisha Asthagiri) +1", false);
        assert_eq!(
            parenthesised.proposer,
            Some(Person::Name("Nimisha Asthagiri".into()))
        );
        assert_eq!(parenthesised.votes, 1);
    }

    #[test]
    fn parentheses_that_are_not_people_stay_in_the_title() {
        let link = decorate("Splitting LMS and Studio (link) +1 +1", false);
        assert_eq!(link.title, "Splitting LMS and Studio (link)");
        assert_eq!(link.proposer, None);
        let aside = decorate("Guests (Could also be from the community.)", false);
        assert_eq!(aside.proposer, None);
        let unknown_tag = decorate("[A] Scaling", false);
        assert_eq!(unknown_tag.title, "[A] Scaling");
    }
}
