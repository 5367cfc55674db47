//! The digest's chart as an image (`GET /charts/{token}.png`): drawn on demand from the months
//! the digest kept when it was posted, so it shows the data as of then, and dropped once sent.

use anyhow::Context;

use crate::compose::charts::{self, digest::HEIGHT, digest::WIDTH};
use crate::domain::digest_chart::ChartToken;
use crate::store;
use crate::usecases::AppState;

/// The PNG of the digest chart named by `token`; `None` when no digest has that token.
pub async fn image(state: &AppState, token: &ChartToken) -> anyhow::Result<Option<Vec<u8>>> {
    let Some(months) = store::digests::chart_months(&state.db, token)
        .await
        .context("finding the digest's chart")?
    else {
        return Ok(None);
    };
    // Drawing takes a few milliseconds of CPU: off the threads that answer requests.
    let png = tokio::task::spawn_blocking(move || {
        charts::png(&charts::digest::items_by_month(&months), WIDTH, HEIGHT)
    })
    .await
    .context("drawing the digest's chart")??;
    Ok(Some(png))
}
