//! Recording an anecdote: the fields a person gives (by modal or in one line), checked.

use chrono::NaiveDate;

/// Which field a problem is in, for the modal's per-field errors and the one-line reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Category,
    Issue,
    WhatHappened,
    Team,
    Date,
}

impl Field {
    /// How a sentence names the field.
    pub fn phrase(self) -> &'static str {
        match self {
            Field::Category => "the category",
            Field::Issue => "the issue",
            Field::WhatHappened => "what happened",
            Field::Team => "the team",
            Field::Date => "the date",
        }
    }

    /// The longest value, in characters.
    pub fn max_chars(self) -> usize {
        match self {
            Field::Category => 80,
            Field::Issue => 200,
            Field::WhatHappened => 2000,
            Field::Team => 60,
            Field::Date => 10,
        }
    }
}

/// Why a field's value cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{}", empty_message(*.0))]
    Empty(Field),
    #[error("{} is {chars} characters long; the limit is {}", .field.phrase(), .field.max_chars())]
    TooLong { field: Field, chars: usize },
    #[error("\"{0}\" is not a date; write it as YYYY-MM-DD")]
    BadDate(String),
    #[error("{0} is in the future")]
    FutureDate(NaiveDate),
}

fn empty_message(field: Field) -> String {
    match field {
        Field::WhatHappened => "say what happened".to_string(),
        field => format!("{} is empty", field.phrase()),
    }
}

impl FieldError {
    pub fn field(&self) -> Field {
        match self {
            FieldError::Empty(field) | FieldError::TooLong { field, .. } => *field,
            FieldError::BadDate(_) | FieldError::FutureDate(_) => Field::Date,
        }
    }
}

/// An anecdote as recorded from Slack: always dated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnecdote {
    pub text: String,
    pub team: Option<String>,
    pub on: NaiveDate,
}

/// A category, an issue in it, and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    pub category: String,
    pub issue: String,
    pub anecdote: NewAnecdote,
}

/// Trims and folds whitespace (line breaks included) into single spaces: the log is a table,
/// and each of its cells is one line.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A required field, folded and within its limit.
pub fn required(field: Field, text: &str) -> Result<String, FieldError> {
    let folded = fold(text);
    let chars = folded.chars().count();
    if chars == 0 {
        Err(FieldError::Empty(field))
    } else if chars > field.max_chars() {
        Err(FieldError::TooLong { field, chars })
    } else {
        Ok(folded)
    }
}

/// An optional field: `None` when blank.
pub fn optional(field: Field, text: &str) -> Result<Option<String>, FieldError> {
    match required(field, text) {
        Ok(value) => Ok(Some(value)),
        Err(FieldError::Empty(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// When it happened: not after `today`.
pub fn date(on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if on > today {
        Err(FieldError::FutureDate(on))
    } else {
        Ok(on)
    }
}

/// Why a one-line `challenge …` was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OneLineError {
    #[error("it needs at least a category, an issue and what happened, separated by |")]
    Shape,
    #[error("{0}")]
    Field(#[from] FieldError),
}

/// `Category | Issue | what happened [| team [| YYYY-MM-DD]]`, in plain text. The date
/// defaults to `today`.
pub fn parse_one_line(text: &str, today: NaiveDate) -> Result<Recording, OneLineError> {
    let parts: Vec<&str> = text.split('|').collect();
    if !(3..=5).contains(&parts.len()) {
        return Err(OneLineError::Shape);
    }
    let category = required(Field::Category, parts[0])?;
    let issue = required(Field::Issue, parts[1])?;
    let what = required(Field::WhatHappened, parts[2])?;
    let team = match parts.get(3) {
        Some(team) => optional(Field::Team, team)?,
        None => None,
    };
    let on = match parts.get(4).map(|d| d.trim()) {
        None | Some("") => today,
        Some(written) => {
            let on = NaiveDate::parse_from_str(written, "%Y-%m-%d")
                .map_err(|_| FieldError::BadDate(written.to_string()))?;
            date(on, today)?
        }
    };
    Ok(Recording {
        category,
        issue,
        anecdote: NewAnecdote {
            text: what,
            team,
            on,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn one_line_takes_category_issue_and_what_happened_dated_today() {
        let recorded = parse_one_line(
            " Pipeline |  Security merge conflicts are hard to detect | The pipeline\nstopped  for a day ",
            day("2026-11-22"),
        )
        .expect("valid");
        assert_eq!(
            recorded,
            Recording {
                category: "Pipeline".into(),
                issue: "Security merge conflicts are hard to detect".into(),
                anecdote: NewAnecdote {
                    text: "The pipeline stopped for a day".into(),
                    team: None,
                    on: day("2026-11-22"),
                },
            }
        );
    }

    #[test]
    fn one_line_may_name_the_team_and_the_day() {
        let recorded = parse_one_line(
            "Authorization | Managing admin access | SRE had to add admins by hand | SRE | 2020-06-10",
            day("2026-11-22"),
        )
        .expect("valid");
        assert_eq!(recorded.anecdote.team.as_deref(), Some("SRE"));
        assert_eq!(recorded.anecdote.on, day("2020-06-10"));
        let blank_team =
            parse_one_line("A | B | C |  | 2020-06-10", day("2026-11-22")).expect("valid");
        assert_eq!(blank_team.anecdote.team, None);
    }

    #[test]
    fn one_line_refuses_what_it_cannot_record() {
        let today = day("2026-11-22");
        let cases = [
            ("Pipeline", OneLineError::Shape),
            ("Pipeline | Merge conflicts", OneLineError::Shape),
            ("A | B | C | D | 2020-01-01 | F", OneLineError::Shape),
            (
                " | Merge conflicts | it broke",
                FieldError::Empty(Field::Category).into(),
            ),
            (
                "Pipeline |  | it broke",
                FieldError::Empty(Field::Issue).into(),
            ),
            (
                "Pipeline | Merge conflicts |  ",
                FieldError::Empty(Field::WhatHappened).into(),
            ),
            (
                "Pipeline | Merge conflicts | it broke | SRE | last week",
                FieldError::BadDate("last week".into()).into(),
            ),
            (
                "Pipeline | Merge conflicts | it broke | SRE | 2026-11-23",
                FieldError::FutureDate(day("2026-11-23")).into(),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_one_line(text, today), Err(expected), "{text}");
        }
        let long = format!("{} | B | C", "x".repeat(81));
        assert_eq!(
            parse_one_line(&long, today),
            Err(FieldError::TooLong {
                field: Field::Category,
                chars: 81
            }
            .into())
        );
    }
}
