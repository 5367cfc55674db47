//! Reading meeting text: which thread replies are action items, decisions or notes, and the
//! owners and due date inside an item's text.

use chrono::NaiveDate;

use crate::domain::ids::{TopicNumber, UserId};
use crate::domain::mrkdwn;

/// What a thread reply on a topic card is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capture {
    /// `ACTION …`, `AI: …`, `[ ] …`.
    Action(ItemText),
    /// `DECIDED …`, `Decided: …`, `DECISION …`.
    Decision(String),
    /// `undo`: take back the last item or decision captured in this thread.
    Undo,
    /// Anything else.
    Note(String),
}

/// An item's text with what it says about owners and the due date taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemText {
    /// The item as written, as plain text with its mentions kept (`<@U1>`), without the
    /// due-date phrase.
    pub text: String,
    /// Users mentioned, in order, each once.
    pub mentioned: Vec<UserId>,
    pub due: Option<NaiveDate>,
    /// `#12` in the text names the topic.
    pub topic_number: Option<TopicNumber>,
}

const ACTION_PREFIXES: [&str; 2] = ["ACTION", "AI:"];
const DECISION_PREFIXES: [&str; 3] = ["DECIDED", "Decided:", "DECISION"];

/// What a line of meeting text is, by how it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Action,
    Decision,
    Undo,
    Note,
}

/// The kind of a line and its text without the prefix that says so.
pub fn line_kind(text: &str) -> (LineKind, &str) {
    let text = text.trim();
    if text.eq_ignore_ascii_case("undo") {
        return (LineKind::Undo, "");
    }
    if let Some(rest) = strip_checkbox(text).or_else(|| strip_prefix(text, &ACTION_PREFIXES)) {
        return (LineKind::Action, rest);
    }
    if let Some(rest) = strip_prefix(text, &DECISION_PREFIXES) {
        return (LineKind::Decision, rest);
    }
    (LineKind::Note, text)
}

/// Classifies a thread reply (Slack markup) by how it starts.
pub fn classify_reply(text: &str) -> Capture {
    match line_kind(text) {
        (LineKind::Undo, _) => Capture::Undo,
        (LineKind::Action, rest) => Capture::Action(parse_item_text(rest)),
        (LineKind::Decision, rest) => Capture::Decision(mrkdwn::to_plain_keeping_mentions(rest)),
        (LineKind::Note, text) => Capture::Note(mrkdwn::to_plain_keeping_mentions(text)),
    }
}

/// `[ ]` at the start, with any spaces inside (the pages write `[  ]`, non-breaking too).
fn strip_checkbox(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('[')?;
    let inner_end = rest.find(']')?;
    rest[..inner_end]
        .chars()
        .all(char::is_whitespace)
        .then(|| rest[inner_end + 1..].trim())
}

/// A prefix as a whole word (`ACTION` but not `ACTIONABLE`), with any `:` or `-` after it.
fn strip_prefix<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|prefix| {
        let rest = text.strip_prefix(prefix)?;
        let starts_word = rest
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() || prefix.ends_with(':'));
        starts_word.then(|| rest.trim_start_matches([':', '-', ' ']).trim())
    })
}

/// Finds mentions, `due`/`by YYYY-MM-DD` and `#N` in an item's text.
pub fn parse_item_text(text: &str) -> ItemText {
    let mut mentioned: Vec<UserId> = Vec::new();
    let mut due = None;
    let mut topic_number = None;
    let mut kept: Vec<&str> = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut index = 0;
    while index < words.len() {
        let word = words[index];
        let lower = word.to_lowercase();
        if (lower == "due" || lower == "by")
            && let Some(date) = words.get(index + 1).and_then(|w| parse_date(w))
        {
            due = Some(date);
            index += 2;
            continue;
        }
        if let Some(user) = mrkdwn::user_mention(word.trim_end_matches([',', '.', ';']))
            && !mentioned.contains(&user)
        {
            mentioned.push(user);
        }
        let bare = word.trim_matches(['(', ')', ',', '.', ':', ';']);
        if topic_number.is_none()
            && let Some(number) = bare.strip_prefix('#').and_then(|n| n.parse::<i32>().ok())
        {
            topic_number = Some(TopicNumber(number));
        }
        kept.push(word);
        index += 1;
    }
    ItemText {
        text: mrkdwn::to_plain_keeping_mentions(&kept.join(" ")),
        mentioned,
        due,
        topic_number,
    }
}

fn parse_date(word: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(word.trim_end_matches(['.', ',', ')']), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(text: &str) -> ItemText {
        match classify_reply(text) {
            Capture::Action(item) => item,
            other => panic!("{text}: expected an action, got {other:?}"),
        }
    }

    #[test]
    fn action_ai_and_checkbox_replies_are_items() {
        assert_eq!(action("ACTION <@U1> to slugify").text, "<@U1> to slugify");
        assert_eq!(action("AI: write the ADR").text, "write the ADR");
        assert_eq!(
            action("[ ] Mark will schedule a discussion").text,
            "Mark will schedule a discussion"
        );
        assert_eq!(
            action("[  ] Jim will look into it").text,
            "Jim will look into it"
        );
        assert_eq!(action("ACTION: <@U1> check").text, "<@U1> check");
    }

    #[test]
    fn decisions_undo_and_notes() {
        assert_eq!(
            classify_reply("Decided: Jim will slugify"),
            Capture::Decision("Jim will slugify".into())
        );
        assert_eq!(
            classify_reply("DECIDED keep the status quo"),
            Capture::Decision("keep the status quo".into())
        );
        assert_eq!(
            classify_reply("DECISION - use GoCD"),
            Capture::Decision("use GoCD".into())
        );
        assert_eq!(classify_reply(" undo "), Capture::Undo);
        assert_eq!(
            classify_reply("ACTIONABLE ideas only"),
            Capture::Note("ACTIONABLE ideas only".into())
        );
        assert_eq!(
            classify_reply("we could use Kaniko"),
            Capture::Note("we could use Kaniko".into())
        );
        assert_eq!(
            classify_reply("[x] done already"),
            Capture::Note("[x] done already".into())
        );
    }

    #[test]
    fn owners_due_dates_and_topics_come_out_of_the_text() {
        let item = action(
            "ACTION <@UADAM|adam> and <@UNIM> to see what we can do with the error page, due 2026-12-01 (#12)",
        );
        assert_eq!(item.mentioned, ["UADAM", "UNIM"]);
        assert_eq!(item.due, NaiveDate::from_ymd_opt(2026, 12, 1));
        // Stored plain, the mention kept as a mention without its label.
        assert_eq!(
            item.text,
            "<@UADAM> and <@UNIM> to see what we can do with the error page, (#12)"
        );
        assert_eq!(item.topic_number, Some(TopicNumber(12)));
        let by = action("AI: send the notes by 2026-11-20.");
        assert_eq!(by.due, NaiveDate::from_ymd_opt(2026, 11, 20));
        assert_eq!(by.text, "send the notes");
        assert!(by.mentioned.is_empty());
    }

    #[test]
    fn a_word_by_that_is_not_a_date_stays() {
        let item = action("ACTION check by hand due someday");
        assert_eq!(item.text, "check by hand due someday");
        assert_eq!(item.due, None);
    }
}
