//! A topic's title: one line of plain text, 1 to 300 characters.

use std::fmt;

/// A validated title. Construct it with [`Title::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

/// Why text is not a title.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    #[error("the title is empty")]
    Empty,
    #[error("the title is {chars} characters long; the limit is {max}", max = Title::MAX_CHARS)]
    TooLong { chars: usize },
}

impl Title {
    /// The longest title, in characters (not bytes).
    pub const MAX_CHARS: usize = 300;

    /// Trims the text and folds runs of whitespace (line breaks included) into single spaces.
    pub fn parse(text: &str) -> Result<Title, TitleError> {
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = folded.chars().count();
        if chars == 0 {
            Err(TitleError::Empty)
        } else if chars > Self::MAX_CHARS {
            Err(TitleError::TooLong { chars })
        } else {
            Ok(Title(folded))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_trimmed_and_folded() {
        let title = Title::parse("  What is\n paver   used for?  ").expect("valid");
        assert_eq!(title.as_str(), "What is paver used for?");
    }

    #[test]
    fn blank_text_is_empty() {
        assert_eq!(Title::parse(" \n\t "), Err(TitleError::Empty));
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let at_limit = "é".repeat(300);
        assert!(Title::parse(&at_limit).is_ok());
        let over = "é".repeat(301);
        assert_eq!(Title::parse(&over), Err(TitleError::TooLong { chars: 301 }));
    }
}
