//! The challenges log in Slack: the form, the list, one issue with its anecdotes and its
//! "Discuss at Arch Hour" button, and the replies to recording and status changes.

use chrono::NaiveDate;
use slack_morphism::prelude::*;

use super::{Reply, plural, sections, topic_name};
use crate::domain::challenges::Recorded;
use crate::domain::challenges::form::FormField;
use crate::domain::challenges::{Anecdote, ChallengeIssue, OneLineError};
use crate::domain::command::CHALLENGE_USAGE;
use crate::domain::mrkdwn::escape;
use crate::domain::topics::Topic;
use crate::slack::actions::{DISCUSS_CHALLENGE, challenge_form as ids};

/// Slack's limits on a select menu: options, and characters of an option's text.
const MAX_OPTIONS: usize = 100;
const MAX_OPTION_CHARS: usize = 75;

/// How many issues the list shows before "…and N more".
const LIST_ROWS: usize = 40;

/// `C7 Category › Issue`, escaped.
fn issue_name(issue: &ChallengeIssue) -> String {
    format!(
        "*C{}* {} › {}",
        issue.number,
        escape(&issue.category),
        escape(&issue.title)
    )
}

fn occurrences(issue: &ChallengeIssue) -> String {
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

fn input(
    block_id: &str,
    label: &str,
    element: impl Into<SlackInputBlockElement>,
    optional: bool,
    hint: Option<&str>,
) -> SlackBlock {
    let mut block = SlackInputBlock::new(pt!(label), element.into())
        .with_block_id(block_id.into())
        .with_optional(optional);
    if let Some(hint) = hint {
        block = block.with_hint(pt!(hint));
    }
    block.into()
}

fn text_input(action_id: &str, max: usize, multiline: bool) -> SlackBlockPlainTextInputElement {
    SlackBlockPlainTextInputElement::new()
        .with_action_id(action_id.into())
        .with_max_length(max as u64)
        .with_multiline(multiline)
}

/// The form `/archtopic challenge` opens: pick or type a category and an issue, say what
/// happened, the team, and when. `channel_id` travels in the view's private metadata.
pub fn challenge_form(
    channel_id: &str,
    categories: &[String],
    issues: &[ChallengeIssue],
    today: NaiveDate,
) -> SlackView {
    let mut blocks: Vec<SlackBlock> = Vec::new();
    if !categories.is_empty() {
        let options = categories
            .iter()
            .take(MAX_OPTIONS)
            .map(|category| {
                SlackBlockChoiceItem::new(
                    pt!(clipped(category, MAX_OPTION_CHARS)),
                    category.clone(),
                )
            })
            .collect();
        blocks.push(input(
            ids::CATEGORY,
            "Category",
            SlackBlockStaticSelectElement::new()
                .with_action_id(ids::CATEGORY.into())
                .with_placeholder(pt!("Pick a category"))
                .with_options(options),
            true,
            None,
        ));
    }
    blocks.push(input(
        ids::NEW_CATEGORY,
        if categories.is_empty() {
            "Category"
        } else {
            "…or a new category"
        },
        text_input(ids::NEW_CATEGORY, 80, false),
        true,
        Some("For example: Jenkins and Test Infrastructure Issues"),
    ));
    if !issues.is_empty() {
        // One group per category, in the order the issues come (most occurrences first).
        let mut groups: Vec<(String, Vec<SlackBlockChoiceItem<SlackBlockPlainTextOnly>>)> =
            Vec::new();
        for issue in issues.iter().take(MAX_OPTIONS) {
            let option = SlackBlockChoiceItem::new(
                pt!(clipped(
                    &format!("C{} {}", issue.number, issue.title),
                    MAX_OPTION_CHARS
                )),
                issue.id.to_string(),
            );
            let label = clipped(&issue.category, MAX_OPTION_CHARS);
            match groups.iter_mut().find(|(named, _)| *named == label) {
                Some((_, options)) => options.push(option),
                None => groups.push((label, vec![option])),
            }
        }
        let groups = groups
            .into_iter()
            .map(|(label, options)| SlackBlockOptionGroup::new(pt!(label), options))
            .collect();
        blocks.push(input(
            ids::ISSUE,
            "Issue",
            SlackBlockStaticSelectElement::new()
                .with_action_id(ids::ISSUE.into())
                .with_placeholder(pt!("Pick an issue"))
                .with_option_groups(groups),
            true,
            Some("Picking one adds an occurrence to it."),
        ));
    }
    blocks.push(input(
        ids::NEW_ISSUE,
        if issues.is_empty() {
            "Issue"
        } else {
            "…or a new issue"
        },
        text_input(ids::NEW_ISSUE, 200, false),
        true,
        Some("For example: Networking problems affecting PR builds"),
    ));
    blocks.push(input(
        ids::WHAT,
        "What happened",
        text_input(ids::WHAT, 2000, true),
        false,
        None,
    ));
    blocks.push(input(
        ids::TEAM,
        "Team",
        text_input(ids::TEAM, 60, false),
        true,
        None,
    ));
    blocks.push(input(
        ids::DATE,
        "When",
        SlackBlockDatePickerElement::new()
            .with_action_id(ids::DATE.into())
            .with_initial_date(today.format("%Y-%m-%d").to_string()),
        true,
        None,
    ));
    SlackView::Modal(
        SlackModalView::new(pt!("Architecture challenge"), blocks)
            .with_submit(pt!("Record"))
            .with_close(pt!("Cancel"))
            .with_callback_id(ids::CALLBACK.into())
            .with_private_metadata(channel_id.to_string()),
    )
}

/// The block a field's error is shown under.
pub fn field_block(field: FormField) -> &'static str {
    match field {
        FormField::Category => ids::CATEGORY,
        FormField::NewCategory => ids::NEW_CATEGORY,
        FormField::Issue => ids::ISSUE,
        FormField::NewIssue => ids::NEW_ISSUE,
        FormField::WhatHappened => ids::WHAT,
        FormField::Team => ids::TEAM,
        FormField::Date => ids::DATE,
    }
}

/// The form could not be opened (Slack refused or was too slow).
pub fn form_unavailable() -> Reply {
    Reply::markdown(format!(
        "I could not open the form just now. Record it in one line instead:\n`{CHALLENGE_USAGE}`\n(optionally `| team | YYYY-MM-DD` at the end)"
    ))
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
    Reply::markdown(format!("{} status: {}", issue_name(issue), escape(status)))
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
pub fn discuss_already(topic_number: i32, issue: &ChallengeIssue) -> Reply {
    Reply::markdown(format!(
        "{} is on the agenda already, as #{topic_number}.",
        issue_name(issue)
    ))
}
