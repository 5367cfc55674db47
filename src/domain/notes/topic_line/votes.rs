//! Vote notations on a topic line: `(4)` aside (a group's job), star runs, `+` runs and, on
//! pages without bullets, a bare leading count.

use super::{Part, Reading};

/// A part read as this many votes.
pub(super) fn votes_part(text: &str, count: u32) -> Part {
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
pub(super) fn votes_at_start(text: &str, bare_number: bool) -> Option<(u32, usize)> {
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
pub(super) fn votes_at_end(text: &str) -> Option<(Vec<Part>, usize)> {
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
