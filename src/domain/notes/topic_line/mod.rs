//! A topic line as people write it on a notes page: vote notations, intents and proposers
//! around a title, in any order and spacing, and what each part of the line was read as.
//!
//! The grammar: `[leading decorations] [: or -] title [trailing decorations]`, where a
//! decoration is a vote notation (`(4)`, `***`, `++`, `+1 +1+1`, `+3`; glued to brackets or,
//! at the end, to the title's last character) or a group in `[…]` or `(…)` whose items
//! (separated by `,` `;` `/` `&` or `and`) are intents, proposers or qualifiers to drop. A group
//! with anything else in it is part of the title, as written.

use super::words::{Item, item};
use crate::domain::people::Person;
use crate::domain::topics::Intent;

/// A topic line, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLine {
    /// The line as written (after its bullet).
    pub written: String,
    pub title: String,
    /// The largest count the line's vote notations give: `(5) *****` is one count written
    /// twice.
    pub votes: u32,
    /// Distinct, in the order written.
    pub intents: Vec<Intent>,
    /// Distinct, in the order written.
    pub proposers: Vec<Person>,
    /// What each part of the line was read as, in the line's order.
    pub parts: Vec<Part>,
}

/// One part of a topic line and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub reading: Reading,
}

/// What a part of a topic line means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Votes(u32),
    Intent(Intent),
    Proposer(Person),
    /// A word in a group that is neither (`opinion poll`, `vote`, `link`).
    Dropped,
    /// The `:` or `-` between the leading decorations and the title.
    Separator,
    Title,
}

/// How the page lays out its topics, which decides what a leading number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Topics are bullets: `2021 planning` is a title.
    Bulleted,
    /// No bullets: a topic line starts with its vote count, `4 Working group ownership`.
    Bare,
}

impl TopicLine {
    /// Reads a topic line. Never fails: a line that is all decoration is its own title.
    pub fn read(text: &str, layout: Layout) -> TopicLine {
        let written = text.trim();
        let mut leading = Vec::new();
        let rest = take_leading(written, layout, &mut leading);
        let mut trailing = Vec::new();
        let title = take_trailing(rest, &mut trailing);
        if title.is_empty() {
            return TopicLine::undecorated(written);
        }
        trailing.reverse();
        let mut parts = leading;
        parts.push(Part {
            text: title.to_string(),
            reading: Reading::Title,
        });
        parts.extend(trailing);
        let mut line = TopicLine {
            written: written.to_string(),
            title: title.to_string(),
            votes: 0,
            intents: Vec::new(),
            proposers: Vec::new(),
            parts,
        };
        for part in &line.parts {
            match &part.reading {
                Reading::Votes(count) => line.votes = line.votes.max(*count),
                Reading::Intent(intent) if !line.intents.contains(intent) => {
                    line.intents.push(*intent);
                }
                Reading::Proposer(person) if !line.proposers.contains(person) => {
                    line.proposers.push(person.clone());
                }
                _ => {}
            }
        }
        line
    }

    fn undecorated(written: &str) -> TopicLine {
        TopicLine {
            written: written.to_string(),
            title: written.to_string(),
            votes: 0,
            intents: Vec::new(),
            proposers: Vec::new(),
            parts: vec![Part {
                text: written.to_string(),
                reading: Reading::Title,
            }],
        }
    }

    /// Whether the line opens with votes or intents: on a page a topic line that lost its
    /// bullet still does.
    pub fn opens_with_votes_or_intents(&self) -> bool {
        self.parts
            .iter()
            .take_while(|part| part.reading != Reading::Title)
            .any(|part| matches!(part.reading, Reading::Votes(_) | Reading::Intent(_)))
    }
}

/// Takes decorations off the start of `text`, returning the rest. Stops before taking what
/// would leave no title.
fn take_leading<'a>(text: &'a str, layout: Layout, parts: &mut Vec<Part>) -> &'a str {
    let mut rest = text;
    let mut bare_number = layout == Layout::Bare;
    loop {
        let trimmed = rest.trim_start();
        let taken = votes_at_start(trimmed, bare_number)
            .map(|(count, len)| (vec![votes_part(&trimmed[..len], count)], len))
            .or_else(|| group_at_start(trimmed));
        bare_number = false;
        let Some((found, len)) = taken else {
            break;
        };
        if trimmed[len..].trim().is_empty() {
            break;
        }
        parts.extend(found);
        rest = &trimmed[len..];
    }
    if parts.is_empty() {
        return text;
    }
    let trimmed = rest.trim_start();
    let separator = [":", "- ", "– ", "— "]
        .into_iter()
        .find(|s| trimmed.starts_with(s));
    match separator {
        Some(separator) if !trimmed[separator.len()..].trim().is_empty() => {
            parts.push(Part {
                text: separator.trim().to_string(),
                reading: Reading::Separator,
            });
            &trimmed[separator.len()..]
        }
        _ => rest,
    }
}

