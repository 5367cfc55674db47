//! The font the charts measure and draw their text with: DejaVu Sans, cut down to Latin
//! (`assets/fonts`, with its licence), compiled into the binary and registered with plotters
//! once as `sans-serif`, so a chart looks the same on every machine and needs no font there.

use std::sync::Once;

use plotters::style::{FontStyle, register_font};

/// The family every chart names.
pub const FAMILY: &str = "sans-serif";

const DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Latin.ttf");

/// Registers the font, the first time only. Plotters lays out every chart's text with it, the
/// SVG's too (the browser then draws the text in its own sans-serif).
pub fn register() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        if register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_err() {
            // Only a damaged build could get here; charts then fail to draw, and say so.
            tracing::error!("the charts' compiled-in font could not be read");
        }
    });
}

#[cfg(test)]
mod tests {
    use plotters::style::{FontDesc, IntoFont};

    use super::*;

    #[test]
    fn the_compiled_in_font_measures_text_wider_the_longer_it_is() {
        register();
        let font: FontDesc<'_> = (FAMILY, 20).into_font();
        let (one, _) = font.box_size("1").expect("the font is registered");
        let (three, _) = font.box_size("111").expect("the font is registered");
        assert!(one > 0, "a digit has a width");
        // Three times as wide, give or take the pixel each measurement rounds away.
        assert!(three.abs_diff(3 * one) <= 2, "{one} / {three}");
    }
}
