//! Search results, and the earlier topics shown when a similar one is proposed.

use super::{Reply, badged_title, code_safe, headed, named_proposers, plural};
use crate::domain::mrkdwn::escape;
use crate::domain::topics::Found;
use crate::domain::topics::TopicState;
use crate::slack::identity::BotIdentity;

/// Where a topic stands: "discussed 2021-06-30", "open", "withdrawn".
fn outcome(found: &Found) -> String {
    match (found.topic.state, found.discussed_on) {
        (TopicState::Discussed, Some(day)) => {
            let mut outcome = format!("discussed {day}");
            if found.needs_follow_up {
                outcome.push_str(", needs follow-up");
            }
            outcome
        }
        (TopicState::Discussed, None) => "discussed".into(),
        (TopicState::Discussing, _) => "being discussed now".into(),
        (TopicState::Open, _) => "open".into(),
        (TopicState::Withdrawn, _) => "withdrawn".into(),
    }
}

/// `#12` linked to its card when possible.
fn linked_number(found: &Found, bot: Option<&BotIdentity>) -> String {
    match (bot, &found.topic.card_ts) {
        (Some(bot), Some(ts)) => format!(
            "<{}|#{}>",
            bot.permalink(&found.topic.channel_id, ts),
            found.topic.number
        ),
        _ => format!("#{}", found.topic.number),
    }
}

/// The answer to `search`.
pub fn search_results(words: &str, found: &[Found], bot: Option<&BotIdentity>) -> Reply {
    if found.is_empty() {
        return Reply::markdown(format!(
            "No topics in this channel match `{}`.",
            code_safe(words)
        ));
    }
    let header = format!(
        "*{} matching* `{}`:",
        plural(found.len(), "topic", "topics"),
        code_safe(words)
    );
    let rows: Vec<String> = found
        .iter()
        .enumerate()
        .map(|(index, hit)| {
            let mut parts = vec![
                format!(
                    "{}. *{}* {}{}",
                    index + 1,
                    linked_number(hit, bot),
                    badged_title(&hit.topic),
                    named_proposers(&hit.topic)
                ),
                outcome(hit),
                plural(hit.votes, "vote", "votes"),
            ];
            if hit.decisions > 0 {
                parts.push(plural(hit.decisions, "decision", "decisions"));
            }
            parts.join(" · ")
        })
        .collect();
    Reply {
        blocks: headed(&header, &rows),
        text: header,
    }
}

/// Lines for a proposal's confirmation: "discussed 2021-06-30: #5 Documentation strategy".
pub fn similar_lines(similar: &[Found], bot: Option<&BotIdentity>) -> Vec<String> {
    similar
        .iter()
        .map(|hit| {
            format!(
                "• {}: {} {}",
                outcome(hit),
                linked_number(hit, bot),
                escape(&hit.topic.title)
            )
        })
        .collect()
}
