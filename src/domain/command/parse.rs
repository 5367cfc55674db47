//! Reading the subcommands: the first word picks one, and each checks what follows it.

use chrono::NaiveDate;

use super::proposal::{bare_word, missing_intent, parse_proposal};
use super::usage::*;
use super::{ActionCommand, ChallengeCommand, Command, CommandError, UsageError};
use crate::domain::actions::{ItemState, parse_item_number, parse_item_text};
use crate::domain::ids::{TopicNumber, UserId};
use crate::domain::meeting::MeetingControl;
use crate::domain::mrkdwn;
use crate::domain::settings;
use crate::domain::topics::Intent;

/// Parses the text of `/archtopic` as Slack sent it (escaped, mentions as `<@U…>` tokens).
pub fn parse(text: &str) -> Result<Command, CommandError> {
    let text = text.trim();
    if text.starts_with('[') {
        return parse_proposal(text)
            .map(Command::Propose)
            .map_err(CommandError::Proposal);
    }
    let (first, rest) = match text.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (text, ""),
    };
    if first.is_empty() {
        return Ok(Command::Help);
    }
    let usage = |usage| Err(CommandError::Usage(UsageError { usage }));
    let word = first.to_lowercase();
    if let Some((command, how)) = taking_nothing(&word) {
        return if rest.is_empty() {
            Ok(command)
        } else {
            usage(how)
        };
    }
    match (word.as_str(), rest) {
        ("withdraw", number) => match parse_topic_number(number) {
            Some(number) => Ok(Command::Withdraw(number)),
            None => usage(WITHDRAW_USAGE),
        },
        ("edit", rest) => parse_edit(rest),
        ("action", "") => usage(ACTION_USAGE),
        ("action", rest) => parse_action(rest)
            .map(Command::Action)
            .ok_or(CommandError::Usage(UsageError {
                usage: REASSIGN_USAGE,
            })),
        ("done" | "drop", number) => match parse_item_number(number) {
            Some(number) => Ok(Command::CloseItem {
                number,
                state: if first.eq_ignore_ascii_case("done") {
                    ItemState::Done
                } else {
                    ItemState::Dropped
                },
            }),
            None => usage(if first.eq_ignore_ascii_case("done") {
                DONE_USAGE
            } else {
                DROP_USAGE
            }),
        },
        ("digest", "") => Ok(Command::Digest { preview: false }),
        ("digest", rest) if rest.eq_ignore_ascii_case("preview") => {
            Ok(Command::Digest { preview: true })
        }
        ("digest", _) => usage(DIGEST_USAGE),
        ("minutes", rest) => parse_minutes(rest).map_or(usage(MINUTES_USAGE), Ok),
        ("calendar", "") => Ok(Command::Calendar { reset: false }),
        ("calendar", rest) if rest.eq_ignore_ascii_case("reset") => {
            Ok(Command::Calendar { reset: true })
        }
        ("calendar", _) => usage(CALENDAR_USAGE),
        ("search", "") => usage(SEARCH_USAGE),
        ("search", words) => Ok(Command::Search(mrkdwn::to_plain(words))),
        ("challenge", "") => Ok(Command::Challenge(ChallengeCommand::Form)),
        ("challenge", rest) => parse_challenge(rest)
            .map(Command::Challenge)
            .map_err(|usage| CommandError::Usage(UsageError { usage })),
        ("challenges", category) => Ok(Command::Challenge(ChallengeCommand::List(
            Some(mrkdwn::to_plain(category)).filter(|c| !c.is_empty()),
        ))),
        ("config", "") => Ok(Command::ShowConfig),
        ("config", setting) => match setting.split_once(char::is_whitespace) {
            Some((key, value)) => Ok(Command::ChangeConfig(settings::parse_change(key, value))),
            None => Ok(Command::ChangeConfig(settings::parse_change(setting, ""))),
        },
        (_, "") if Intent::from_word(bare_word(first)).is_none() => {
            Ok(Command::Unknown(first.to_string()))
        }
        _ => Err(CommandError::Proposal(missing_intent(text))),
    }
}

/// The subcommands that take nothing after them, with the usage shown when something is:
/// `start now` is `start` used the wrong way, not a topic missing its intent tag.
fn taking_nothing(word: &str) -> Option<(Command, &'static str)> {
    Some(match word {
        "list" | "agenda" => (Command::List, LIST_USAGE),
        "help" | "?" => (Command::Help, HELP_USAGE),
        "recount" => (Command::Recount, RECOUNT_USAGE),
        "start" => (Command::Start, START_USAGE),
        "next" => (Command::Meeting(MeetingControl::Next), NEXT_USAGE),
        "extend" => (Command::Meeting(MeetingControl::Extend), EXTEND_USAGE),
        "end" => (Command::Meeting(MeetingControl::End), END_USAGE),
        "mine" => (Command::Mine, MINE_USAGE),
        "remind" => (Command::Remind, REMIND_USAGE),
        _ => return None,
    })
}

