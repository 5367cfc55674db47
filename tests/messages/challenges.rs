//! The architecture challenges log in Slack: the form and the errors under its fields, the
//! one-line `challenge`, the log, one issue with its "Discuss at Arch Hour" button, statuses.

use archhour::domain::challenges::Recorded;
use archhour::domain::challenges::form::{FormValues, check};
use archhour::domain::challenges::{Anecdote, ChallengeIssue, When, parse_one_line};
use archhour::domain::topics::Topic;
use archhour::slack::blocks::challenges::{
    challenge_form, discuss_already, discuss_proposed, field_block, form_unavailable, issue_detail,
    issue_gone, log, no_such_category, no_such_challenge, one_line_error, recorded, status_set,
    status_too_long,
};
use insta::assert_json_snapshot;
use serde_json::{Map, Value, json};

use super::fixtures::{CHANNEL, day, long_topic, today};
use super::message;
use archhour::domain::ids::{ChannelId, TopicNumber};

/// A category longer than a select menu option shows (75 characters).
const LONG_CATEGORY: &str =
    "Release engineering, packaging and the artifact repository we inherited from the old team";

/// The log, most occurrences first: an issue on the agenda with a status, one with a title
/// that needs escaping, one whose count a notes page left blank, and one in a long category.
pub fn issues() -> Vec<ChallengeIssue> {
    vec![
        ChallengeIssue {
            id: 501,
            number: 4,
            channel_id: CHANNEL.into(),
            category: "Jenkins and Test Infrastructure Issues".into(),
            title: "Networking problems affecting PR builds".into(),
            occurrences: Some(12),
            last_seen: Some(day(2026, 11, 12)),
            status: "ARCHBOM-1202 Note: not actually <completed> & reopened".into(),
            topic_number: Some(TopicNumber(21)),
        },
        ChallengeIssue {
            id: 502,
            number: 9,
            channel_id: CHANNEL.into(),
            category: "Ownership".into(),
            title: "Nobody owns the <shared> schema & its consumers".into(),
            occurrences: Some(1),
            last_seen: None,
            status: String::new(),
            topic_number: None,
        },
        ChallengeIssue {
            id: 503,
            number: 2,
            channel_id: CHANNEL.into(),
            category: "Jenkins and Test Infrastructure Issues".into(),
            title: "Flaky end-to-end tests".into(),
            occurrences: None,
            last_seen: Some(day(2020, 3, 1)),
            status: String::new(),
            topic_number: None,
        },
        ChallengeIssue {
            id: 504,
            number: 11,
            channel_id: CHANNEL.into(),
            category: LONG_CATEGORY.into(),
            title: "Publishing a library takes three approvals, two tickets and a week of waiting for the release train".into(),
            occurrences: Some(0),
            last_seen: None,
            status: String::new(),
            topic_number: None,
        },
    ]
}

fn categories() -> Vec<String> {
    vec![
        "Jenkins and Test Infrastructure Issues".into(),
        "Ownership".into(),
        LONG_CATEGORY.into(),
    ]
}

/// Anecdotes as the page and the form record them: dated with a team, dated by month only,
/// and an undated description.
fn anecdotes() -> Vec<Anecdote> {
    vec![
        Anecdote {
            when: Some(When {
                written: "2026-11-12".into(),
                on: day(2026, 11, 12),
            }),
            team: Some("Payments <core>".into()),
            text: "PR builds timed out for a day & nobody could merge".into(),
        },
        Anecdote {
            when: Some(When {
                written: "March 2020".into(),
                on: day(2020, 3, 1),
            }),
            team: None,
            text: "DNS flapped in the build cluster".into(),
        },
        Anecdote {
            when: None,
            team: None,
            text: "Builds that fetch from the internet fail when the proxy is slow".into(),
        },
    ]
}

