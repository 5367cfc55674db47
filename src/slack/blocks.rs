//! Every message the bot shows people, rendered by pure functions into Block Kit.
//! All user-facing wording lives here.

use chrono::{DateTime, Utc};
use slack_morphism::prelude::*;

use super::mrkdwn::escape;
use crate::command::ProposalError;
use crate::topics::{Intent, IntentError, Intents, TitleError, Topic};

/// The default vote emoji, until channels can choose their own.
pub const VOTE_EMOJI: &str = "+1";

/// Slack's limit on blocks in one message.
const MAX_BLOCKS: usize = 50;
/// Slack's limit on the text of one section block.
const MAX_SECTION_CHARS: usize = 3000;

/// A message for one person only: the answer to a slash command.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Plain fallback text, shown in notifications.
    pub text: String,
    pub blocks: Vec<SlackBlock>,
}

impl Reply {
    fn markdown(text: String) -> Reply {
        Reply {
            blocks: sections(&[text.as_str()]),
            text,
        }
    }
}

/// The card posted in the channel for a new topic: what it is, who proposed it, how to vote.
pub fn topic_card(topic: &Topic) -> Reply {
    let headline = format!(
        "*#{}* {} *{}*",
        topic.number,
        badges(&topic.intents),
        escape(&topic.title)
    );
    let footer = format!(
        "Proposed by <@{}> · React with :{VOTE_EMOJI}: to vote",
        topic.author_id
    );
    Reply {
        text: format!(
            "#{} [{}] {}",
            topic.number,
            topic.intents,
            escape(&topic.title)
        ),
        blocks: vec![
            SlackSectionBlock::new().with_text(md!(headline)).into(),
            SlackContextBlock::new(vec![md!(footer)]).into(),
        ],
    }
}

/// The proposer's confirmation: the number, and where the card and votes are.
pub fn proposal_confirmation(topic: &Topic) -> Reply {
    Reply::markdown(format!(
        "#{} [{}] {} is on the agenda. Its card is posted in this channel: react with :{VOTE_EMOJI}: to vote.",
        topic.number,
        topic.intents,
        escape(&topic.title)
    ))
}

/// What went wrong with a proposal, and the command that would have worked.
pub fn proposal_error(error: &ProposalError) -> Reply {
    let (problem, example_intents, example_title) = match error {
        ProposalError::MissingIntent { title, guess } => (
            "A topic starts with its intent in brackets.".to_string(),
            Intents::from(*guess),
            title.clone(),
        ),
        ProposalError::UnclosedTag { title, guess } => (
            "The intent tag is missing its closing `]`.".to_string(),
            Intents::from(*guess),
            title.clone(),
        ),
        ProposalError::BadIntent {
            error: IntentError::Empty,
            title,
        } => (
            "The intent tag is empty.".to_string(),
            Intents::from(Intent::Discuss),
            title.clone(),
        ),
        ProposalError::BadIntent {
            error: IntentError::Unknown { word, suggestion },
            title,
        } => match suggestion {
            Some(intent) => (
                format!(
                    "`{}` is not an intent. Did you mean `{intent}`?",
                    code_safe(word)
                ),
                Intents::from(*intent),
                title.clone(),
            ),
            None => (
                format!("`{}` is not an intent.", code_safe(word)),
                Intents::from(Intent::Discuss),
                title.clone(),
            ),
        },
        ProposalError::BadTitle {
            error: TitleError::Empty,
            intents,
        } => (
            "The topic needs a title after the tag.".to_string(),
            intents.clone(),
            String::new(),
        ),
        ProposalError::BadTitle {
            error: TitleError::TooLong { chars },
            intents,
        } => (
            format!(
                "That title is {chars} characters; the limit is {}. Keep the title short and put the details in the card's thread.",
                crate::topics::Title::MAX_CHARS
            ),
            intents.clone(),
            String::new(),
        ),
    };
    let title = if example_title.is_empty() {
        "What is paver used for today?".to_string()
    } else {
        example_title
    };
    Reply::markdown(format!(
        "{problem}\nTry: `/archtopic [{example_intents}] {}`\nIntents: {}. `/archtopic help` says what each means.",
        code_safe(&title),
        intent_names()
    ))
}

/// Why a topic cannot be proposed from a direct message.
pub fn direct_message_refusal() -> Reply {
    Reply::markdown(
        "Topics belong to the channel where Arch Hour meets. Run `/archtopic` there, not in a direct message."
            .to_string(),
    )
}

/// Our own failure: nothing was saved, and trying again is safe.
pub fn internal_error() -> Reply {
    Reply::markdown(
        "Something went wrong on our side and nothing was saved. Please try again in a minute."
            .to_string(),
    )
}

/// Usage and the intents, with what each asks of the room.
pub fn help() -> Reply {
    let intents: Vec<String> = Intent::ALL
        .iter()
        .map(|intent| format!("• `{intent}`: {}", intent.meaning()))
        .collect();
    Reply::markdown(format!(
        "*Arch Hour* runs our architecture meeting Lean Coffee style: propose topics, vote with :{VOTE_EMOJI}:, and the top topics get time-boxed discussion.\n\
         • `/archtopic [intent] title`: propose a topic, e.g. `/archtopic [quest] What is paver used for today?`\n\
         • `/archtopic list`: the open topics for the next meeting\n\
         • `/archtopic help`: this message\n\
         *Intents* (say what you want from the room; combine with `/`, e.g. `[quest/ideation]`):\n{}\n\
         Aliases: `question` or `q` for quest, `idea` for ideation, `info` for inform, `discussion` for discuss.",
        intents.join("\n")
    ))
}

