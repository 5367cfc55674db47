//! The challenge form's rules: what a submitted form records, or which fields are wrong and
//! why. The form offers the log's categories and issues to pick, or new ones to type.

use chrono::NaiveDate;

use super::entry::{self, Field, NewAnecdote};

/// What a person submitted, before any checking. Text fields are as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    pub picked_category: Option<String>,
    pub typed_category: String,
    /// An issue picked from the menu: its id and the category it is in.
    pub picked_issue: Option<(i64, String)>,
    pub typed_issue: String,
    pub what_happened: String,
    pub team: String,
    /// `None` when the date picker was cleared.
    pub date: Option<NaiveDate>,
}

/// The form's fields, for errors shown under them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FormField {
    Category,
    NewCategory,
    Issue,
    NewIssue,
    WhatHappened,
    Team,
    Date,
}

/// Which issue the anecdote is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormIssue {
    Picked(i64),
    Named { category: String, title: String },
}

/// A form that can be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRecording {
    pub issue: FormIssue,
    pub anecdote: NewAnecdote,
}

fn same(a: &str, b: &str) -> bool {
    entry::fold(a).to_lowercase() == entry::fold(b).to_lowercase()
}

/// Checks a submitted form against `today`: every problem, each under its field, or what to
/// record.
pub fn check(
    values: &FormValues,
    today: NaiveDate,
) -> Result<FormRecording, Vec<(FormField, String)>> {
    let mut errors: Vec<(FormField, String)> = Vec::new();
    let typed_category = entry::optional(Field::Category, &values.typed_category);
    let typed_issue = entry::optional(Field::Issue, &values.typed_issue);
    let text = entry::required(Field::WhatHappened, &values.what_happened);
    let team = entry::optional(Field::Team, &values.team);
    let on = entry::date(values.date.unwrap_or(today), today);

    if let Err(error) = &typed_category {
        errors.push((FormField::NewCategory, capitalised(&error.to_string())));
    }
    if let Err(error) = &typed_issue {
        errors.push((FormField::NewIssue, capitalised(&error.to_string())));
    }
    if let Err(error) = &text {
        errors.push((FormField::WhatHappened, capitalised(&error.to_string())));
    }
    if let Err(error) = &team {
        errors.push((FormField::Team, capitalised(&error.to_string())));
    }
    if let Err(error) = &on {
        errors.push((FormField::Date, capitalised(&error.to_string())));
    }
    let issue = chosen_issue(
        values,
        typed_category.ok().flatten(),
        typed_issue.ok().flatten(),
        &mut errors,
    );
    match (issue, text, team, on) {
        (Some(issue), Ok(text), Ok(team), Ok(on)) if errors.is_empty() => Ok(FormRecording {
            issue,
            anecdote: NewAnecdote { text, team, on },
        }),
        _ => {
            errors.sort();
            Err(errors)
        }
    }
}

/// The issue the form names: one picked from the menu, or a new one typed with its category.
/// `None` when the choice is missing or contradicts itself, with the reason among `errors`
/// (unless a typed field's own error already explains it).
fn chosen_issue(
    values: &FormValues,
    typed_category: Option<String>,
    typed_issue: Option<String>,
    errors: &mut Vec<(FormField, String)>,
) -> Option<FormIssue> {
    match (&values.picked_issue, typed_issue) {
        (Some(_), Some(_)) => {
            errors.push((
                FormField::NewIssue,
                "Pick an issue or type a new one, not both.".into(),
            ));
            None
        }
        (None, None) => {
            if !errors
                .iter()
                .any(|(field, _)| *field == FormField::NewIssue)
            {
                errors.push((
                    FormField::NewIssue,
                    "Pick an issue or type a new one.".into(),
                ));
            }
            None
        }
        (Some((id, its_category)), None) => {
            let named = values
                .picked_category
                .as_deref()
                .or(typed_category.as_deref());
            match named {
                Some(category) if !same(category, its_category) => {
                    errors.push((
                        FormField::Issue,
                        format!(
                            "That issue is under “{its_category}”; pick that category or none."
                        ),
                    ));
                    None
                }
                _ => Some(FormIssue::Picked(*id)),
            }
        }
        (None, Some(title)) => named_issue(values, typed_category, title, errors),
    }
}

