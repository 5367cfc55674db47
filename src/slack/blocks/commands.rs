//! Replies to `/archtopic`: confirmations, help, and explanations of bad input.

use super::{EXAMPLE_PROPOSAL, EXAMPLE_TITLE, Reply, code_safe, intent_names, topic_name};
use crate::domain::command::{ProposalError, UsageError};
use crate::domain::ids::TopicNumber;
use crate::domain::membership::Outside;
use crate::domain::topics::{Intent, IntentError, Intents, Title, TitleError, Topic};

/// The proposer's confirmation: the number, where the card and votes are, and earlier topics
/// that look the same (so the group does not re-hash them).
pub fn proposal_confirmation(topic: &Topic, vote_emoji: &str, similar: &[String]) -> Reply {
    let mut text = format!(
        "{} is on the agenda. Its card is being posted in this channel: react to it with :{vote_emoji}: to vote.",
        topic_name(topic)
    );
    if !similar.is_empty() {
        text.push_str(
            "
Similar earlier topics:
",
        );
        text.push_str(&similar.join("\n"));
    }
    Reply::markdown(text)
}

/// What went wrong with a proposal, and the command that would have worked.
pub fn proposal_error(error: &ProposalError) -> Reply {
    explain_proposal_error("", error)
}

/// What went wrong with the topic part of `edit N …`: the same explanation as for a proposal,
/// with `edit N` in the command that would have worked.
pub fn edit_error(number: TopicNumber, error: &ProposalError) -> Reply {
    explain_proposal_error(&format!("edit {number} "), error)
}

/// A proposal's error, with `command` (such as `edit 12 `) before the topic in the example.
fn explain_proposal_error(command: &str, error: &ProposalError) -> Reply {
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
                Title::MAX_CHARS
            ),
            intents.clone(),
            String::new(),
        ),
    };
    let title = if example_title.is_empty() {
        EXAMPLE_TITLE.to_string()
    } else {
        example_title
    };
    Reply::markdown(format!(
        "{problem}\nTry: `/archtopic {command}[{example_intents}] {}`\nIntents: {}. `/archtopic help` says what each means.",
        code_safe(&title),
        intent_names()
    ))
}

/// A command that worked and has nothing more to say than what it did.
pub fn control_done(what: &str) -> Reply {
    Reply::markdown(format!("{what}."))
}

/// A subcommand used the wrong way.
pub fn usage(error: &UsageError) -> Reply {
    Reply::markdown(format!("Usage: `{}`", error.usage))
}

/// Why a command needs a channel.
pub fn direct_message_refusal() -> Reply {
    Reply::markdown(
        "Topics belong to the channel where Arch Hour meets. Run `/archtopic` there, not in a direct message."
            .to_string(),
    )
}

/// The bot is not in the channel and cannot join it by itself: nothing was done.
pub fn not_in_channel(why: Outside) -> Reply {
    let text = match why {
        Outside::Private | Outside::Removed => {
            "I'm not in this channel, so I would miss its votes and notes and could not answer \
             here. Invite me with `/invite @archhour`, then try again. Nothing was stored."
        }
        Outside::Archived => {
            "This channel is archived, so Arch Hour cannot run here. Nothing was stored."
        }
    };
    Reply::markdown(text.to_string())
}

/// The command came from a workspace Arch Hour is not installed in (it was uninstalled, or
/// its bot token revoked, or never added): nothing was done; `install` is where to add it, when
/// known.
pub fn not_installed(install: Option<&str>) -> Reply {
    let again = match install {
        Some(address) => format!("A workspace admin can add it at <{address}|Add to Slack>."),
        None => "A workspace admin can add it from the app's page.".to_string(),
    };
    Reply::markdown(format!(
        "Arch Hour is not installed in this workspace (or was removed from it), so it cannot act here. {again} Nothing was stored."
    ))
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
        "*Arch Hour* runs our architecture meeting Lean Coffee style: propose topics, vote on their cards with emoji, and the top topics get time-boxed discussion.\n\
         • `/archtopic [intent] title`: propose a topic, e.g. `/archtopic {EXAMPLE_PROPOSAL}`\n\
         • `list`: the agenda for the next meeting, ranked by votes · `withdraw 12`: take your topic #12 off it · `edit 12 [intent] title`: fix its intent or title (its votes stay) · `recount`: re-read the votes from Slack (facilitators)\n\
         • `start`, `next`, `extend`, `end`: run the meeting (facilitators)\n\
         • `action @owner what they will do due 2026-12-01`: record an action item · `done 7` · `drop 7` · `mine`: my open items · `remind`: send the reminders now (facilitators)\n\
         • `search words`: past and open topics · `digest preview`: this week's digest, to me · `digest`: post it (facilitators)\n\
         • `minutes [last | YYYY-MM-DD]`: a meeting's minutes, to me · `minutes post [last | YYYY-MM-DD]`: post them in the channel (facilitators)\n\
         • `challenge`: record something that slowed your team down in the architecture challenges log (a form; or in one line, `challenge Category | Issue | what happened`) · `challenges [category]`: the log · `challenge 7`: one issue, and a button to discuss it · `challenge 7 status …`: where it stands\n\
         • `calendar`: this channel's meeting as a calendar feed to subscribe to, with the next agenda · `calendar reset`: a new feed address, the old one stops working (facilitators)\n\
         • `config`: this channel's settings; `config KEY VALUE` changes one (facilitators) · `help`: this message\n\
         *Notes in the meeting*: reply in the thread of a topic's card (the \"Now discussing\" message links to it). Each reply is recorded on that topic:\n\
         • `ACTION @owner what they will do due 2026-12-01`, `AI: …` or `[ ] …`: an action item. Its owners are the people it mentions, else you; `due YYYY-MM-DD` or `by YYYY-MM-DD` sets its due date.\n\
         • `DECIDED …`, `Decided: …` or `DECISION …`: a decision.\n\
         • anything else: a note.\n\
         Write `ACTION`, `AI:`, `DECIDED`, `Decided:` and `DECISION` as shown, capitals and colons included. \
         I react :white_check_mark: to an item and :pushpin: to a decision; \
         `undo` in the thread takes back your last one (a facilitator's `undo`, the thread's last).\n\
         *Intents* (say what you want from the room; combine with `/`, e.g. `[quest/ideation]`):\n{}\n\
         Aliases: `question` or `q` for quest, `idea` for ideation, `info` for inform, `discussion` for discuss.",
        intents.join("\n")
    ))
}

