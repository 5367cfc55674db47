//! Reading a proposal, `[intent] title`, and the intent to suggest when the tag is missing or
//! unclosed.

use super::{Proposal, ProposalError};
use crate::domain::mrkdwn;
use crate::domain::topics::{Intent, Intents, Title};

/// `[intent] title`, from text that starts with `[`.
pub(super) fn parse_proposal(text: &str) -> Result<Proposal, ProposalError> {
    let inner = &text[1..];
    let Some(close) = inner.find(']') else {
        let (guess, title) = split_intent_word(inner);
        return Err(ProposalError::UnclosedTag {
            title: mrkdwn::to_plain(title),
            guess: guess.unwrap_or_else(|| default_intent(title)),
        });
    };
    let tag = &inner[..close];
    let title_text = mrkdwn::to_plain(&inner[close + 1..]);
    let intents = Intents::parse(tag).map_err(|error| ProposalError::BadIntent {
        error,
        title: title_text.trim().to_string(),
    })?;
    let title = Title::parse(&title_text).map_err(|error| ProposalError::BadTitle {
        error,
        intents: intents.clone(),
    })?;
    Ok(Proposal { intents, title })
}

/// Text without a tag: the title it would have, and the intent it seems to want.
pub(super) fn missing_intent(text: &str) -> ProposalError {
    let (guess, rest) = split_intent_word(text);
    let title = mrkdwn::to_plain(if guess.is_some() { rest } else { text });
    let guess = guess.unwrap_or_else(|| default_intent(&title));
    ProposalError::MissingIntent {
        title: title.trim().to_string(),
        guess,
    }
}

/// `quest: What is…` → (Some(Quest), "What is…"); anything else → (None, text).
fn split_intent_word(text: &str) -> (Option<Intent>, &str) {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    match Intent::from_word(bare_word(&text[..end])) {
        Some(intent) => (Some(intent), text[end..].trim_start()),
        None => (None, text),
    }
}

/// A word without the punctuation people wrap tags in: `(quest):` → `quest`.
pub(super) fn bare_word(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// A question is a quest; anything else is open discussion.
fn default_intent(title: &str) -> Intent {
    if title.trim_end().ends_with('?') {
        Intent::Quest
    } else {
        Intent::Discuss
    }
}
