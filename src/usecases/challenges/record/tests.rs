//! Recording anecdotes, decided without a database: reading the line and the form, every
//! refusal, what recording writes on an issue in the log or a new one, and what it says.

use chrono::TimeZone;

use super::*;
use crate::domain::challenges::entry::{Field, FieldError, OneLineError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// C7, seen three times, last on 2 November.
fn issue() -> ChallengeIssue {
    ChallengeIssue {
        id: 40,
        number: 7,
        channel_id: "C1".into(),
        category: "Builds".into(),
        title: "Flaky <CI>".into(),
        occurrences: Some(3),
        last_seen: Some(day(2)),
        status: String::new(),
        topic_number: None,
    }
}

fn new_issue() -> Target {
    Target::New {
        id: 41,
        number: 8,
        category: "Builds".into(),
        title: "Slow CI".into(),
    }
}

fn anecdote() -> NewAnecdote {
    NewAnecdote {
        text: "Red all day".into(),
        team: Some("SRE".into()),
        on: day(20),
    }
}

fn added(issue_id: i64, source: Option<&str>) -> AnecdoteChange {
    AnecdoteChange::AddAnecdote {
        issue_id,
        channel_id: "C1".into(),
        user_id: "U9".into(),
        anecdote: anecdote(),
        source: source.map(str::to_string),
        at: now(),
    }
}

fn started() -> AnecdoteChange {
    AnecdoteChange::StartIssue {
        id: 41,
        number: 8,
        team_id: "T1".into(),
        channel_id: "C1".into(),
        category: "Builds".into(),
        title: "Slow CI".into(),
        created_by: "U9".into(),
        at: now(),
    }
}

#[test]
fn a_line_that_cannot_be_read_is_refused_and_says_why() {
    let today = day(30);
    assert_eq!(
        read_line("Pipeline | Merge conflicts", today),
        Err(Refusal::ChallengeLine(OneLineError::Shape))
    );
    let refused = read_line("Pipeline | | it broke", today).unwrap_err();
    assert_eq!(
        refused,
        Refusal::ChallengeLine(OneLineError::Field(FieldError::Empty(Field::Issue)))
    );
    assert!(
        refused
            .reply()
            .text
            .starts_with("Nothing was recorded: the issue is empty.\n"),
        "{}",
        refused.reply().text
    );
    assert_eq!(
        read_line("Pipeline | Merge | it broke | SRE | 2026-12-01", today),
        Err(Refusal::ChallengeLine(OneLineError::Field(
            FieldError::FutureDate(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        )))
    );
    let read = read_line(" pipeline |  Merge   conflicts | it broke ", today).unwrap();
    assert_eq!(
        (
            read.category.as_str(),
            read.issue.as_str(),
            read.anecdote.on
        ),
        ("pipeline", "Merge conflicts", today)
    );
}

#[test]
fn an_anecdote_on_an_issue_in_the_log_is_one_more_occurrence() {
    let decision = decide(
        &Asker::u9_in_c1(),
        Target::Existing(issue()),
        anecdote(),
        None,
        now(),
    );
    assert_eq!(decision.changes, vec![added(40, None)]);
    assert_eq!(
        decision.reply.text,
        "Recorded on *C7* Builds › Flaky &lt;CI&gt; · now 4 occurrences.\n\
         `/archtopic challenge 7` shows it; `/archtopic challenges` lists the log."
    );
    assert!(decision.calls.is_empty() && decision.steps.is_empty());

    let uncounted = ChallengeIssue {
        occurrences: None,
        ..issue()
    };
    let decision = decide(
        &Asker::u9_in_c1(),
        Target::Existing(uncounted),
        anecdote(),
        None,
        now(),
    );
    assert!(
        decision.reply.text.contains(" · now 1 occurrence.\n"),
        "{}",
        decision.reply.text
    );
}

#[test]
fn an_anecdote_on_a_new_issue_starts_it_under_what_was_taken() {
    let decision = decide(&Asker::u9_in_c1(), new_issue(), anecdote(), None, now());
    assert_eq!(decision.changes, vec![started(), added(41, None)]);
    assert_eq!(
        decision.reply.text,
        "Recorded a new issue in the challenges log: *C8* Builds › Slow CI · now 1 occurrence.\n\
         `/archtopic challenge 8` shows it; `/archtopic challenges` lists the log."
    );
}

/// A form's submission V100 by U9 in C1, typing nothing (each test sets what it needs).
fn submission(picked_issue: Option<i64>) -> ChallengeSubmission {
    ChallengeSubmission {
        team_id: "T1".into(),
        user_id: "U9".into(),
        channel_id: "C1".into(),
        view_id: "V100".into(),
        picked_category: None,
        typed_category: String::new(),
        picked_issue,
        typed_issue: String::new(),
        what_happened: "Red\n all  day".into(),
        team: " SRE ".into(),
        date: Some(day(20)),
    }
}

/// The confirmation's key, channel, user and text.
fn told(decision: &Decision<AnecdoteChange>) -> (&str, String, String, String) {
    assert_eq!(decision.calls.len(), 1, "{:?}", decision.calls);
    decision.calls[0].ephemeral_parts()
}

#[test]
fn a_form_is_recorded_once_and_its_submitter_told_in_the_channel() {
    let from = |already| Submitted {
        source: "view:V100".into(),
        already,
    };
    let first = decide_form(
        &submission(Some(40)),
        Target::Existing(issue()),
        anecdote(),
        from(false),
        now(),
    );
    assert_eq!(first.changes, vec![added(40, Some("view:V100"))]);
    assert!(
        first.reply.text.is_empty(),
        "the form closes: {:?}",
        first.reply
    );
    let (key, channel, user, text) = told(&first);
    assert_eq!(
        (key, channel.as_str(), user.as_str()),
        ("challenge-recorded:V100", "C1", "U9")
    );
    assert!(
        text.starts_with("Recorded on *C7* Builds › Flaky &lt;CI&gt; · now 4 occurrences."),
        "{text}"
    );

    let again = decide_form(
        &submission(Some(40)),
        Target::Existing(issue()),
        anecdote(),
        from(true),
        now(),
    );
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    let (key, _, _, text) = told(&again);
    assert_eq!(key, "challenge-recorded:V100");
    assert!(
        text.starts_with(
            "That was already recorded on *C7* Builds › Flaky &lt;CI&gt; · now 3 occurrences."
        ),
        "{text}"
    );

    // As recording did in one go: a new issue is started even when its anecdote was recorded.
    let started_only = decide_form(
        &submission(None),
        new_issue(),
        anecdote(),
        from(true),
        now(),
    );
    assert_eq!(started_only.changes, vec![started()]);
    assert!(
        told(&started_only).3.starts_with(
            "That was already recorded on *C8* Builds › Slow CI · now occurrences not counted."
        ),
        "{}",
        told(&started_only).3
    );
}

fn gone() -> Vec<(FormField, String)> {
    vec![(
        FormField::Issue,
        "That issue is no longer in this channel's log.".to_string(),
    )]
}

#[test]
fn a_form_picking_an_issue_gone_from_the_log_is_told_so_before_anything_else() {
    let mut nothing_said = submission(Some(40));
    nothing_said.what_happened = "  ".into();
    assert_eq!(check_form(&nothing_said, None, day(30)), Err(gone()));
    assert_eq!(
        check_form(&submission(Some(40)), Some(issue()), day(30)),
        Ok((
            Choice::Picked(issue()),
            NewAnecdote {
                text: "Red all day".into(),
                team: Some("SRE".into()),
                on: day(20)
            }
        ))
    );
}

#[test]
fn a_form_naming_a_new_issue_is_checked_field_by_field() {
    let mut typed = submission(None);
    typed.typed_issue = "Flaky builds".into();
    typed.what_happened = "   ".into();
    typed.date = Some(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    assert_eq!(
        check_form(&typed, None, day(30)),
        Err(vec![
            (
                FormField::NewCategory,
                "A new issue needs a category: pick one or type a new one.".to_string()
            ),
            (FormField::WhatHappened, "Say what happened.".to_string()),
            (FormField::Date, "2026-12-01 is in the future.".to_string()),
        ])
    );
    typed.typed_category = "Build tools".into();
    typed.what_happened = "Master was red".into();
    typed.date = None;
    let (choice, anecdote) = check_form(&typed, None, day(30)).unwrap();
    assert_eq!(
        choice,
        Choice::Named {
            category: "Build tools".into(),
            title: "Flaky builds".into()
        }
    );
    assert_eq!(anecdote.on, day(30), "no date means today");
}
