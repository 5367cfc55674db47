//! The digest's part from the architecture challenges log: anecdotes recorded since the last
//! digest, and the issues hit most often.

use super::{ChallengesDigest, capped, section};
use crate::domain::mrkdwn::escape;
use crate::slack::blocks::challenges::{issue_label, issue_name, occurrences};

/// New anecdotes and the most frequent issues; nothing for a channel without a log.
pub(super) fn challenges_part(challenges: &ChallengesDigest) -> Vec<String> {
    if challenges.top.is_empty() {
        return Vec::new();
    }
    let recent = challenges.recent.iter().map(|entry| {
        let mut line = format!(
            "• {}: {}",
            issue_label(entry.issue_number, &entry.category, &entry.title),
            escape(&entry.anecdote.text)
        );
        let when = entry.anecdote.when.as_ref().map(|w| w.on.to_string());
        let said = [entry.anecdote.team.clone(), when]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        if !said.is_empty() {
            line.push_str(&format!(" ({})", escape(&said.join(", "))));
        }
        line
    });
    let mut part = section(
        "Architecture challenges: new since the last digest",
        capped(recent, challenges.recent_total, ("anecdote", "anecdotes")),
        "No new anecdotes.",
    );
    part.push("_Hit most often_".to_string());
    part.extend(
        challenges.top.iter().enumerate().map(|(at, issue)| {
            format!("{}. {} · {}", at + 1, issue_name(issue), occurrences(issue))
        }),
    );
    part
}
