//! The archive's four charts, made from what the pages already gathered: time planned and used
//! per topic of a meeting, votes per agenda topic, the intent mix per quarter, and open and
//! closed action items over time. Each comes with a one-sentence summary for those who cannot
//! see it.

use chrono::{Datelike, NaiveDate};

use super::{Chart, Kind, Layout, Series};
use crate::domain::ids::TopicNumber;
use crate::domain::topics::Intent;
use crate::domain::votes::RankedTopic;

/// Agenda topics in the votes chart.
pub const TOP_TOPICS: usize = 15;

/// A meeting's topics, each with its number, seconds planned and seconds used (`None` while it
/// is being discussed).
pub fn time_per_topic(topics: &[(TopicNumber, i32, Option<i64>)]) -> Chart {
    let minutes = |seconds: f64| seconds / 60.0;
    let planned: f64 = topics
        .iter()
        .map(|(_, planned, _)| f64::from(*planned))
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let used: f64 = topics.iter().filter_map(|(_, _, used)| *used).sum::<i64>() as f64;
    Chart {
        kind: Kind::Bars(Layout::Grouped),
        title: "Time planned and used per topic".into(),
        summary: format!(
            "{} topic(s): {} minutes planned, {} minutes used.",
            topics.len(),
            whole(minutes(planned)),
            whole(minutes(used))
        ),
        y_label: "minutes".into(),
        categories: topics
            .iter()
            .map(|(number, ..)| format!("#{number}"))
            .collect(),
        series: vec![
            Series {
                name: "planned".into(),
                values: topics
                    .iter()
                    .map(|(_, planned, _)| minutes(f64::from(*planned)))
                    .collect(),
            },
            Series {
                name: "used".into(),
                #[allow(clippy::cast_precision_loss)]
                values: topics
                    .iter()
                    .map(|(_, _, used)| minutes(used.unwrap_or(0) as f64))
                    .collect(),
            },
        ],
    }
}

/// The votes each topic of a meeting had, in the order they were taken up: a meeting imported
/// from notes has its votes (the `+1`s) but no times.
pub fn votes_in_meeting(topics: &[(TopicNumber, u32)]) -> Chart {
    let total: u32 = topics.iter().map(|(_, votes)| votes).sum();
    // The first of those with the most: `max_by_key` keeps the last, so search from the end.
    let summary = match topics.iter().rev().max_by_key(|(_, votes)| *votes) {
        Some((number, most)) if *most > 0 => format!(
            "{} topic(s), {total} vote(s) in all; #{number} had the most, {most}.",
            topics.len()
        ),
        _ => format!("{} topic(s), none with votes.", topics.len()),
    };
    Chart {
        kind: Kind::Bars(Layout::Grouped),
        title: "Votes per topic".into(),
        summary,
        y_label: "votes".into(),
        categories: topics
            .iter()
            .map(|(number, _)| format!("#{number}"))
            .collect(),
        series: vec![Series {
            name: "votes".into(),
            values: topics.iter().map(|(_, votes)| f64::from(*votes)).collect(),
        }],
    }
}

/// The top of the agenda, as ranked, with their votes.
pub fn votes_per_topic(agenda: &[RankedTopic]) -> Chart {
    let top = &agenda[..agenda.len().min(TOP_TOPICS)];
    let summary = match top.first() {
        None => "The agenda is empty.".to_string(),
        Some(first) => format!(
            "The top {} topic(s) of the agenda; #{} leads with {} vote(s).",
            top.len(),
            first.topic.number,
            first.votes
        ),
    };
    #[allow(clippy::cast_precision_loss)]
    let values = top.iter().map(|ranked| ranked.votes as f64).collect();
    Chart {
        kind: Kind::Bars(Layout::Grouped),
        title: "Votes per topic on the agenda".into(),
        summary,
        y_label: "votes".into(),
        categories: top
            .iter()
            .map(|ranked| format!("#{}", ranked.topic.number))
            .collect(),
        series: vec![Series {
            name: "votes".into(),
            values,
        }],
    }
}

/// Topics per intent in each quarter, from `(first day of the quarter, intent, topics)` rows in
/// quarter order. Intents no topic had are left out of the legend.
pub fn intent_mix(rows: &[(NaiveDate, String, i64)]) -> Chart {
    let mut quarters: Vec<NaiveDate> = rows.iter().map(|(quarter, ..)| *quarter).collect();
    quarters.dedup();
    let series: Vec<Series> = Intent::ALL
        .into_iter()
        .filter(|intent| rows.iter().any(|(_, name, _)| name == intent.as_str()))
        .map(|intent| Series {
            name: intent.as_str().to_string(),
            #[allow(clippy::cast_precision_loss)]
            values: quarters
                .iter()
                .map(|quarter| {
                    rows.iter()
                        .find(|(at, name, _)| at == quarter && name == intent.as_str())
                        .map_or(0.0, |(.., topics)| *topics as f64)
                })
                .collect(),
        })
        .collect();
    let summary = match (quarters.first(), quarters.last()) {
        (Some(first), Some(last)) => format!(
            "Topics by intent in each quarter from {} to {}.",
            quarter(*first),
            quarter(*last)
        ),
        _ => "No topic has an intent yet.".to_string(),
    };
    Chart {
        kind: Kind::Bars(Layout::Stacked),
        title: "Intent mix per quarter".into(),
        summary,
        y_label: "topics".into(),
        categories: quarters.into_iter().map(quarter).collect(),
        series,
    }
}

