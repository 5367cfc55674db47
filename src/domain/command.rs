//! The `/archtopic` text parser: one pure function from what a person typed to a [`Command`].

use chrono::NaiveDate;

use crate::domain::actions::{ItemState, ItemText, parse_item_number, parse_item_text};
use crate::domain::meeting::MeetingControl;
use crate::domain::mrkdwn;
use crate::domain::settings::{self, SettingChange, SettingError};
use crate::domain::topics::{Intent, IntentError, Intents, Title, TitleError};

/// What a person asked `/archtopic` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `[intent] title`: propose a topic.
    Propose(Proposal),
    /// `list`: the ranked agenda for the next meeting.
    List,
    /// `withdraw N`: take topic N off the agenda.
    Withdraw(i32),
    /// `edit N [intent] title`: fix topic N's intents or title.
    Edit { number: i32, proposal: Proposal },
    /// `recount`: re-read the vote reactions of open cards from Slack.
    Recount,
    /// `start`: start the meeting.
    Start,
    /// `next`, `extend`, `end`: run the meeting.
    Meeting(MeetingControl),
    /// `action …`: record an action item, or reassign one.
    Action(ActionCommand),
    /// `done N`, `drop N`: close an action item.
    CloseItem { number: i32, state: ItemState },
    /// `mine`: my open action items.
    Mine,
    /// `remind`: send the reminder DMs now.
    Remind,
    /// `search words…`: past and open topics matching the words.
    Search(String),
    /// `digest` (post now) or `digest preview` (show me).
    Digest { preview: bool },
    /// `minutes [post] [last | YYYY-MM-DD]`: a meeting's minutes, to me or posted in the
    /// channel; the last meeting's without a date.
    Minutes { post: bool, date: Option<NaiveDate> },
    /// `challenge …`, `challenges [category]`: the architecture challenges log.
    Challenge(ChallengeCommand),
    /// `config`: show the channel's settings.
    ShowConfig,
    /// `config KEY VALUE`: change one.
    ChangeConfig(Result<SettingChange, SettingError>),
    /// `help`, or no text at all.
    Help,
    /// A single word that is no command we know.
    Unknown(String),
}

/// What `action` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionCommand {
    /// `action @owner [@owner…] text [due YYYY-MM-DD]`: the leading mentions own it.
    New { owners: Vec<String>, item: ItemText },
    /// `action N owner @x [@y…]`.
    Reassign { number: i32, owners: Vec<String> },
}

/// What `challenge` and `challenges` ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeCommand {
    /// `challenge`: open the form.
    Form,
    /// `challenge Category | Issue | what happened [| team [| YYYY-MM-DD]]`, as plain text;
    /// its fields are checked against the channel's today.
    Record(String),
    /// `challenge N`: one issue with all its anecdotes.
    Show(i32),
    /// `challenge N status text…`.
    SetStatus { number: i32, status: String },
    /// `challenges [category]`: the log, most occurrences first.
    List(Option<String>),
}

/// A topic as proposed: its intents and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub intents: Intents,
    pub title: Title,
}

/// A subcommand given the wrong arguments: what was typed, and the usage to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub usage: &'static str,
}

/// Why text that looked like a proposal is not one. Each case carries what the reply needs
/// to show a corrected example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalError {
    /// No `[intent]` tag in front. `guess` is the intent the text seems to want.
    MissingIntent { title: String, guess: Intent },
    /// `[quest What is…`: the tag is never closed.
    UnclosedTag { title: String, guess: Intent },
    /// The tag names something that is not an intent, or is empty.
    BadIntent { error: IntentError, title: String },
    /// The tag is fine but the title is empty or too long.
    BadTitle { error: TitleError, intents: Intents },
}

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

/// How to use `action`, `done` and `drop`.
pub const ACTION_USAGE: &str = "/archtopic action @owner what they will do due 2026-12-01";
pub const REASSIGN_USAGE: &str = "/archtopic action 7 owner @someone";
pub const DONE_USAGE: &str = "/archtopic done 7";
pub const DROP_USAGE: &str = "/archtopic drop 7";

