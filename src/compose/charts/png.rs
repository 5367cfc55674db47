//! Charts as PNG images, for Slack (the weekly digest's chart): drawn with plotters' bitmap
//! backend into a buffer of RGB pixels, then encoded with `png`. Drawn on demand, and nothing
//! is kept: the pixels (about 1 MB at 800 × 400) are freed before the bytes are returned.

use anyhow::Context;
use plotters::prelude::*;

use super::{Chart, draw};

/// `chart` as a PNG image `width` × `height` pixels, its title in a `Title` text chunk.
pub fn png(chart: &Chart, width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let bytes =
        usize::try_from(u64::from(width) * u64::from(height) * 3).context("an image that large")?;
    let mut pixels = vec![0u8; bytes];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw(chart, &root).map_err(|error| anyhow::anyhow!("drawing the chart: {error}"))?;
    }
    let mut encoded = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut encoded, width, height);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    encoder.set_compression(::png::Compression::High);
    encoder
        .add_text_chunk("Title".to_string(), chart.title.clone())
        .context("titling the image")?;
    let mut writer = encoder.write_header().context("writing the PNG header")?;
    writer
        .write_image_data(&pixels)
        .context("encoding the pixels")?;
    writer.finish().context("finishing the PNG")?;
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, Layout, Series, colour};
    use super::*;

    fn chart() -> Chart {
        Chart {
            kind: Kind::Bars(Layout::Grouped),
            title: "Votes per topic on the agenda".into(),
            summary: String::new(),
            y_label: "votes".into(),
            categories: vec!["#1".into(), "#2".into()],
            series: vec![Series {
                name: "votes".into(),
                values: vec![3.0, 1.0],
            }],
        }
    }

    /// The image's size and RGB pixels, decoded.
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = ::png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        let frame = reader.next_frame(&mut pixels).expect("a frame");
        assert_eq!(frame.color_type, ::png::ColorType::Rgb);
        (frame.width, frame.height, pixels)
    }

    #[test]
    fn a_chart_becomes_a_png_of_the_size_asked_with_its_bars_in_their_colour() {
        let bytes = png(&chart(), 300, 200).expect("drawn");
        let (width, height, pixels) = decode(&bytes);
        assert_eq!((width, height), (300, 200));
        let RGBColor(r, g, b) = colour(0);
        let bar_pixels = pixels.chunks(3).filter(|pixel| *pixel == [r, g, b]).count();
        // Two bars, each some tens of pixels wide and tall.
        assert!(bar_pixels > 2000, "{bar_pixels} pixels of the bars' colour");
    }

    #[test]
    fn the_labels_are_drawn_with_the_compiled_in_font() {
        let mut without_labels = chart();
        without_labels.y_label = String::new();
        let labelled = decode(&png(&chart(), 300, 200).expect("drawn")).2;
        let unlabelled = decode(&png(&without_labels, 300, 200).expect("drawn")).2;
        let dark = |pixels: &[u8]| {
            pixels
                .chunks(3)
                .filter(|p| p.iter().all(|c| *c < 128))
                .count()
        };
        // The y axis's "votes" adds dark text pixels.
        assert!(
            dark(&labelled) > dark(&unlabelled) + 20,
            "{} / {}",
            dark(&labelled),
            dark(&unlabelled)
        );
    }
}