/// The form for a channel without a log yet: type a category and an issue.
#[test]
fn the_form_for_an_empty_log() {
    assert_json_snapshot!(
        "challenge_form_empty_log",
        challenge_form(&ChannelId::from(CHANNEL), &[], &[], today())
    );
}

/// The form offers the log's categories and its issues grouped by category.
#[test]
fn the_form_offers_the_logs_categories_and_issues() {
    assert_json_snapshot!(
        "challenge_form",
        challenge_form(&ChannelId::from(CHANNEL), &categories(), &issues(), today())
    );
}

/// What Slack is told when a submitted form has errors: each under its field.
fn field_errors(values: &FormValues) -> Value {
    let errors = check(values, today()).expect_err("the form has errors");
    let errors: Map<String, Value> = errors
        .into_iter()
        .map(|(field, text)| (field_block(field).to_string(), text.into()))
        .collect();
    json!({ "response_action": "errors", "errors": errors })
}

#[test]
fn an_empty_form_says_what_is_missing() {
    let values = FormValues::default();
    assert_json_snapshot!("challenge_form_errors_empty", field_errors(&values));
}

/// Both picked and typed, a team name too long, and a date in the future.
#[test]
fn a_contradictory_form_says_what_to_fix() {
    let values = FormValues {
        picked_category: Some("Ownership".into()),
        typed_category: "Ownership & <stuff>".into(),
        picked_issue: None,
        typed_issue: "Schemas nobody owns".into(),
        what_happened: "Consumers broke".into(),
        team: "t".repeat(61),
        date: Some(day(2026, 11, 20)),
    };
    assert_json_snapshot!("challenge_form_errors_contradictory", field_errors(&values));
}

/// An issue picked under another category than the one picked.
#[test]
fn an_issue_from_another_category_is_refused() {
    let values = FormValues {
        picked_category: Some("Ownership".into()),
        picked_issue: Some((501, "Jenkins and Test Infrastructure Issues".into())),
        what_happened: "PR builds timed out".into(),
        date: Some(today()),
        ..FormValues::default()
    };
    assert_json_snapshot!(
        "challenge_form_errors_wrong_category",
        field_errors(&values)
    );
}

#[test]
fn without_the_form_the_one_line_way_is_shown() {
    assert_json_snapshot!("form_unavailable", message(&form_unavailable()));
}

/// Every way a one-line `challenge` can be wrong.
#[test]
fn a_wrong_one_line_challenge_says_why() {
    let long_category = format!("{} | Issue | it broke", "c".repeat(81));
    let cases = [
        ("one_line_error_shape", "Pipeline | it broke".to_string()),
        (
            "one_line_error_empty_category",
            " | Merge conflicts | it broke".into(),
        ),
        (
            "one_line_error_empty_issue",
            "Pipeline |  | it broke".into(),
        ),
        (
            "one_line_error_empty_what",
            "Pipeline | Merge conflicts |  ".into(),
        ),
        ("one_line_error_too_long", long_category),
        (
            "one_line_error_bad_date",
            "Pipeline | Merge conflicts | it broke | SRE | last <week>".into(),
        ),
        (
            "one_line_error_future_date",
            "Pipeline | Merge conflicts | it broke | SRE | 2026-12-24".into(),
        ),
    ];
    for (name, text) in cases {
        let error = parse_one_line(&text, today()).expect_err("a wrong line");
        assert_json_snapshot!(name, message(&one_line_error(&error)));
    }
}

#[test]
fn a_recorded_anecdote_says_where_it_went() {
    let [on_agenda, new, ..] = <[ChallengeIssue; 4]>::try_from(issues()).expect("four issues");
    let cases = [
        (
            "recorded_new_issue",
            Recorded {
                issue: new,
                new_issue: true,
                added: true,
            },
        ),
        (
            "recorded_existing_issue",
            Recorded {
                issue: on_agenda.clone(),
                new_issue: false,
                added: true,
            },
        ),
        (
            "recorded_already",
            Recorded {
                issue: on_agenda,
                new_issue: false,
                added: false,
            },
        ),
    ];
    for (name, recorded_anecdote) in cases {
        assert_json_snapshot!(name, message(&recorded(&recorded_anecdote)));
    }
}