/// Takes decorations off the end of `text` (pushing their parts last first), and returns the
/// title without a trailing `:` or dash.
fn take_trailing<'a>(text: &'a str, parts: &mut Vec<Part>) -> &'a str {
    let mut rest = text.trim();
    while let Some((found, start)) = votes_at_end(rest).or_else(|| group_at_end(rest)) {
        if rest[..start].trim().is_empty() {
            break;
        }
        parts.extend(found.into_iter().rev());
        rest = rest[..start].trim_end();
    }
    rest.trim_end_matches(|c: char| matches!(c, ':' | '-' | '–' | '—') || c.is_whitespace())
        .trim()
}

fn votes_part(text: &str, count: u32) -> Part {
    Part {
        text: text.trim().to_string(),
        reading: Reading::Votes(count),
    }
}

/// Where a decoration may end at the start of a line: before a space, a bracket, a colon.
fn ends_token(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '[' | '(' | ':'))
}

/// A vote notation at the start of `text`: (count, bytes). `(N)` is a group's job.
fn votes_at_start(text: &str, bare_number: bool) -> Option<(u32, usize)> {
    let first = text.chars().next()?;
    if first == '*' {
        let len = text.len() - text.trim_start_matches('*').len();
        return ends_token(&text[len..]).then(|| (count(len), len));
    }
    if bare_number && first.is_ascii_digit() {
        let len = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after = text[len..].chars().next();
        return after
            .is_some_and(char::is_whitespace)
            .then(|| text[..len].parse().ok().map(|n| (n, len)))
            .flatten();
    }
    // A run of `+` tokens: `+1 +1+1`, `++`, `+3`.
    let mut total = 0;
    let mut end = 0;
    let mut at = 0;
    loop {
        let token_len = plus_token_len(&text[at..]);
        if token_len == 0 || !ends_token(&text[at + token_len..]) {
            break;
        }
        total += plus_count(&text[at..at + token_len]);
        end = at + token_len;
        let next = &text[end..];
        at = end + (next.len() - next.trim_start().len());
    }
    (end > 0).then_some((total, end))
}

/// The length of a `+` token (`+`, `+1`, `++`, `+1+1`) at the start of `text`, or 0.
fn plus_token_len(text: &str) -> usize {
    let mut len = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((_, '+')) = chars.peek() {
        chars.next();
        while let Some((_, c)) = chars.peek()
            && c.is_ascii_digit()
        {
            chars.next();
        }
        len = chars.peek().map_or(text.len(), |(i, _)| *i);
    }
    len
}

/// The votes a `+` token counts: a bare `+` is one, `+N` is N.
fn plus_count(token: &str) -> u32 {
    token
        .split('+')
        .skip(1)
        .map(|digits| {
            if digits.is_empty() {
                1
            } else {
                digits.parse().unwrap_or(0)
            }
        })
        .sum()
}

fn count(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// A vote notation at the end of `text`: `+1 +1+1`, `+3`, `++`, `***`, perhaps glued to the
/// last word (`images?+3`, `monolith***`). A `+` run glued to a letter or digit counts only
/// with a number in it, so `C++` stays a word. Returns the parts and where the notation starts.
fn votes_at_end(text: &str) -> Option<(Vec<Part>, usize)> {
    let stars = text.len() - text.trim_end_matches('*').len();
    if stars > 0 {
        // `**bold**` closes an emphasis the line opened; it is not a count.
        let start = text.len() - stars;
        let emphasis = text[..start].contains('*');
        return (!emphasis).then(|| (vec![votes_part(&text[start..], count(stars))], start));
    }
    // The longest tail of `+`, digits and spaces that is a run of `+` tokens.
    let tail_start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| *c == '+' || *c == ' ' || c.is_ascii_digit())
        .last()
        .map_or(text.len(), |(i, _)| i);
    let tail = &text[tail_start..];
    let first_plus = tail.find('+')?;
    let start = tail_start + first_plus;
    let run = &text[start..];
    let tokens: Vec<&str> = run.split_whitespace().collect();
    let all_tokens = tokens.iter().all(|t| plus_token_len(t) == t.len());
    if !all_tokens {
        return None;
    }
    let glued_to_word = text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    if glued_to_word && !run.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let total = tokens.iter().map(|t| plus_count(t)).sum();
    Some((vec![votes_part(run, total)], start))
}

