//! Every message the bot shows people, rendered by pure functions into Block Kit.
//! All user-facing wording lives in this module.

mod agenda;
pub mod calendar;
mod cards;
pub mod challenges;
mod commands;
pub mod digest;
mod edits;
pub mod home;
pub mod items;
pub mod meeting;
pub mod minutes;
mod phrases;
pub mod search;
mod settings;
mod votes;

pub use agenda::agenda;
pub use cards::{CardView, card_not_posted, topic_card};
pub use commands::{
    control_done, direct_message_refusal, edit_error, help, internal_error, not_in_channel,
    not_installed, proposal_confirmation, proposal_error, unknown_command, usage,
};
pub use edits::{edit_not_open, edit_refused, edit_unchanged, edited};
pub use phrases::age;
pub use settings::{
    facilitators_announced, setting_changed, setting_error, settings_refusal, show_settings,
};
pub use votes::{
    admin_check_failed, admin_check_pending, budget_notice, facilitator_refusal, no_such_topic,
    recount_report, recount_started, withdraw_not_open, withdraw_refused, withdrawn,
};

use slack_morphism::prelude::*;

use phrases::{
    Moment, agenda_row, badged_title, code_safe, full_stop, intent_names, local_time, mentions,
    named_proposers, numbered, plural, proposer, shown, topic_name,
};

/// The topic that help and error messages show as an example: neutral, so it reads the same
/// in any team (no team's internal tool names).
const EXAMPLE_TITLE: &str = "Should we adopt a message queue?";
/// [`EXAMPLE_TITLE`] proposed with its intent, as typed after `/archtopic`.
const EXAMPLE_PROPOSAL: &str = "[quest] Should we adopt a message queue?";

/// Slack's limit on blocks in one message.
const MAX_BLOCKS: usize = 50;
/// Slack's limit on the text of one section block.
const MAX_SECTION_CHARS: usize = 3000;

/// A rendered message: fallback text for notifications, and its blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    pub blocks: Vec<SlackBlock>,
}

impl Reply {
    /// No message at all: the command opened a form instead.
    pub fn nothing() -> Reply {
        Reply {
            text: String::new(),
            blocks: Vec::new(),
        }
    }

    pub fn is_nothing(&self) -> bool {
        self.text.is_empty() && self.blocks.is_empty()
    }

    /// A message of mrkdwn lines, in as few sections as fit: one section holds 3,000
    /// characters, so longer text (help, for one) is split between its lines, not cut.
    fn markdown(text: String) -> Reply {
        let lines: Vec<&str> = text.lines().collect();
        Reply {
            blocks: sections(&lines),
            text,
        }
    }
}

/// The header line, then the rows, in as few sections as fit.
fn headed(header: &str, rows: &[String]) -> Vec<SlackBlock> {
    let mut lines = vec![header];
    lines.extend(rows.iter().map(String::as_str));
    sections(&lines)
}

/// Packs lines into as few section blocks as Slack's limits allow; lines that do not fit in
/// the block budget are summarised as "…and N more".
fn sections(lines: &[&str]) -> Vec<SlackBlock> {
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut left_off = 0;
    for (index, line) in lines.iter().enumerate() {
        let line: String = line.chars().take(MAX_SECTION_CHARS).collect();
        if !current.is_empty() && current.len() + 1 + line.len() > MAX_SECTION_CHARS {
            chunks.push(std::mem::take(&mut current));
            if chunks.len() == MAX_BLOCKS - 1 {
                left_off = lines.len() - index;
                break;
            }
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if left_off > 0 {
        chunks.push(format!("…and {left_off} more"));
    } else if !current.is_empty() {
        chunks.push(current);
    }
    chunks
        .into_iter()
        .map(|chunk| SlackSectionBlock::new().with_text(md!(chunk)).into())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::ids::TopicNumber;
    use crate::domain::topics::{Intents, Topic, TopicState};
    use chrono::{TimeZone, Utc};

    /// A topic for rendering tests: #12, two intents, a title that needs escaping.
    pub(crate) fn topic() -> Topic {
        Topic {
            id: 1,
            number: TopicNumber(12),
            team_id: "T1".into(),
            channel_id: "C1".into(),
            author_id: Some("U42".into()),
            proposers: Vec::new(),
            intents: Intents::parse("quest/ideation").expect("valid"),
            title: "Is <paver> & friends still used?".into(),
            state: TopicState::Open,
            card_ts: None,
            times_deferred: 0,
            discussed_in: None,
            imported_votes: 0,
            challenge_id: None,
            created_at: Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap(),
        }
    }

    pub(crate) fn blocks_json(reply: &Reply) -> serde_json::Value {
        serde_json::to_value(&reply.blocks).expect("serialises")
    }

    /// Help and other long replies are split between their lines, never cut short.
    #[test]
    fn a_long_reply_is_split_between_lines_not_cut() {
        let text = format!("{}\n{}", "a".repeat(2000), "b".repeat(2000));
        let reply = Reply::markdown(text.clone());
        let blocks = blocks_json(&reply);
        assert_eq!(blocks[0]["text"]["text"], "a".repeat(2000));
        assert_eq!(blocks[1]["text"]["text"], "b".repeat(2000));
        assert_eq!(reply.text, text);
    }

    #[test]
    fn long_lists_stay_within_slacks_block_limits() {
        let line = "x".repeat(1000);
        let lines: Vec<&str> = std::iter::repeat_n(line.as_str(), 200).collect();
        let blocks = sections(&lines);
        assert_eq!(blocks.len(), MAX_BLOCKS);
        // 49 sections hold two 1000-character lines each (a third would pass 3000).
        let last = serde_json::to_value(blocks.last()).expect("serialises");
        assert_eq!(last["text"]["text"], "…and 102 more");
    }
}
