//! The challenges log in Slack: the form, the list, one issue with its anecdotes and its
//! "Discuss at Arch Hour" button, and the replies to recording and status changes.

mod form;

use slack_morphism::prelude::*;

use super::{Reply, plural, sections, topic_name};
use crate::domain::challenges::Recorded;
use crate::domain::challenges::{Anecdote, ChallengeIssue, OneLineError};
use crate::domain::command::CHALLENGE_USAGE;
use crate::domain::ids::TopicNumber;
use crate::domain::mrkdwn::escape;
use crate::domain::topics::Topic;
use crate::slack::actions::DISCUSS_CHALLENGE;

pub use form::{challenge_form, field_block, form_unavailable};

/// How many issues the list shows before "…and N more".
const LIST_ROWS: usize = 40;

/// `C7 Category › Issue`, escaped.
pub(in crate::slack::blocks) fn issue_name(issue: &ChallengeIssue) -> String {
    issue_label(issue.number, &issue.category, &issue.title)
}

/// [`issue_name`] from its parts, for an issue known only by them.
pub(in crate::slack::blocks) fn issue_label(number: i32, category: &str, title: &str) -> String {
    format!("*C{number}* {} › {}", escape(category), escape(title))
}

/// "3 occurrences", or that an issue imported without a count has none.
pub(in crate::slack::blocks) fn occurrences(issue: &ChallengeIssue) -> String {
    match issue.occurrences {
        Some(n) => plural(n, "occurrence", "occurrences"),
        None => "occurrences not counted".to_string(),
    }
}

fn clipped(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut clipped: String = text.chars().take(max - 1).collect();
        clipped.push('…');
        clipped
    }
}

/// A one-line `challenge` that cannot be recorded: why, and the shape it takes.
pub fn one_line_error(error: &OneLineError) -> Reply {
    // The error quotes a mistyped date back as it was typed: escape it like any typed text.
    let error = escape(&error.to_string());
    Reply::markdown(format!(
        "Nothing was recorded: {error}.\nWrite it as `Category | Issue | what happened`, optionally followed by `| team | YYYY-MM-DD`:\n`{CHALLENGE_USAGE}`"
    ))
}

/// An anecdote was recorded.
pub fn recorded(recorded: &Recorded) -> Reply {
    let issue = &recorded.issue;
    let what = if !recorded.added {
        "That was already recorded on"
    } else if recorded.new_issue {
        "Recorded a new issue in the challenges log:"
    } else {
        "Recorded on"
    };
    Reply::markdown(format!(
        "{what} {} · now {}.\n`/archtopic challenge {}` shows it; `/archtopic challenges` lists the log.",
        issue_name(issue),
        occurrences(issue),
        issue.number
    ))
}

/// The form's issue is gone from the channel's log.
pub fn issue_gone() -> Reply {
    Reply::markdown("That issue is no longer in this channel's challenges log.".to_string())
}

/// `challenges [category]`: the log, most occurrences first.
pub fn log(issues: &[ChallengeIssue], category: Option<&str>) -> Reply {
    let heading = match category {
        Some(category) => format!("*Architecture challenges: {}*", escape(category)),
        None => "*Architecture challenges*".to_string(),
    };
    if issues.is_empty() {
        return Reply::markdown(format!(
            "{heading}\nNothing recorded yet. `/archtopic challenge` records the first."
        ));
    }
    let mut lines = vec![heading];
    for issue in issues.iter().take(LIST_ROWS) {
        let mut parts = vec![issue_name(issue), occurrences(issue)];
        if let Some(seen) = issue.last_seen {
            parts.push(format!("last seen {seen}"));
        }
        if !issue.status.is_empty() {
            parts.push(format!("status: {}", escape(&clipped(&issue.status, 120))));
        }
        if let Some(topic) = issue.topic_number {
            parts.push(format!("on the agenda as #{topic}"));
        }
        lines.push(format!("• {}", parts.join(" · ")));
    }
    if issues.len() > LIST_ROWS {
        lines.push(format!(
            "…and {} more; `/archtopic challenges CATEGORY` narrows the list",
            issues.len() - LIST_ROWS
        ));
    }
    lines.push("`/archtopic challenge N` shows one issue with its anecdotes.".to_string());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    Reply {
        text: "Architecture challenges".to_string(),
        blocks: sections(&lines),
    }
}