/// Help, prefixed with the word we did not understand.
pub fn unknown_command(word: &str) -> Reply {
    let help = help();
    let text = format!(
        "`{}` is not something I know how to do. Here is what I can do:\n{}",
        code_safe(word),
        help.text
    );
    Reply::markdown(text)
}

/// The open topics of this channel, oldest first.
pub fn open_topics(topics: &[Topic], now: DateTime<Utc>) -> Reply {
    if topics.is_empty() {
        return Reply::markdown(
            "No open topics yet. Propose one: `/archtopic [quest] What is paver used for today?`"
                .to_string(),
        );
    }
    let count = plural(topics.len(), "open topic", "open topics");
    let header = format!("*{count} for the next Arch Hour*, oldest first:");
    let rows: Vec<String> = topics
        .iter()
        .map(|topic| {
            format!(
                "*#{}* {} {} · <@{}> · {}",
                topic.number,
                badges(&topic.intents),
                escape(&topic.title),
                topic.author_id,
                age(topic.created_at, now)
            )
        })
        .collect();
    let mut lines = vec![header.as_str()];
    lines.extend(rows.iter().map(String::as_str));
    Reply {
        text: count,
        blocks: sections(&lines),
    }
}

/// "1 open topic", "3 open topics".
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `quest` `ideation`, as code spans.
fn badges(intents: &Intents) -> String {
    intents
        .as_slice()
        .iter()
        .map(|intent| format!("`{intent}`"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn intent_names() -> String {
    Intent::ALL
        .iter()
        .map(|intent| format!("`{intent}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text safe inside a code span: escaped, with backticks (which would end the span) replaced.
fn code_safe(text: &str) -> String {
    escape(text).replace('`', "'")
}

/// How long ago, in the words a person would use.
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = (now - then).num_days();
    match days {
        i64::MIN..=0 => "today".to_string(),
        1 => "1 day old".to_string(),
        n => format!("{n} days old"),
    }
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
mod tests {
    use super::*;
    use crate::topics::TopicState;
    use chrono::TimeZone;
    use serde_json::json;

    fn topic() -> Topic {
        Topic {
            id: 1,
            number: 12,
            team_id: "T1".into(),
            channel_id: "C1".into(),
            author_id: "U42".into(),
            intents: Intents::parse("quest/ideation").expect("valid"),
            title: "Is <paver> & friends still used?".into(),
            state: TopicState::Open,
            card_ts: None,
            created_at: Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap(),
        }
    }

    fn blocks_json(reply: &Reply) -> serde_json::Value {
        serde_json::to_value(&reply.blocks).expect("serialises")
    }

    #[test]
    fn the_topic_card_shows_number_badges_title_proposer_and_how_to_vote() {
        let card = topic_card(&topic());
        assert_eq!(
            card.text,
            "#12 [quest/ideation] Is &lt;paver&gt; &amp; friends still used?"
        );
        assert_eq!(
            blocks_json(&card),
            json!([
                {"type": "section", "text": {"type": "mrkdwn",
                    "text": "*#12* `quest` `ideation` *Is &lt;paver&gt; &amp; friends still used?*"}},
                {"type": "context", "elements": [{"type": "mrkdwn",
                    "text": "Proposed by <@U42> · React with :+1: to vote"}]}
            ])
        );
    }

    #[test]
    fn the_confirmation_starts_with_number_tag_and_title() {
        let reply = proposal_confirmation(&topic());
        assert!(
            reply
                .text
                .starts_with("#12 [quest/ideation] Is &lt;paver&gt; &amp; friends still used?")
        );
    }

    #[test]
    fn a_missing_tag_shows_the_corrected_command() {
        let reply = proposal_error(&ProposalError::MissingIntent {
            title: "What is paver used for today?".into(),
            guess: Intent::Quest,
        });
        assert_eq!(
            reply.text,
            "A topic starts with its intent in brackets.\n\
             Try: `/archtopic [quest] What is paver used for today?`\n\
             Intents: `inform`, `ideation`, `analysis`, `quest`, `discuss`. `/archtopic help` says what each means."
        );
    }

    #[test]
    fn an_unknown_tag_suggests_the_nearest_intent() {
        let reply = proposal_error(&ProposalError::BadIntent {
            error: IntentError::Unknown {
                word: "qeust".into(),
                suggestion: Some(Intent::Quest),
            },
            title: "Docs `strategy`".into(),
        });
        assert!(reply.text.starts_with(
            "`qeust` is not an intent. Did you mean `quest`?\nTry: `/archtopic [quest] Docs 'strategy'`"
        ));
    }

    #[test]
    fn ages_read_naturally() {
        let then = Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap();
        assert_eq!(age(then, then), "today");
        assert_eq!(age(then, then + chrono::Duration::hours(30)), "1 day old");
        assert_eq!(age(then, then + chrono::Duration::days(9)), "9 days old");
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
