//! The form `/archtopic challenge` opens, the blocks its errors are shown under, and the one-line
//! way to record an anecdote when the form cannot open.

use chrono::NaiveDate;
use slack_morphism::prelude::*;

use super::clipped;
use crate::domain::challenges::ChallengeIssue;
use crate::domain::challenges::form::FormField;
use crate::domain::command::CHALLENGE_USAGE;
use crate::domain::ids::ChannelId;
use crate::slack::actions::challenge_form as ids;
use crate::slack::blocks::Reply;

/// Slack's limits on a select menu: options, and characters of an option's text.
const MAX_OPTIONS: usize = 100;
const MAX_OPTION_CHARS: usize = 75;

/// A field the form asks for twice: picked from what the log has, or typed as a new one.
struct PickOrType {
    /// What the field is, as its label says: "Category".
    noun: &'static str,
    /// The block (and action) ids of the menu and of the text input.
    menu: &'static str,
    typed: &'static str,
    placeholder: &'static str,
    menu_hint: Option<&'static str>,
    typed_max: usize,
    example: &'static str,
}

const CATEGORY: PickOrType = PickOrType {
    noun: "Category",
    menu: ids::CATEGORY,
    typed: ids::NEW_CATEGORY,
    placeholder: "Pick a category",
    menu_hint: None,
    typed_max: 80,
    example: "For example: Jenkins and Test Infrastructure Issues",
};

const ISSUE: PickOrType = PickOrType {
    noun: "Issue",
    menu: ids::ISSUE,
    typed: ids::NEW_ISSUE,
    placeholder: "Pick an issue",
    menu_hint: Some("Picking one adds an occurrence to it."),
    typed_max: 200,
    example: "For example: Networking problems affecting PR builds",
};

/// The form `/archtopic challenge` opens: pick or type a category and an issue, say what
/// happened, the team, and when. `channel_id` travels in the view's private metadata.
pub fn challenge_form(
    channel_id: &ChannelId,
    categories: &[String],
    issues: &[ChallengeIssue],
    today: NaiveDate,
) -> SlackView {
    let mut blocks = pick_or_type(&CATEGORY, category_menu(categories));
    blocks.extend(pick_or_type(&ISSUE, issue_menu(issues)));
    blocks.extend([
        input(
            ids::WHAT,
            "What happened",
            text_input(ids::WHAT, 2000, true),
            false,
            None,
        ),
        input(
            ids::TEAM,
            "Team",
            text_input(ids::TEAM, 60, false),
            true,
            None,
        ),
        input(
            ids::DATE,
            "When",
            SlackBlockDatePickerElement::new()
                .with_action_id(ids::DATE.into())
                .with_initial_date(today.format("%Y-%m-%d").to_string()),
            true,
            None,
        ),
    ]);
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

/// The menu of the log's categories; none for an empty log.
fn category_menu(categories: &[String]) -> Option<SlackBlockStaticSelectElement> {
    if categories.is_empty() {
        return None;
    }
    let options = categories
        .iter()
        .take(MAX_OPTIONS)
        .map(|category| {
            SlackBlockChoiceItem::new(pt!(clipped(category, MAX_OPTION_CHARS)), category.clone())
        })
        .collect();
    Some(SlackBlockStaticSelectElement::new().with_options(options))
}

/// The menu of the log's issues, one group per category in the order the issues come (most
/// occurrences first); none for an empty log.
fn issue_menu(issues: &[ChallengeIssue]) -> Option<SlackBlockStaticSelectElement> {
    if issues.is_empty() {
        return None;
    }
    let mut groups: Vec<(String, Vec<SlackBlockChoiceItem<SlackBlockPlainTextOnly>>)> = Vec::new();
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
    Some(SlackBlockStaticSelectElement::new().with_option_groups(groups))
}

/// The field's menu (when the log has something to pick) and the input for a new one, labelled
/// "…or a new category" under a menu and plainly "Category" alone.
fn pick_or_type(
    field: &PickOrType,
    menu: Option<SlackBlockStaticSelectElement>,
) -> Vec<SlackBlock> {
    let mut blocks = Vec::new();
    let typed_label = match menu {
        Some(menu) => {
            blocks.push(input(
                field.menu,
                field.noun,
                menu.with_action_id(field.menu.into())
                    .with_placeholder(pt!(field.placeholder)),
                true,
                field.menu_hint,
            ));
            format!("…or a new {}", field.noun.to_lowercase())
        }
        None => field.noun.to_string(),
    };
    blocks.push(input(
        field.typed,
        &typed_label,
        text_input(field.typed, field.typed_max, false),
        true,
        Some(field.example),
    ));
    blocks
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