/// A `[…]` or `(…)` group at the start that is a vote count or a decoration: its parts and
/// its length.
fn group_at_start(text: &str) -> Option<(Vec<Part>, usize)> {
    let open = text.chars().next()?;
    let close = closing(open)?;
    let inner_end = matching_close(text, open, close)?;
    let len = inner_end + close.len_utf8();
    let parts = group_parts(&text[..len], open == '(')?;
    Some((parts, len))
}

/// A `[…]` or `(…)` group at the end that is a vote count or a decoration: its parts and
/// where it starts.
fn group_at_end(text: &str) -> Option<(Vec<Part>, usize)> {
    let close = text.chars().next_back()?;
    let open = opening(close)?;
    let start = matching_open(text, open, close)?;
    group_parts(&text[start..], open == '(').map(|parts| (parts, start))
}

fn closing(open: char) -> Option<char> {
    match open {
        '[' => Some(']'),
        '(' => Some(')'),
        _ => None,
    }
}

fn opening(close: char) -> Option<char> {
    match close {
        ']' => Some('['),
        ')' => Some('('),
        _ => None,
    }
}

/// Where the bracket opened at the start of `text` closes (nested pairs skipped).
fn matching_close(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(at);
            }
        }
    }
    None
}

/// Where the bracket closed at the end of `text` opens (nested pairs skipped).
fn matching_open(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices().rev() {
        if c == close {
            depth += 1;
        } else if c == open {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(at);
            }
        }
    }
    None
}

/// What a group (brackets included) holds: a vote count (`(4)`), or intents, proposers and
/// dropped qualifiers. `None` when it is part of the title: something in it is none of these,
/// or it names no intent and no one.
fn group_parts(group: &str, parenthesised: bool) -> Option<Vec<Part>> {
    let trimmed = group[1..group.len() - 1].trim();
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
        return Some(vec![votes_part(group, trimmed.parse().ok()?)]);
    }
    let mut parts = Vec::new();
    for piece in split_items(trimmed) {
        let reading = match item(piece, parenthesised)? {
            Item::Intent(intent) => Reading::Intent(intent),
            Item::Person(person) => Reading::Proposer(person),
            Item::Qualifier => Reading::Dropped,
        };
        parts.push(Part {
            text: piece.to_string(),
            reading,
        });
    }
    let names_something = parts
        .iter()
        .any(|p| matches!(p.reading, Reading::Intent(_) | Reading::Proposer(_)));
    names_something.then_some(parts)
}