/// `action …`: a reassignment when it starts with an item number and `owner`, else a new item
/// owned by its leading mentions. `None` when a reassignment names no one.
fn parse_action(rest: &str) -> Option<ActionCommand> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    if let [number, keyword, owners @ ..] = words.as_slice()
        && keyword.eq_ignore_ascii_case("owner")
        && let Some(number) = parse_item_number(number)
    {
        let owners: Vec<String> = owners
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
    let mut owners: Vec<String> = Vec::new();
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

/// How to use `challenge`.
pub const CHALLENGE_USAGE: &str = "/archtopic challenge Pipeline | Merge conflicts are hard to resolve | It stopped the pipeline for a day";
pub const CHALLENGE_STATUS_USAGE: &str =
    "/archtopic challenge 7 status ARCHBOM-1202, not completed";

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

/// How to use `digest`.
pub const DIGEST_USAGE: &str = "/archtopic digest preview";

/// How to use `minutes`.
pub const MINUTES_USAGE: &str = "/archtopic minutes [post] [last | YYYY-MM-DD]";

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

/// How to use `search`.
pub const SEARCH_USAGE: &str = "/archtopic search documentation strategy";

/// How to use `withdraw`.
pub const WITHDRAW_USAGE: &str = "/archtopic withdraw 12";

/// How to use the subcommands that take nothing after them.
pub const LIST_USAGE: &str = "/archtopic list";
pub const HELP_USAGE: &str = "/archtopic help";
pub const RECOUNT_USAGE: &str = "/archtopic recount";
pub const START_USAGE: &str = "/archtopic start";
pub const NEXT_USAGE: &str = "/archtopic next";
pub const EXTEND_USAGE: &str = "/archtopic extend";
pub const END_USAGE: &str = "/archtopic end";
pub const MINE_USAGE: &str = "/archtopic mine";
pub const REMIND_USAGE: &str = "/archtopic remind";

/// How to use `edit`.
pub const EDIT_USAGE: &str = "/archtopic edit 12 [quest] Should we adopt a message queue?";

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
fn parse_topic_number(text: &str) -> Option<i32> {
    text.trim()
        .trim_start_matches('#')
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
}

/// Why the text is not a command we can carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    Proposal(ProposalError),
    /// `edit N` followed by what would be a bad proposal.
    Edit {
        number: i32,
        error: ProposalError,
    },
    Usage(UsageError),
}

