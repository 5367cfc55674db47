//! Proposals: the `[intent]` tag and title, and what a refusal carries to show a corrected
//! example.

use super::proposal;
use crate::domain::command::{CommandError, ProposalError, parse};
use crate::domain::topics::{Intent, IntentError, TitleError};

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
