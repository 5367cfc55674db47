//! Subcommands: each one's word in any case, its arguments, and the usage shown when they are
//! wrong.

use chrono::NaiveDate;

use super::proposal;
use crate::domain::actions::ItemState;
use crate::domain::command::*;
use crate::domain::meeting::MeetingControl;
use crate::domain::settings::{SettingChange, SettingError};
use crate::domain::topics::{Intent, TitleError};

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
    assert_eq!(parse("withdraw 12"), Ok(Command::Withdraw(TopicNumber(12))));
    assert_eq!(parse("Withdraw #7"), Ok(Command::Withdraw(TopicNumber(7))));
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
            number: TopicNumber(12),
            proposal: proposal("[quest/ideation] Should we adopt a message queue?")
        })
    );
    assert_eq!(
        parse("Edit 12 Should we adopt Kafka?"),
        Err(CommandError::Edit {
            number: TopicNumber(12),
            error: ProposalError::MissingIntent {
                title: "Should we adopt Kafka?".into(),
                guess: Intent::Quest
            }
        })
    );
    assert_eq!(
        parse("edit 3 [quest]"),
        Err(CommandError::Edit {
            number: TopicNumber(3),
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
            number: ItemNumber(7),
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
            number: ItemNumber(7),
            state: ItemState::Done
        })
    );
    assert_eq!(
        parse("drop 3"),
        Ok(Command::CloseItem {
            number: ItemNumber(3),
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
fn calendar_takes_nothing_or_reset() {
    assert_eq!(parse("calendar"), Ok(Command::Calendar { reset: false }));
    assert_eq!(
        parse("Calendar RESET"),
        Ok(Command::Calendar { reset: true })
    );
    for text in ["calendar now", "calendar reset please"] {
        assert_eq!(
            parse(text),
            Err(CommandError::Usage(UsageError {
                usage: CALENDAR_USAGE
            })),
            "{text}"
        );
    }
}