/// A new issue typed as `title`: it needs exactly one category, picked or typed.
fn named_issue(
    values: &FormValues,
    typed_category: Option<String>,
    title: String,
    errors: &mut Vec<(FormField, String)>,
) -> Option<FormIssue> {
    match (&values.picked_category, typed_category) {
        (Some(_), Some(_)) => {
            errors.push((
                FormField::NewCategory,
                "Pick a category or type a new one, not both.".into(),
            ));
            None
        }
        (None, None) => {
            if !errors
                .iter()
                .any(|(field, _)| *field == FormField::NewCategory)
            {
                errors.push((
                    FormField::NewCategory,
                    "A new issue needs a category: pick one or type a new one.".into(),
                ));
            }
            None
        }
        (Some(category), None) => Some(FormIssue::Named {
            category: category.clone(),
            title,
        }),
        (None, Some(category)) => Some(FormIssue::Named { category, title }),
    }
}

/// "the issue is empty" → "The issue is empty.", as Slack shows field errors.
fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn form() -> FormValues {
        FormValues {
            what_happened: "The pipeline stopped for a day".into(),
            date: Some(day("2026-11-20")),
            ..FormValues::default()
        }
    }

    const TODAY: &str = "2026-11-22";

    #[test]
    fn a_picked_issue_records_on_it() {
        let values = FormValues {
            picked_issue: Some((42, "Pipeline".into())),
            picked_category: Some("pipeline".into()),
            team: " Arch  BOM ".into(),
            ..form()
        };
        assert_eq!(
            check(&values, day(TODAY)),
            Ok(FormRecording {
                issue: FormIssue::Picked(42),
                anecdote: NewAnecdote {
                    text: "The pipeline stopped for a day".into(),
                    team: Some("Arch BOM".into()),
                    on: day("2026-11-20"),
                },
            })
        );
    }

    #[test]
    fn a_typed_issue_needs_one_category_picked_or_typed() {
        let typed = |picked: Option<&str>, category: &str| FormValues {
            typed_issue: "Merge conflicts".into(),
            picked_category: picked.map(str::to_string),
            typed_category: category.into(),
            ..form()
        };
        let named = |category: &str| {
            Ok(FormIssue::Named {
                category: category.into(),
                title: "Merge conflicts".into(),
            })
        };
        let issue = |values: FormValues| check(&values, day(TODAY)).map(|r| r.issue);
        assert_eq!(issue(typed(Some("Pipeline"), "")), named("Pipeline"));
        assert_eq!(issue(typed(None, " Build  tools ")), named("Build tools"));
        assert_eq!(
            issue(typed(None, "")),
            Err(vec![(
                FormField::NewCategory,
                "A new issue needs a category: pick one or type a new one.".into()
            )])
        );
        assert_eq!(
            issue(typed(Some("Pipeline"), "Build tools")),
            Err(vec![(
                FormField::NewCategory,
                "Pick a category or type a new one, not both.".into()
            )])
        );
    }

    #[test]
    fn every_problem_is_shown_under_its_field() {
        let values = FormValues {
            picked_issue: Some((42, "Pipeline".into())),
            typed_category: "Authorization".into(),
            what_happened: "  ".into(),
            team: "t".repeat(61),
            date: Some(day("2026-11-23")),
            ..FormValues::default()
        };
        assert_eq!(
            check(&values, day(TODAY)),
            Err(vec![
                (
                    FormField::Issue,
                    "That issue is under “Pipeline”; pick that category or none.".into()
                ),
                (FormField::WhatHappened, "Say what happened.".into()),
                (
                    FormField::Team,
                    "The team is 61 characters long; the limit is 60.".into()
                ),
                (FormField::Date, "2026-11-23 is in the future.".into()),
            ])
        );
        let neither = check(&form(), day(TODAY));
        assert_eq!(
            neither,
            Err(vec![(
                FormField::NewIssue,
                "Pick an issue or type a new one.".into()
            )])
        );
        let both = FormValues {
            picked_issue: Some((42, "Pipeline".into())),
            typed_issue: "Merge conflicts".into(),
            ..form()
        };
        assert_eq!(
            check(&both, day(TODAY)),
            Err(vec![(
                FormField::NewIssue,
                "Pick an issue or type a new one, not both.".into()
            )])
        );
    }

    #[test]
    fn a_cleared_date_means_today() {
        let values = FormValues {
            typed_issue: "Merge conflicts".into(),
            typed_category: "Pipeline".into(),
            date: None,
            ..form()
        };
        let recorded = check(&values, day(TODAY)).expect("valid");
        assert_eq!(recorded.anecdote.on, day(TODAY));
    }
}
