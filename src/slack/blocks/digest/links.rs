//! What the digest points to outside Slack, when the web is on: its chart, an image block
//! Slack fetches from archhour (`ARCHHOUR_PUBLIC_URL`), and a line linking to the channel's
//! page in the web archive. Without them the digest is as it always was.

use slack_morphism::prelude::*;
use url::Url;

use crate::domain::mrkdwn::escape;

/// Slack's limits on an image block (Block Kit reference, "Image block"): `image_url` at most
/// 3,000 characters, `alt_text` and the title's text at most 2,000.
pub const MAX_IMAGE_URL: usize = 3000;
pub const MAX_ALT_TEXT: usize = 2000;

/// The digest's chart as the message shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartImage {
    /// Where Slack fetches the PNG.
    pub url: Url,
    /// Its title, shown above it.
    pub title: String,
    /// What it shows, in a sentence, for those who cannot see it (plain text, no markup).
    pub alt_text: String,
}

/// The digest's links, each there only when the web that serves it is on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestLinks {
    pub chart: Option<ChartImage>,
    /// The channel's page in the web archive.
    pub archive: Option<Url>,
}

impl DigestLinks {
    /// The blocks these links add to the message.
    pub(super) fn block_count(&self) -> usize {
        usize::from(self.chart.as_ref().and_then(image_block).is_some())
            + 2 * usize::from(self.archive.is_some())
    }
}

/// The chart's image block; `None` (the digest goes without it) when its address is longer
/// than Slack takes, which only a public URL thousands of characters long could make.
pub(super) fn image_block(chart: &ChartImage) -> Option<SlackBlock> {
    if chart.url.as_str().chars().count() > MAX_IMAGE_URL {
        return None;
    }
    Some(
        SlackImageBlock::new(
            SlackImageUrlOrFile::ImageUrl {
                image_url: chart.url.clone(),
            },
            cut(&chart.alt_text),
        )
        .with_title(SlackBlockPlainTextOnly::from(cut(&chart.title)))
        .into(),
    )
}

/// The line that sends readers to the channel's archive page.
pub(super) fn archive_line(archive: &Url) -> String {
    format!(
        "*On the web*: <{}|this channel's archive>, with every past meeting, each topic's \
         history and the challenges log",
        escape(archive.as_str())
    )
}

/// `text` within the 2,000 characters Slack takes.
fn cut(text: &str) -> String {
    text.chars().take(MAX_ALT_TEXT).collect()
}