/// `challenges X` when the log has no category X.
pub fn no_such_category(category: &str, categories: &[String]) -> Reply {
    let known = if categories.is_empty() {
        "The log is empty.".to_string()
    } else {
        format!(
            "Its categories: {}.",
            categories
                .iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Reply::markdown(format!(
        "This channel's challenges log has no category “{}”. {known}",
        escape(category)
    ))
}

/// `challenge N` when there is no such issue.
pub fn no_such_challenge(number: i32) -> Reply {
    Reply::markdown(format!(
        "There is no challenge C{number} in this channel's log. `/archtopic challenges` lists them."
    ))
}

fn anecdote_line(anecdote: &Anecdote) -> String {
    let mut line = String::from("• ");
    if let Some(when) = &anecdote.when {
        line.push_str(&format!("*{}*", escape(&when.written)));
        if let Some(team) = &anecdote.team {
            line.push_str(&format!(" ({})", escape(team)));
        }
        line.push_str(": ");
    }
    line.push_str(&escape(&anecdote.text));
    line
}

/// `challenge N`: the issue, its count and status, every anecdote, and "Discuss at Arch Hour".
pub fn issue_detail(issue: &ChallengeIssue, anecdotes: &[Anecdote]) -> Reply {
    let mut lines = vec![issue_name(issue)];
    let mut facts = vec![occurrences(issue)];
    if let Some(seen) = issue.last_seen {
        facts.push(format!("last seen {seen}"));
    }
    facts.push(if issue.status.is_empty() {
        "no status".to_string()
    } else {
        format!("status: {}", escape(&issue.status))
    });
    lines.push(facts.join(" · "));
    if anecdotes.is_empty() {
        lines.push("No anecdotes yet.".to_string());
    } else {
        lines.extend(anecdotes.iter().map(anecdote_line));
    }
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut blocks = sections(&lines);
    // Leave room for the button and the hint under it.
    blocks.truncate(super::MAX_BLOCKS - 2);
    match issue.topic_number {
        Some(topic) => blocks.push(
            SlackContextBlock::new(vec![md!(format!(
                "On the agenda as #{topic}. `/archtopic challenge {} status …` records where it stands.",
                issue.number
            ))])
            .into(),
        ),
        None => {
            blocks.push(
                SlackActionsBlock::new(vec![SlackActionBlockElement::Button(
                    SlackBlockButtonElement::new(pt!("Discuss at Arch Hour"))
                        .with_action_id(DISCUSS_CHALLENGE.into())
                        .with_value(issue.id.to_string()),
                )])
                .into(),
            );
            blocks.push(
                SlackContextBlock::new(vec![md!(format!(
                    "The button proposes it as an `analysis` topic. `/archtopic challenge {} status …` records where it stands.",
                    issue.number
                ))])
                .into(),
            );
        }
    }
    Reply {
        text: format!(
            "C{} {} › {}",
            issue.number,
            escape(&issue.category),
            escape(&issue.title)
        ),
        blocks,
    }
}

/// `challenge N status …` done.
pub fn status_set(issue: &ChallengeIssue, status: &str) -> Reply {
    // As the log and the issue's detail show it: the status after a separator, not run on
    // into the title.
    Reply::markdown(format!(
        "{} · status: {}",
        issue_name(issue),
        escape(status)
    ))
}

/// A status over the limit.
pub fn status_too_long(chars: usize, max: usize) -> Reply {
    Reply::markdown(format!(
        "Nothing changed: the status is {chars} characters long; the limit is {max}."
    ))
}

/// "Discuss at Arch Hour" proposed a topic.
pub fn discuss_proposed(topic: &Topic, issue: &ChallengeIssue) -> Reply {
    Reply::markdown(format!(
        "{} is on the agenda, from {}. Its card is being posted in the channel.",
        topic_name(topic),
        issue_name(issue)
    ))
}

/// "Discuss at Arch Hour" when a topic from the issue is on the agenda already.
pub fn discuss_already(topic_number: TopicNumber, issue: &ChallengeIssue) -> Reply {
    Reply::markdown(format!(
        "{} is on the agenda already, as #{topic_number}.",
        issue_name(issue)
    ))
}
