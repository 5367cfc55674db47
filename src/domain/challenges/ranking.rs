//! The order of the log: the issues hit most often first.

use std::cmp::Reverse;

use super::ChallengeIssue;

/// Most occurrences first (a blank count is none); then the one seen most recently (undated
/// last); then the older entry.
pub fn by_occurrences(mut issues: Vec<ChallengeIssue>) -> Vec<ChallengeIssue> {
    issues.sort_by_key(|issue| {
        (
            Reverse(issue.occurrence_count()),
            Reverse(issue.last_seen),
            issue.number,
        )
    });
    issues
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn issue(number: i32, occurrences: Option<i32>, last_seen: Option<&str>) -> ChallengeIssue {
        ChallengeIssue {
            id: i64::from(number),
            number,
            channel_id: "C1".into(),
            category: "Pipeline".into(),
            title: format!("issue {number}"),
            occurrences,
            last_seen: last_seen.map(|d| d.parse::<NaiveDate>().expect("date")),
            status: String::new(),
            topic_number: None,
        }
    }

    #[test]
    fn most_often_then_most_recent_then_oldest_entry() {
        let issues = vec![
            issue(1, Some(2), Some("2020-04-06")),
            issue(2, None, None),
            issue(3, Some(3), Some("2019-01-01")),
            issue(4, Some(2), Some("2021-02-16")),
            issue(5, Some(2), None),
            issue(6, Some(2), Some("2021-02-16")),
            issue(7, Some(0), Some("2022-01-01")),
        ];
        let order: Vec<i32> = by_occurrences(issues).iter().map(|i| i.number).collect();
        // 3 has the most; of the 2s, 4 and 6 were seen last (4 is older), then 1, then the
        // undated 5; 7's zero outranks 2's blank only by being seen.
        assert_eq!(order, [3, 4, 6, 1, 5, 7, 2]);
    }
}