/// A group's items: split on `,` `;` `/` `&` and the word `and`; empty items skipped. A
/// Slack mention is never split.
fn split_items(inner: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut in_mention = false;
    let mut chars = inner.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '<' => in_mention = true,
            '>' => in_mention = false,
            _ if in_mention => {}
            ',' | ';' | '/' | '&' => {
                items.push(&inner[start..at]);
                start = at + c.len_utf8();
            }
            ' ' if inner
                .get(at..at + 5)
                .is_some_and(|word| word.eq_ignore_ascii_case(" and ")) =>
            {
                items.push(&inner[start..at]);
                start = at + 5;
                chars.nth(3);
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> TopicLine {
        TopicLine::read(text, Layout::Bulleted)
    }

    fn name(n: &str) -> Person {
        Person::Name(n.into())
    }

    #[test]
    fn every_vote_notation_counts_at_either_end() {
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
            ("Scaling our Microservices (2)", 2),
            ("Scaling our Microservices ***", 3),
            ("+1 +1 Scaling our Microservices", 2),
            ("Scaling our Microservices", 0),
        ];
        for (text, votes) in cases {
            let line = read(text);
            assert_eq!(line.votes, votes, "{text}");
            assert!(
                line.title == "Scaling our Microservices"
                    || line.title == "Scaling our Microservices?",
                "{text} → {}",
                line.title
            );
        }
    }

    #[test]
    fn a_leading_number_counts_only_on_pages_without_bullets() {
        let line = TopicLine::read("4 Working group Ownership", Layout::Bare);
        assert_eq!(
            (line.votes, line.title.as_str()),
            (4, "Working group Ownership")
        );
        let line = read("2021 planning");
        assert_eq!((line.votes, line.title.as_str()), (0, "2021 planning"));
    }

    #[test]
    fn groups_mix_intents_proposers_and_qualifiers() {
        let line = read("(4) [Question, Priya] Should we pin tox?");
        assert_eq!(
            (line.votes, line.intents.clone(), line.proposers.clone()),
            (4, vec![Intent::Quest], vec![name("Priya")])
        );
        assert_eq!(line.title, "Should we pin tox?");
        let line = read("**[Ned; opinion poll] Rename master to main");
        assert_eq!((line.votes, line.intents.len()), (2, 0));
        assert_eq!(line.proposers, [name("Ned")]);
        assert_eq!(line.title, "Rename master to main");
        let line = read("+++[quest] [Rob/Hana] Annotations for attributes?");
        assert_eq!(line.votes, 3);
        assert_eq!(line.proposers, [name("Rob"), name("Hana")]);
        let line = read("++[analysis] (Ana B): Split the monolith");
        assert_eq!(
            (line.votes, line.intents.clone(), line.title.as_str()),
            (2, vec![Intent::Analysis], "Split the monolith")
        );
        assert_eq!(line.proposers, [name("Ana B")]);
        let line = read("(Jo) Upgrades before the next release:");
        assert_eq!(line.proposers, [name("Jo")]);
        assert_eq!(line.title, "Upgrades before the next release");
        let line = read("[ideate & vote] Deep topics for next time");
        assert_eq!(line.intents, [Intent::Ideation]);
        assert_eq!(line.title, "Deep topics for next time");
    }

    #[test]
    fn asides_and_words_stay_in_the_title() {
        let link = read("Splitting LMS and Studio (link) +1 +1");
        assert_eq!(link.title, "Splitting LMS and Studio (link)");
        assert_eq!((link.votes, link.proposers.len()), (2, 0));
        let aside = read("Guests (Could also be from the community.)");
        assert_eq!(aside.title, "Guests (Could also be from the community.)");
        assert_eq!(read("[A] Scaling").title, "[A] Scaling");
        assert_eq!(read("[LMS] Splitting").title, "[LMS] Splitting");
        assert_eq!(read("Should we use C++").title, "Should we use C++");
        assert_eq!(read("Should we use C++").votes, 0);
        assert_eq!(read("(again) Scaling").title, "(again) Scaling");
        assert_eq!(
            read("Scaling (omar)").title,
            "Scaling (omar)",
            "a lowercase word in parentheses is an aside"
        );
    }

    #[test]
    fn a_line_that_is_all_decoration_is_its_own_title() {
        let line = read("(Jo)");
        assert_eq!((line.title.as_str(), line.proposers.len()), ("(Jo)", 0));
        let line = read("[quest] (4)");
        assert_eq!(line.title, "(4)");
        assert_eq!(line.intents, [Intent::Quest]);
    }

    #[test]
    fn the_parts_say_what_each_piece_was_read_as() {
        let line = read("***[ideation] (Wen) - Design review in PRs [opinion poll, Kim]");
        let parts: Vec<(&str, &Reading)> = line
            .parts
            .iter()
            .map(|p| (p.text.as_str(), &p.reading))
            .collect();
        assert_eq!(
            parts,
            [
                ("***", &Reading::Votes(3)),
                ("ideation", &Reading::Intent(Intent::Ideation)),
                ("Wen", &Reading::Proposer(name("Wen"))),
                ("-", &Reading::Separator),
                ("Design review in PRs", &Reading::Title),
                ("opinion poll", &Reading::Dropped),
                ("Kim", &Reading::Proposer(name("Kim"))),
            ]
        );
        assert!(line.opens_with_votes_or_intents());
        assert!(!read("(Jo) Upgrades").opens_with_votes_or_intents());
        assert!(read("[quest] Upgrades").opens_with_votes_or_intents());
    }
}
