//! The archive's charts, drawn with plotters as pure functions of data: bar charts (grouped or
//! stacked) and line charts. [`draw`] takes any plotters backend, so the same builder makes the
//! web's SVG ([`svg`]) and the PNG Slack shows in the weekly digest ([`png()`]). Text is laid
//! out with a font compiled into the binary ([`font`]); the SVG leaves drawing it to the
//! browser (`<text>` elements), the PNG draws it with that font.

mod archive;
pub mod digest;
mod font;
mod png;

pub use archive::{action_items, intent_mix, time_per_topic, votes_in_meeting, votes_per_topic};
pub use png::png;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Dark, distinct colours that keep a 4.5:1 contrast against white.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0x0B, 0x4F, 0x8A),
    RGBColor(0xB3, 0x4A, 0x00),
    RGBColor(0x2E, 0x6B, 0x2E),
    RGBColor(0x7A, 0x2E, 0x8A),
    RGBColor(0x9E, 0x1B, 0x32),
    RGBColor(0x44, 0x44, 0x44),
];

/// The colour of the `index`th series.
pub fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// One named row of values, one per category (bars) or point (lines).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// How a bar chart with more than one series places them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Side by side within each category.
    Grouped,
    /// On top of each other.
    Stacked,
}

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bars(Layout),
    Lines,
}

/// A chart: its title (the SVG's `<title>`), a sentence saying what it shows (beside it, for
/// those who cannot see it), the y axis's label, the categories along x, and the series drawn
/// over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub y_label: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// Labels shown along x at most; with more categories plotters picks evenly spaced ones.
const X_LABELS: usize = 16;

/// Draws `chart` on `root`.
pub fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    font::register();
    root.fill(&WHITE)?;
    let count = chart.categories.len();
    if count == 0 || chart.series.is_empty() {
        let (width, height) = root.dim_in_pixel();
        let middle = (
            i32::try_from(width / 2).unwrap_or(0),
            i32::try_from(height / 2).unwrap_or(0),
        );
        let style = ("sans-serif", 16)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text("Nothing to show yet", &style, middle)?;
        return root.present();
    }
    // Room above the data for the legend's box, which sits in the upper right corner.
    let headroom = if chart.series.len() > 1 { 1.3 } else { 1.1 };
    let top = highest(chart).max(1.0) * headroom;
    let last = i32::try_from(count).unwrap_or(i32::MAX);
    let mut context = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d((0..last).into_segmented(), 0f64..top)?;
    let label = |value: &SegmentValue<i32>| match value {
        SegmentValue::CenterOf(at) => usize::try_from(*at)
            .ok()
            .and_then(|at| chart.categories.get(at))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    context
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(count.min(X_LABELS))
        .x_label_formatter(&label)
        .y_label_formatter(&|value: &f64| y_label(chart, *value))
        .y_desc(chart.y_label.as_str())
        .axis_desc_style(("sans-serif", 14))
        .label_style(("sans-serif", 12))
        .draw()?;
    let segment = f64::from(context.plotting_area().dim_in_pixel().0) / count as f64;
    for (index, series) in chart.series.iter().enumerate() {
        let colour = colour(index);
        let annotation = match chart.kind {
            Kind::Bars(layout) => {
                context.draw_series(bars(chart, index, layout, segment, colour))?
            }
            Kind::Lines => context.draw_series(LineSeries::new(
                series
                    .values
                    .iter()
                    .enumerate()
                    .map(|(at, value)| (SegmentValue::CenterOf(at_i32(at)), *value)),
                colour.stroke_width(2),
            ))?,
        };
        annotation
            .label(series.name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
    }
    if chart.series.len() > 1 {
        context
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", 12))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()
}

/// The bars of series `index`: one per category with a value above zero.
fn bars(
    chart: &Chart,
    index: usize,
    layout: Layout,
    segment: f64,
    colour: RGBColor,
) -> Vec<Rectangle<(SegmentValue<i32>, f64)>> {
    let series_count = chart.series.len();
    let values = &chart.series[index].values;
    let mut shown = Vec::new();
    for (at, value) in values.iter().enumerate() {
        if *value <= 0.0 {
            continue;
        }
        let below: f64 = match layout {
            Layout::Stacked => chart.series[..index]
                .iter()
                .filter_map(|series| series.values.get(at))
                .sum(),
            Layout::Grouped => 0.0,
        };
        let (left, right) = match layout {
            Layout::Stacked => (segment * 0.15, segment * 0.15),
            Layout::Grouped => {
                let width = segment * 0.8 / series_count as f64;
                let left = segment * 0.1 + width * index as f64;
                (left, segment - left - width)
            }
        };
        let x = at_i32(at);
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(x), below + value),
                (SegmentValue::Exact(x + 1), below),
            ],
            colour.filled(),
        );
        bar.set_margin(0, 0, pixels(left), pixels(right));
        shown.push(bar);
    }
    shown
}

/// A y axis label: counts (every value whole) are labelled at whole numbers only and without
/// a decimal point; other values with one decimal.
fn y_label(chart: &Chart, value: f64) -> String {
    let counts = chart
        .series
        .iter()
        .flat_map(|series| &series.values)
        .all(|value| value.fract() == 0.0);
    match (value.fract() == 0.0, counts) {
        (true, _) => format!("{value:.0}"),
        (false, true) => String::new(),
        (false, false) => format!("{value:.1}"),
    }
}

/// The top of the y axis's data: the tallest stack, bar or point.
fn highest(chart: &Chart) -> f64 {
    let per_category = |at: usize| chart.series.iter().filter_map(move |s| s.values.get(at));
    (0..chart.categories.len())
        .map(|at| match chart.kind {
            Kind::Bars(Layout::Stacked) => per_category(at).sum(),
            _ => per_category(at).copied().fold(0.0, f64::max),
        })
        .fold(0.0, f64::max)
}

fn at_i32(at: usize) -> i32 {
    i32::try_from(at).unwrap_or(i32::MAX)
}

fn pixels(length: f64) -> u32 {
    // Rounded to whole pixels: a margin is never negative nor wider than a segment.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let pixels = length.max(0.0).round() as u32;
    pixels
}

/// `chart` as an SVG document `width` × `height` pixels, with its title as `<title>` and
/// `role="img"`, so a screen reader names it.
pub fn svg(chart: &Chart, width: u32, height: u32) -> String {
    let mut drawn = String::new();
    {
        let root = SVGBackend::with_string(&mut drawn, (width, height)).into_drawing_area();
        // Drawing into a string cannot fail for want of a file; a plotting error leaves the
        // chart as far as it got, which is still a valid document once the backend closes it.
        if let Err(error) = draw(chart, &root) {
            tracing::warn!(%error, title = chart.title, "a chart could not be drawn whole");
        }
    }
    let title = escape(&chart.title);
    match drawn.find("<svg ") {
        Some(at) => {
            let close = drawn[at..]
                .find('>')
                .map_or(drawn.len(), |end| at + end + 1);
            let open = drawn[at..close].replacen(
                "<svg ",
                &format!("<svg role=\"img\" aria-label=\"{title}\" "),
                1,
            );
            format!("{open}<title>{title}</title>{}", &drawn[close..])
        }
        None => drawn,
    }
}

/// Text for an SVG attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