/// Help, prefixed with the word we did not understand.
pub fn unknown_command(word: &str) -> Reply {
    Reply::markdown(format!(
        "`{}` is not something I know how to do. Here is what I can do:\n{}",
        code_safe(word),
        help().text
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::topic;
    use super::*;

    #[test]
    fn the_confirmation_starts_with_number_tag_and_title() {
        let reply = proposal_confirmation(&topic(), "+1", &[]);
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
    fn help_explains_how_thread_replies_are_recorded() {
        let text = help().text;
        for line in [
            "*Notes in the meeting*: reply in the thread of a topic's card (the \"Now discussing\" message links to it). Each reply is recorded on that topic:",
            "• `ACTION @owner what they will do due 2026-12-01`, `AI: …` or `[ ] …`: an action item. Its owners are the people it mentions, else you; `due YYYY-MM-DD` or `by YYYY-MM-DD` sets its due date.",
            "• `DECIDED …`, `Decided: …` or `DECISION …`: a decision.",
            "• anything else: a note.",
            "Write `ACTION`, `AI:`, `DECIDED`, `Decided:` and `DECISION` as shown, capitals and colons included. \
             I react :white_check_mark: to an item and :pushpin: to a decision; \
             `undo` in the thread takes back your last one (a facilitator's `undo`, the thread's last).",
        ] {
            assert!(text.contains(line), "missing {line}\n{text}");
        }
    }

    /// Help is longer than one section holds (3,000 characters): it is split between lines,
    /// never cut.
    #[test]
    fn help_is_shown_whole() {
        for reply in [help(), unknown_command("frobnicate")] {
            let blocks = super::super::tests::blocks_json(&reply);
            let shown: Vec<&str> = blocks
                .as_array()
                .expect("blocks")
                .iter()
                .map(|block| block["text"]["text"].as_str().expect("text"))
                .collect();
            assert!(shown.iter().all(|text| text.chars().count() <= 3000));
            assert_eq!(shown.join("\n"), reply.text);
        }
    }

    /// What help says about thread replies is what capture does with them.
    #[test]
    fn the_replies_help_shows_are_captured_as_it_says() {
        use crate::domain::actions::{Capture, LineKind, classify_reply, line_kind};
        for (reply, kind) in [
            (
                "ACTION <@U1> what they will do due 2026-12-01",
                LineKind::Action,
            ),
            ("AI: write the ADR", LineKind::Action),
            ("[ ] write the ADR", LineKind::Action),
            ("DECIDED keep the queue", LineKind::Decision),
            ("Decided: keep the queue", LineKind::Decision),
            ("DECISION keep the queue", LineKind::Decision),
            ("undo", LineKind::Undo),
            ("we could use Kaniko", LineKind::Note),
            ("Action: lowercase is a note", LineKind::Note),
            ("decided: lowercase is a note", LineKind::Note),
        ] {
            assert_eq!(line_kind(reply).0, kind, "{reply}");
        }
        let Capture::Action(item) = classify_reply("ACTION <@U1> ask the team by 2026-12-01")
        else {
            panic!("an action");
        };
        assert_eq!(item.mentioned, ["U1"]);
        assert_eq!(item.due, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
    }

    #[test]
    fn an_edit_error_shows_the_corrected_edit_command() {
        let reply = edit_error(
            TopicNumber(12),
            &ProposalError::MissingIntent {
                title: "Should we adopt Kafka?".into(),
                guess: Intent::Quest,
            },
        );
        assert!(reply.text.starts_with(
            "A topic starts with its intent in brackets.\n\
             Try: `/archtopic edit 12 [quest] Should we adopt Kafka?`"
        ));
        assert!(
            help()
                .text
                .contains("`edit 12 [intent] title`: fix its intent or title (its votes stay)")
        );
    }

    #[test]
    fn help_names_minutes() {
        assert!(help().text.contains(
            "• `minutes [last | YYYY-MM-DD]`: a meeting's minutes, to me · \
             `minutes post [last | YYYY-MM-DD]`: post them in the channel (facilitators)"
        ));
    }

    #[test]
    fn examples_use_a_neutral_topic() {
        let reply = proposal_error(&ProposalError::BadTitle {
            error: TitleError::Empty,
            intents: Intent::Quest.into(),
        });
        assert!(
            reply.text.starts_with(
                "The topic needs a title after the tag.\n\
                 Try: `/archtopic [quest] Should we adopt a message queue?`"
            ),
            "{}",
            reply.text
        );
        assert!(
            help()
                .text
                .contains("e.g. `/archtopic [quest] Should we adopt a message queue?`")
        );
        assert!(!help().text.contains("paver"));
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
}