/// Open and closed action items at the end of each month, from `(month, opened, closed)` rows
/// in month order.
pub fn action_items(rows: &[(NaiveDate, i64, i64)]) -> Chart {
    let (mut opened, mut closed) = (0, 0);
    let mut open_values = Vec::new();
    let mut closed_values = Vec::new();
    for (_, opened_then, closed_then) in rows {
        opened += opened_then;
        closed += closed_then;
        #[allow(clippy::cast_precision_loss)]
        {
            open_values.push((opened - closed) as f64);
            closed_values.push(closed as f64);
        }
    }
    let summary = match rows.last() {
        Some((month, ..)) => format!(
            "At the end of {}: {} open and {} closed action item(s).",
            month.format("%Y-%m"),
            opened - closed,
            closed
        ),
        None => "No action items yet.".to_string(),
    };
    Chart {
        kind: Kind::Lines,
        title: "Open and closed action items over time".into(),
        summary,
        y_label: "action items".into(),
        categories: rows
            .iter()
            .map(|(month, ..)| month.format("%Y-%m").to_string())
            .collect(),
        series: vec![
            Series {
                name: "open".into(),
                values: open_values,
            },
            Series {
                name: "closed".into(),
                values: closed_values,
            },
        ],
    }
}

/// `2026 Q4`.
fn quarter(first_day: NaiveDate) -> String {
    format!("{} Q{}", first_day.year(), first_day.month0() / 3 + 1)
}

/// A number of minutes without a needless `.0`.
fn whole(minutes: f64) -> String {
    let text = format!("{minutes:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn time_per_topic_is_in_minutes_with_its_totals() {
        let chart = time_per_topic(&[
            (TopicNumber(4), 600, Some(720)),
            (TopicNumber(9), 900, None),
        ]);
        assert_eq!(chart.categories, ["#4", "#9"]);
        assert_eq!(chart.series[0].values, [10.0, 15.0]);
        assert_eq!(chart.series[1].values, [12.0, 0.0]);
        assert_eq!(
            chart.summary,
            "2 topic(s): 25 minutes planned, 12 minutes used."
        );
    }

    #[test]
    fn votes_in_a_meeting_name_the_topic_with_the_most() {
        let chart = votes_in_meeting(&[
            (TopicNumber(3), 2),
            (TopicNumber(7), 5),
            (TopicNumber(8), 0),
            (TopicNumber(9), 5),
        ]);
        assert_eq!(chart.categories, ["#3", "#7", "#8", "#9"]);
        assert_eq!(chart.series[0].values, [2.0, 5.0, 0.0, 5.0]);
        assert_eq!(
            chart.summary,
            "4 topic(s), 12 vote(s) in all; #7 had the most, 5."
        );
        let unvoted = votes_in_meeting(&[(TopicNumber(1), 0)]);
        assert_eq!(unvoted.summary, "1 topic(s), none with votes.");
    }

    #[test]
    fn the_intent_mix_fills_missing_intents_with_zero() {
        let chart = intent_mix(&[
            (day(2026, 7, 1), "discuss".into(), 2),
            (day(2026, 7, 1), "inform".into(), 1),
            (day(2026, 10, 1), "discuss".into(), 3),
        ]);
        assert_eq!(chart.categories, ["2026 Q3", "2026 Q4"]);
        let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["inform", "discuss"]);
        assert_eq!(chart.series[0].values, [1.0, 0.0]);
        assert_eq!(chart.series[1].values, [2.0, 3.0]);
        assert_eq!(
            chart.summary,
            "Topics by intent in each quarter from 2026 Q3 to 2026 Q4."
        );
    }

    #[test]
    fn action_items_are_running_totals() {
        let chart = action_items(&[(day(2026, 10, 1), 3, 0), (day(2026, 11, 1), 1, 2)]);
        assert_eq!(chart.series[0].values, [3.0, 2.0], "open");
        assert_eq!(chart.series[1].values, [0.0, 2.0], "closed");
        assert_eq!(
            chart.summary,
            "At the end of 2026-11: 2 open and 2 closed action item(s)."
        );
    }
}
