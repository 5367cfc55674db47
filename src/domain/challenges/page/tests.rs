//! The challenges page format: the real wiki page, Markdown rows, and the export round trip.

use chrono::NaiveDate;

use super::*;
use crate::domain::challenges::anecdote::When;

const CHALLENGES: &str = include_str!("../../../../tests/fixtures/notes/arch-challenges-2020.txt");

/// Counted by reading the page: six categories; twelve issues (two under Jenkins, six under
/// Authentication Clean-up, one each under the other four); their counts 2, 1, 2, 2, 2, 1,
/// blank, blank, 2, 3, 1, 1 (17 in all); one anecdote each except "LMS missing
/// JwtAuthentication", whose cell tells two (Feb 16, 2021 and May 5, 2020): 13, of which the
/// pact, cookie-refresh and masquerading ones are undated; five rows with a ticket as status.
#[test]
fn the_wiki_page_reads_as_counted_by_hand() {
    assert!(is_challenges_page(CHALLENGES));
    let page = parse_page(CHALLENGES);
    assert_eq!(page.unplaced, Vec::<String>::new());
    assert_eq!(page.lines_before_table, 11);
    let mut categories: Vec<&str> = page.issues.iter().map(|i| i.category.as_str()).collect();
    categories.dedup();
    assert_eq!(
        categories,
        [
            "Jenkins and Test Infrastructure Issues",
            "Authentication Clean-up",
            "Credentials for integrations",
            "Authorization",
            "Pipeline",
            "Masquerading",
        ]
    );
    assert_eq!(page.issues.len(), 12);
    let counts: Vec<Option<i32>> = page.issues.iter().map(|i| i.occurrences).collect();
    assert_eq!(
        counts,
        [
            Some(2),
            Some(1),
            Some(2),
            Some(2),
            Some(2),
            Some(1),
            None,
            None,
            Some(2),
            Some(3),
            Some(1),
            Some(1)
        ]
    );
    let anecdotes: Vec<usize> = page.issues.iter().map(|i| i.anecdotes.len()).collect();
    assert_eq!(anecdotes, [1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
    let undated: Vec<&str> = page
        .issues
        .iter()
        .filter(|i| i.anecdotes.iter().any(|a| a.when.is_none()))
        .map(|i| i.title.as_str())
        .collect();
    assert_eq!(
        undated,
        [
            "Authentication in pact Provider verification",
            "JWT Cookie Refresh sometimes not working",
            "Can be error-prone and can cause security issues",
        ]
    );
    assert_eq!(
        page.issues.iter().filter(|i| !i.status.is_empty()).count(),
        5
    );
}

#[test]
fn merged_category_cells_carry_the_category_down() {
    let page = parse_page(CHALLENGES);
    let flaky = &page.issues[1];
    assert_eq!(flaky.category, "Jenkins and Test Infrastructure Issues");
    assert_eq!(flaky.title, "edx-platform master flaky failures");
    assert_eq!(
        flaky.anecdotes[0].when,
        Some(When {
            written: "March 3, 2020".into(),
            on: NaiveDate::from_ymd_opt(2020, 3, 3).unwrap()
        })
    );
    let refresh = &page.issues[7];
    assert_eq!(refresh.category, "Authentication Clean-up");
    assert_eq!(refresh.occurrences, None);
    assert_eq!(
        refresh.status,
        "https://openedx.atlassian.net/browse/ARCHBOM-1150 Note: This ticket just checked a particular hypothesis which didn't pan out."
    );
    let lms = &page.issues[3];
    assert_eq!(lms.title, "LMS missing JwtAuthentication as default.");
    assert_eq!(
        lms.status,
        "https://openedx.atlassian.net/browse/ARCHBOM-107"
    );
    let authorization = &page.issues[9];
    assert_eq!(authorization.category, "Authorization");
    assert_eq!(authorization.occurrences, Some(3));
    assert!(
        authorization.anecdotes[0]
            .text
            .starts_with("SRE-84 - Several services")
    );
}

#[test]
fn the_export_reads_back_as_the_same_issues() {
    let page = parse_page(CHALLENGES);
    let exported = render_log("Architecture challenges log", &page.issues);
    let again = parse_page(&exported);
    assert_eq!(again.unplaced, Vec::<String>::new());
    assert_eq!(again.lines_before_table, 1);
    assert_eq!(again.issues, page.issues);
    assert_eq!(
        render_log("Architecture challenges log", &again.issues),
        exported
    );
}

#[test]
fn markdown_rows_are_read_by_column_whatever_their_cells_hold() {
    let table = "\
| Category | Issue | Team anecdotes (with dates, with team) | Number of occurrences | Status |
|---|---|---|---|---|
| Pipeline | Nothing recorded yet |  |  |  |
|  | Merge conflicts \\| rebases | 2020-09-18 (Arch BOM): It broke | 4 | not completed |
| Pipeline | 7 |  |  | ARCHBOM-9 |
| Pipeline | Bad count | x | many |  |
";
    let page = parse_page(table);
    assert_eq!(page.unplaced, ["| Pipeline | Bad count | x | many |  |"]);
    let issues: Vec<(&str, &str, Option<i32>, &str)> = page
        .issues
        .iter()
        .map(|i| {
            (
                i.category.as_str(),
                i.title.as_str(),
                i.occurrences,
                i.status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            ("Pipeline", "Nothing recorded yet", None, ""),
            (
                "Pipeline",
                "Merge conflicts | rebases",
                Some(4),
                "not completed"
            ),
            ("Pipeline", "7", None, "ARCHBOM-9"),
        ]
    );
    assert_eq!(
        page.issues[1].anecdotes[0].team.as_deref(),
        Some("Arch BOM")
    );
}

#[test]
fn meeting_notes_are_not_a_challenges_page() {
    let notes = include_str!("../../../../tests/fixtures/notes/arch-hour-2020-12-17.txt");
    assert!(!is_challenges_page(notes));
}
