use super::*;

fn fill(index: usize) -> String {
    let RGBColor(r, g, b) = colour(index);
    format!("fill=\"#{r:02X}{g:02X}{b:02X}\"")
}

fn planned_and_used() -> Chart {
    Chart {
        kind: Kind::Bars(Layout::Grouped),
        title: "Time planned & used per topic".into(),
        summary: String::new(),
        y_label: "minutes".into(),
        categories: vec!["#1".into(), "#2".into(), "#3".into()],
        series: vec![
            Series {
                name: "planned".into(),
                values: vec![10.0, 15.0, 10.0],
            },
            Series {
                name: "used".into(),
                values: vec![12.0, 0.0, 7.5],
            },
        ],
    }
}

#[test]
fn a_grouped_bar_chart_has_one_bar_per_value_above_zero_and_a_legend_box_per_series() {
    let drawn = svg(&planned_and_used(), 600, 300);
    // Three planned bars and the legend's box; two used bars (the zero is left out) and its box.
    assert_eq!(drawn.matches(&fill(0)).count(), 3 + 1, "{drawn}");
    assert_eq!(drawn.matches(&fill(1)).count(), 2 + 1, "{drawn}");
    for label in ["#1", "#2", "#3", "minutes", "planned", "used"] {
        assert!(
            drawn.contains(&format!(">\n{label}\n</text>")),
            "{label}: {drawn}"
        );
    }
}

#[test]
fn the_title_names_the_chart_for_screen_readers() {
    let drawn = svg(&planned_and_used(), 600, 300);
    assert!(
        drawn.starts_with(r#"<svg role="img" aria-label="Time planned &amp; used per topic" "#),
        "{drawn}"
    );
    assert!(drawn.contains("<title>Time planned &amp; used per topic</title>"));
    assert!(drawn.trim_end().ends_with("</svg>"), "{drawn}");
}

#[test]
fn stacked_bars_sit_on_the_ones_below() {
    let chart = Chart {
        kind: Kind::Bars(Layout::Stacked),
        title: "Intents".into(),
        summary: String::new(),
        y_label: "topics".into(),
        categories: vec!["2026 Q3".into(), "2026 Q4".into()],
        series: vec![
            Series {
                name: "discuss".into(),
                values: vec![2.0, 1.0],
            },
            Series {
                name: "inform".into(),
                values: vec![2.0, 0.0],
            },
        ],
    };
    assert_eq!(
        highest(&chart),
        4.0,
        "the tallest stack, not the tallest bar"
    );
    let drawn = svg(&chart, 400, 300);
    assert_eq!(drawn.matches(&fill(0)).count(), 2 + 1, "{drawn}");
    assert_eq!(drawn.matches(&fill(1)).count(), 1 + 1, "{drawn}");
    // The second series' bar in Q3 starts where the first one's ends: the same y pixel.
    let rects: Vec<&str> = drawn.split("<rect").skip(1).collect();
    let y_of = |rect: &str, attribute: &str| -> i64 {
        let start = rect.find(&format!("{attribute}=\"")).expect("attribute") + attribute.len() + 2;
        let end = start + rect[start..].find('"').expect("closing quote");
        rect[start..end].parse().expect("a number")
    };
    let first = rects
        .iter()
        .find(|r| r.contains(&fill(0)))
        .expect("a first bar");
    let second = rects
        .iter()
        .find(|r| r.contains(&fill(1)))
        .expect("a second bar");
    assert!(
        (y_of(second, "y") + y_of(second, "height") - y_of(first, "y")).abs() <= 1,
        "{first} / {second}"
    );
}

#[test]
fn a_line_chart_draws_one_line_per_series() {
    let chart = Chart {
        kind: Kind::Lines,
        title: "Action items".into(),
        summary: String::new(),
        y_label: "items".into(),
        categories: vec!["2026-10".into(), "2026-11".into(), "2026-12".into()],
        series: vec![
            Series {
                name: "open".into(),
                values: vec![1.0, 2.0, 1.0],
            },
            Series {
                name: "closed".into(),
                values: vec![0.0, 1.0, 3.0],
            },
        ],
    };
    let drawn = svg(&chart, 400, 300);
    for index in [0, 1] {
        let line = fill(index).replace("fill=", "stroke=") + " stroke-width=\"2\"";
        assert_eq!(drawn.matches(&line).count(), 1, "{line}: {drawn}");
    }
    assert!(drawn.contains(">\n2026-11\n</text>"), "{drawn}");
}

#[test]
fn a_chart_without_data_says_so() {
    let mut chart = planned_and_used();
    chart.categories.clear();
    let drawn = svg(&chart, 400, 300);
    assert!(drawn.contains(">\nNothing to show yet\n</text>"), "{drawn}");
    assert!(!drawn.contains(&fill(0)));
}

#[test]
fn counts_are_labelled_at_whole_numbers_without_a_decimal_point() {
    let mut chart = planned_and_used();
    chart.series[1].values = vec![12.0, 0.0, 7.0];
    let drawn = svg(&chart, 600, 300);
    // The axis runs to 15 × 1.3 = 19.5; its ticks, every 2 or 5, include 10, labelled "10".
    assert!(drawn.contains(">\n10\n</text>"), "{drawn}");
    assert!(!drawn.contains(".0\n</text>"), "{drawn}");
    assert!(!drawn.contains(".5\n</text>"), "{drawn}");
}