#[test]
fn a_form_for_an_issue_since_removed() {
    assert_json_snapshot!("issue_gone", message(&issue_gone()));
}

#[test]
fn an_empty_log_says_how_to_record_the_first() {
    assert_json_snapshot!("log_empty", message(&log(&[], None)));
    assert_json_snapshot!(
        "log_empty_category",
        message(&log(&[], Some("Ownership & <people>")))
    );
}

#[test]
fn the_log_lists_issues_by_occurrences() {
    assert_json_snapshot!("log", message(&log(&issues(), None)));
}

#[test]
fn the_log_of_one_category() {
    let jenkins: Vec<ChallengeIssue> = issues()
        .into_iter()
        .filter(|issue| issue.category.starts_with("Jenkins"))
        .collect();
    let reply = log(&jenkins, Some("Jenkins and Test Infrastructure Issues"));
    assert_json_snapshot!("log_category", message(&reply));
}

/// The list stops at 40 issues and says how to narrow it.
#[test]
fn a_long_log_is_cut_with_how_to_narrow_it() {
    let many: Vec<ChallengeIssue> = (1..=42)
        .map(|number| ChallengeIssue {
            id: 600 + i64::from(number),
            number,
            title: format!("Issue {number}"),
            occurrences: Some(43 - number),
            last_seen: None,
            status: String::new(),
            topic_number: None,
            ..issues().remove(1)
        })
        .collect();
    assert_json_snapshot!("log_long", message(&log(&many, None)));
}

#[test]
fn an_unknown_category_lists_the_known_ones() {
    let reply = no_such_category("Pipelines & <CI>", &categories());
    assert_json_snapshot!("no_such_category", message(&reply));
    let reply = no_such_category("Pipelines", &[]);
    assert_json_snapshot!("no_such_category_empty_log", message(&reply));
}

#[test]
fn a_missing_challenge_number_points_to_the_log() {
    assert_json_snapshot!("no_such_challenge", message(&no_such_challenge(77)));
}

/// On the agenda already: no button, but how to record its status.
#[test]
fn an_issue_on_the_agenda_shows_its_anecdotes() {
    let reply = issue_detail(&issues()[0], &anecdotes());
    assert_json_snapshot!("issue_detail_on_agenda", message(&reply));
}

/// Not on the agenda: the "Discuss at Arch Hour" button.
#[test]
fn an_issue_off_the_agenda_offers_to_discuss_it() {
    let reply = issue_detail(&issues()[1], &[]);
    assert_json_snapshot!("issue_detail_discuss_button", message(&reply));
}

#[test]
fn a_status_is_confirmed() {
    let reply = status_set(&issues()[1], "ARCHBOM-1300 <in progress> & owned by Ana");
    assert_json_snapshot!("status_set", message(&reply));
}

#[test]
fn a_status_over_the_limit_is_refused() {
    assert_json_snapshot!("status_too_long", message(&status_too_long(612, 500)));
}

/// "Discuss at Arch Hour" proposed the issue as a topic.
#[test]
fn discussing_an_issue_proposes_a_topic() {
    let topic = Topic {
        challenge_id: Some(502),
        ..super::fixtures::topic(
            24,
            "analysis",
            "Nobody owns the <shared> schema & its consumers",
            super::fixtures::DEE,
        )
    };
    let reply = discuss_proposed(&topic, &issues()[1]);
    assert_json_snapshot!("discuss_proposed", message(&reply));
}

#[test]
fn discussing_an_issue_twice_points_to_its_topic() {
    let reply = discuss_already(long_topic().number, &issues()[0]);
    assert_json_snapshot!("discuss_already", message(&reply));
}
