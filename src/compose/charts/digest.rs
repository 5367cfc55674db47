//! The weekly digest's chart: the channel's open and closed action items at the end of each
//! month, drawn as the channel page's action items chart is, from the month ends the digest
//! kept ([`crate::domain::digest_chart`]); and the sentence Slack reads out in its place.

use super::{Chart, Kind, Series};
use crate::domain::digest_chart::MonthEnd;

/// The image's size in pixels: wide enough for a year of month labels, and as Slack shows it
/// in a message without scaling it up.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 400;

/// The chart of `ends`.
pub fn items_by_month(ends: &[MonthEnd]) -> Chart {
    #[allow(clippy::cast_precision_loss)]
    let series = |name: &str, count: fn(&MonthEnd) -> i64| Series {
        name: name.into(),
        values: ends.iter().map(|end| count(end) as f64).collect(),
    };
    Chart {
        kind: Kind::Lines,
        title: "Open and closed action items over time".into(),
        summary: alt_text(ends),
        y_label: "action items".into(),
        categories: ends.iter().map(|end| month(end.month)).collect(),
        series: vec![
            series("open", |end| end.open),
            series("closed", |end| end.closed),
        ],
    }
}

/// What the chart shows, in a sentence: its months, and where the lines end.
pub fn alt_text(ends: &[MonthEnd]) -> String {
    match (ends.first(), ends.last()) {
        (Some(first), Some(last)) => format!(
            "Line chart of this channel's action items at the end of each month from {} to {}: \
             at the end of {}, {} open and {} closed.",
            month(first.month),
            month(last.month),
            month(last.month),
            last.open,
            last.closed
        ),
        _ => "No action items yet.".to_string(),
    }
}

fn month(first_day: chrono::NaiveDate) -> String {
    first_day.format("%Y-%m").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn end(m: u32, open: i64, closed: i64) -> MonthEnd {
        MonthEnd {
            month: NaiveDate::from_ymd_opt(2026, m, 1).unwrap(),
            open,
            closed,
        }
    }

    #[test]
    fn the_chart_draws_each_month_s_totals_and_says_where_they_end() {
        let chart = items_by_month(&[end(9, 0, 0), end(10, 3, 0), end(11, 2, 4)]);
        assert_eq!(chart.kind, Kind::Lines);
        assert_eq!(chart.categories, ["2026-09", "2026-10", "2026-11"]);
        assert_eq!(chart.series[0].name, "open");
        assert_eq!(chart.series[0].values, [0.0, 3.0, 2.0]);
        assert_eq!(chart.series[1].name, "closed");
        assert_eq!(chart.series[1].values, [0.0, 0.0, 4.0]);
        assert_eq!(
            chart.summary,
            "Line chart of this channel's action items at the end of each month from 2026-09 \
             to 2026-11: at the end of 2026-11, 2 open and 4 closed."
        );
    }
}