fn parse_proposal(text: &str) -> Result<Proposal, ProposalError> {
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

fn missing_intent(text: &str) -> ProposalError {
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
fn bare_word(word: &str) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(text: &str) -> Proposal {
        match parse(text) {
            Ok(Command::Propose(p)) => p,
            other => panic!("{text}: expected a proposal, got {other:?}"),
        }
    }

    #[test]
    fn a_tagged_title_is_a_proposal() {
        let p = proposal("[quest] What is paver used for today?");
        assert_eq!(p.intents.as_slice(), [Intent::Quest]);
        assert_eq!(p.title.as_str(), "What is paver used for today?");
    }

    #[test]
    fn every_intent_alias_and_case_is_accepted() {
        let cases = [
            ("[inform]", vec![Intent::Inform]),
            ("[INFO]", vec![Intent::Inform]),
            ("[ideation]", vec![Intent::Ideation]),
            ("[Idea]", vec![Intent::Ideation]),
            ("[analysis]", vec![Intent::Analysis]),
            ("[quest]", vec![Intent::Quest]),
            ("[question]", vec![Intent::Quest]),
            ("[Q]", vec![Intent::Quest]),
            ("[discuss]", vec![Intent::Discuss]),
            ("[Discussion]", vec![Intent::Discuss]),
            ("[quest/ideation]", vec![Intent::Quest, Intent::Ideation]),
            (
                "[ info / analysis ]",
                vec![Intent::Inform, Intent::Analysis],
            ),
            (
                "[idea/discuss/quest]",
                vec![Intent::Ideation, Intent::Discuss, Intent::Quest],
            ),
        ];
        for (tag, expected) in cases {
            let p = proposal(&format!("{tag} Splitting LMS and Studio"));
            assert_eq!(p.intents.as_slice(), expected.as_slice(), "{tag}");
            assert_eq!(p.title.as_str(), "Splitting LMS and Studio");
        }
    }

    #[test]
    fn escaped_text_becomes_plain_in_the_title() {
        let p = proposal("[quest] Q&amp;A with <@U1|ann> about &lt;iframe&gt;s");
        assert_eq!(p.title.as_str(), "Q&A with @ann about <iframe>s");
    }

    #[test]
    fn the_subcommands_are_recognised_in_any_case() {
        assert_eq!(parse("list"), Ok(Command::List));
        assert_eq!(parse("  LIST "), Ok(Command::List));
        assert_eq!(parse("help"), Ok(Command::Help));
        assert_eq!(parse("?"), Ok(Command::Help));
        assert_eq!(parse(""), Ok(Command::Help));
        assert_eq!(parse("   "), Ok(Command::Help));
    }

    /// `start now` is a subcommand used the wrong way, not a topic without its intent tag.
    #[test]
    fn a_subcommand_that_takes_nothing_answers_extra_words_with_its_usage() {
        let cases = [
            ("list all", LIST_USAGE),
            ("agenda please", LIST_USAGE),
            ("help me", HELP_USAGE),
            ("? intents", HELP_USAGE),
            ("recount now", RECOUNT_USAGE),
            ("start now", START_USAGE),
            ("next please", NEXT_USAGE),
            ("Extend 5m", EXTEND_USAGE),
            ("end it", END_USAGE),
            ("mine all", MINE_USAGE),
            ("remind everyone", REMIND_USAGE),
        ];
        for (text, usage) in cases {
            assert_eq!(
                parse(text),
                Err(CommandError::Usage(UsageError { usage })),
                "{text}"
            );
        }
    }

    #[test]
    fn withdraw_takes_a_topic_number() {
        assert_eq!(parse("withdraw 12"), Ok(Command::Withdraw(12)));
        assert_eq!(parse("Withdraw #7"), Ok(Command::Withdraw(7)));
        for bad in ["withdraw", "withdraw twelve", "withdraw 0", "withdraw 3 4"] {
            assert_eq!(
                parse(bad),
                Err(CommandError::Usage(UsageError {
                    usage: WITHDRAW_USAGE
                })),
                "{bad}"
            );
        }
    }

    #[test]
    fn edit_takes_a_topic_number_and_what_a_proposal_takes() {
        assert_eq!(
            parse("edit #12 [Q/idea] Should we adopt a message queue?"),
            Ok(Command::Edit {
                number: 12,
                proposal: proposal("[quest/ideation] Should we adopt a message queue?")
            })
        );
        assert_eq!(
            parse("Edit 12 Should we adopt Kafka?"),
            Err(CommandError::Edit {
                number: 12,
                error: ProposalError::MissingIntent {
                    title: "Should we adopt Kafka?".into(),
                    guess: Intent::Quest
                }
            })
        );
        assert_eq!(
            parse("edit 3 [quest]"),
            Err(CommandError::Edit {
                number: 3,
                error: ProposalError::BadTitle {
                    error: TitleError::Empty,
                    intents: Intent::Quest.into()
                }
            })
        );
        for bad in [
            "edit",
            "edit 12",
            "edit twelve [quest] Kafka?",
            "edit 0 [quest] Kafka?",
        ] {
            assert_eq!(
                parse(bad),
                Err(CommandError::Usage(UsageError { usage: EDIT_USAGE })),
                "{bad}"
            );
        }
    }

    #[test]
    fn minutes_take_post_and_last_or_a_date() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 18);
        let cases = [
            ("minutes", false, None),
            ("minutes last", false, None),
            ("Minutes 2026-11-18", false, day),
            ("minutes post", true, None),
            ("minutes POST last", true, None),
            ("minutes post 2026-11-18", true, day),
        ];
        for (text, post, date) in cases {
            assert_eq!(parse(text), Ok(Command::Minutes { post, date }), "{text}");
        }
        for bad in [
            "minutes yesterday",
            "minutes 2026-13-01",
            "minutes last 2026-11-18",
            "minutes 2026-11-18 post",
            "minutes post post",
        ] {
            assert_eq!(
                parse(bad),
                Err(CommandError::Usage(UsageError {
                    usage: MINUTES_USAGE
                })),
                "{bad}"
            );
        }
    }

    #[test]
    fn recount_config_and_the_meeting_controls_are_recognised() {
        assert_eq!(parse("recount"), Ok(Command::Recount));
        assert_eq!(parse("start"), Ok(Command::Start));
        assert_eq!(parse("Next"), Ok(Command::Meeting(MeetingControl::Next)));
        assert_eq!(
            parse("extend"),
            Ok(Command::Meeting(MeetingControl::Extend))
        );
        assert_eq!(parse("END"), Ok(Command::Meeting(MeetingControl::End)));
        assert_eq!(parse("config"), Ok(Command::ShowConfig));
        assert_eq!(
            parse("config votes_per_person 2"),
            Ok(Command::ChangeConfig(Ok(SettingChange::VotesPerPerson(2))))
        );
        assert!(matches!(
            parse("config votes_per_person"),
            Ok(Command::ChangeConfig(Err(SettingError::Invalid { .. })))
        ));
    }

    #[test]
    fn action_takes_leading_owners_text_and_a_due_date() {
        let Ok(Command::Action(ActionCommand::New { owners, item })) =
            parse("action <@UADAM|adam> <@UNIM> see what we can do due 2026-12-01")
        else {
            panic!("expected a new action");
        };
        assert_eq!(owners, ["UADAM", "UNIM"]);
        assert_eq!(item.text, "see what we can do");
        assert_eq!(item.due, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
        let Ok(Command::Action(ActionCommand::New { owners, .. })) = parse("action fix it") else {
            panic!("expected a new action");
        };
        assert!(
            owners.is_empty(),
            "owners are checked when the item is recorded"
        );
    }

    #[test]
    fn items_are_reassigned_closed_and_listed() {
        assert_eq!(
            parse("action A7 owner <@UX|x>"),
            Ok(Command::Action(ActionCommand::Reassign {
                number: 7,
                owners: vec!["UX".into()]
            }))
        );
        assert_eq!(
            parse("action 7 owner bob"),
            Err(CommandError::Usage(UsageError {
                usage: REASSIGN_USAGE
            }))
        );
        assert_eq!(
            parse("done A7"),
            Ok(Command::CloseItem {
                number: 7,
                state: ItemState::Done
            })
        );
        assert_eq!(
            parse("drop 3"),
            Ok(Command::CloseItem {
                number: 3,
                state: ItemState::Dropped
            })
        );
        assert_eq!(
            parse("done"),
            Err(CommandError::Usage(UsageError { usage: DONE_USAGE }))
        );
        assert_eq!(parse("mine"), Ok(Command::Mine));
        assert_eq!(parse("remind"), Ok(Command::Remind));
        assert_eq!(
            parse("search docs &amp; devstack"),
            Ok(Command::Search("docs & devstack".into()))
        );
        assert_eq!(
            parse("search"),
            Err(CommandError::Usage(UsageError {
                usage: SEARCH_USAGE
            }))
        );
    }

    #[test]
    fn challenge_opens_the_form_records_shows_and_sets_status() {
        let challenge = |text| {
            parse(text).map(|c| match c {
                Command::Challenge(challenge) => challenge,
                other => panic!("{text}: {other:?}"),
            })
        };
        assert_eq!(challenge("challenge"), Ok(ChallengeCommand::Form));
        assert_eq!(
            challenge("challenge Pipeline | Merge &amp; rebase | It broke"),
            Ok(ChallengeCommand::Record(
                "Pipeline | Merge & rebase | It broke".into()
            ))
        );
        assert_eq!(challenge("challenge C7"), Ok(ChallengeCommand::Show(7)));
        assert_eq!(challenge("challenge 7"), Ok(ChallengeCommand::Show(7)));
        assert_eq!(
            challenge("challenge 7 STATUS  ARCHBOM-1202 not completed"),
            Ok(ChallengeCommand::SetStatus {
                number: 7,
                status: "ARCHBOM-1202 not completed".into()
            })
        );
        assert_eq!(challenge("challenges"), Ok(ChallengeCommand::List(None)));
        assert_eq!(
            challenge("challenges Authentication Clean-up"),
            Ok(ChallengeCommand::List(Some(
                "Authentication Clean-up".into()
            )))
        );
        let usage = |usage| Err(CommandError::Usage(UsageError { usage }));
        assert_eq!(parse("challenge Pipeline is slow"), usage(CHALLENGE_USAGE));
        assert_eq!(parse("challenge 0"), usage(CHALLENGE_USAGE));
        assert_eq!(parse("challenge 7 status"), usage(CHALLENGE_STATUS_USAGE));
        assert_eq!(parse("challenge 7 close"), usage(CHALLENGE_STATUS_USAGE));
    }

    #[test]
    fn an_unknown_single_word_is_unknown_not_a_topic() {
        assert_eq!(
            parse("frobnicate"),
            Ok(Command::Unknown("frobnicate".into()))
        );
    }

    #[test]
    fn text_without_a_tag_is_refused_with_a_guess() {
        assert_eq!(
            parse("What is paver used for today?"),
            Err(CommandError::Proposal(ProposalError::MissingIntent {
                title: "What is paver used for today?".into(),
                guess: Intent::Quest
            }))
        );
        assert_eq!(
            parse("Splitting LMS and Studio"),
            Err(CommandError::Proposal(ProposalError::MissingIntent {
                title: "Splitting LMS and Studio".into(),
                guess: Intent::Discuss
            }))
        );
    }

    #[test]
    fn an_intent_written_without_brackets_is_the_guess() {
        assert_eq!(
            parse("idea: a toolbox for graceful degradation"),
            Err(CommandError::Proposal(ProposalError::MissingIntent {
                title: "a toolbox for graceful degradation".into(),
                guess: Intent::Ideation
            }))
        );
        assert_eq!(
            parse("quest"),
            Err(CommandError::Proposal(ProposalError::MissingIntent {
                title: "".into(),
                guess: Intent::Quest
            }))
        );
    }

    #[test]
    fn an_unclosed_tag_is_refused() {
        assert_eq!(
            parse("[quest What is paver?"),
            Err(CommandError::Proposal(ProposalError::UnclosedTag {
                title: "What is paver?".into(),
                guess: Intent::Quest
            }))
        );
    }

    #[test]
    fn an_unknown_tag_carries_a_suggestion() {
        assert_eq!(
            parse("[qeust] What is paver?"),
            Err(CommandError::Proposal(ProposalError::BadIntent {
                error: IntentError::Unknown {
                    word: "qeust".into(),
                    suggestion: Some(Intent::Quest)
                },
                title: "What is paver?".into()
            }))
        );
        assert!(matches!(
            parse("[] What is paver?"),
            Err(CommandError::Proposal(ProposalError::BadIntent {
                error: IntentError::Empty,
                ..
            }))
        ));
    }

    #[test]
    fn an_empty_or_long_title_is_refused() {
        assert_eq!(
            parse("[quest]   "),
            Err(CommandError::Proposal(ProposalError::BadTitle {
                error: TitleError::Empty,
                intents: Intent::Quest.into()
            }))
        );
        let long = format!("[discuss] {}", "x".repeat(301));
        assert_eq!(
            parse(&long),
            Err(CommandError::Proposal(ProposalError::BadTitle {
                error: TitleError::TooLong { chars: 301 },
                intents: Intent::Discuss.into()
            }))
        );
    }
}