/// `action …`: a reassignment when it starts with an item number and `owner`, else a new item
/// owned by its leading mentions. `None` when a reassignment names no one.
fn parse_action(rest: &str) -> Option<ActionCommand> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    if let [number, keyword, owners @ ..] = words.as_slice()
        && keyword.eq_ignore_ascii_case("owner")
        && let Some(number) = parse_item_number(number)
    {
        let owners: Vec<UserId> = owners
            .iter()
            .filter_map(|w| mrkdwn::user_mention(w))
            .collect();
        return (!owners.is_empty() && owners.len() == words.len() - 2)
            .then_some(ActionCommand::Reassign { number, owners });
    }
    let leading = words
        .iter()
        .take_while(|word| mrkdwn::user_mention(word).is_some())
        .count();
    let mut owners: Vec<UserId> = Vec::new();
    for word in &words[..leading] {
        if let Some(user) = mrkdwn::user_mention(word)
            && !owners.contains(&user)
        {
            owners.push(user);
        }
    }
    Some(ActionCommand::New {
        owners,
        item: parse_item_text(&words[leading..].join(" ")),
    })
}

/// `challenge …` with text: one line to record when it has a `|`, else an issue number and
/// perhaps a new status. Errs with the usage to show.
fn parse_challenge(rest: &str) -> Result<ChallengeCommand, &'static str> {
    let plain = mrkdwn::to_plain(rest);
    if plain.contains('|') {
        return Ok(ChallengeCommand::Record(plain));
    }
    let (first, more) = match plain.split_once(char::is_whitespace) {
        Some((first, more)) => (first, more.trim()),
        None => (plain.as_str(), ""),
    };
    let Some(number) = parse_challenge_number(first) else {
        return Err(CHALLENGE_USAGE);
    };
    if more.is_empty() {
        return Ok(ChallengeCommand::Show(number));
    }
    match more.split_once(char::is_whitespace) {
        Some((keyword, status)) if keyword.eq_ignore_ascii_case("status") => {
            Ok(ChallengeCommand::SetStatus {
                number,
                status: status.trim().to_string(),
            })
        }
        _ => Err(CHALLENGE_STATUS_USAGE),
    }
}

/// `7`, `C7` or `#7`.
fn parse_challenge_number(text: &str) -> Option<i32> {
    let digits = text
        .strip_prefix(['C', 'c'])
        .unwrap_or(text)
        .trim_start_matches('#');
    digits.parse::<i32>().ok().filter(|n| *n > 0)
}

/// `[post] [last | YYYY-MM-DD]`; `None` for anything else.
fn parse_minutes(rest: &str) -> Option<Command> {
    let mut words = rest.split_whitespace().peekable();
    let post = words
        .next_if(|word| word.eq_ignore_ascii_case("post"))
        .is_some();
    let date = match words.next() {
        None => None,
        Some(word) if word.eq_ignore_ascii_case("last") => None,
        Some(word) => Some(NaiveDate::parse_from_str(word, "%Y-%m-%d").ok()?),
    };
    words
        .next()
        .is_none()
        .then_some(Command::Minutes { post, date })
}

/// `edit N [intent] title`: a topic number, then what a proposal takes, with a proposal's
/// errors (which the reply shows with the `edit N` in front).
fn parse_edit(rest: &str) -> Result<Command, CommandError> {
    let usage = Err(CommandError::Usage(UsageError { usage: EDIT_USAGE }));
    let Some((number, topic)) = rest.split_once(char::is_whitespace) else {
        return usage;
    };
    let Some(number) = parse_topic_number(number) else {
        return usage;
    };
    let topic = topic.trim();
    let proposal = if topic.starts_with('[') {
        parse_proposal(topic)
    } else {
        Err(missing_intent(topic))
    };
    proposal
        .map(|proposal| Command::Edit { number, proposal })
        .map_err(|error| CommandError::Edit { number, error })
}

/// `12` or `#12`.
fn parse_topic_number(text: &str) -> Option<TopicNumber> {
    text.trim()
        .trim_start_matches('#')
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .map(TopicNumber)
}
