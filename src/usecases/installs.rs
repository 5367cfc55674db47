//! Installations through "Add to Slack": recording one (the bot token sealed before it is
//! stored), sealing again with the current key what a previous key sealed, and forgetting a
//! workspace that uninstalled the app or revoked its bot token (its data stays).

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::ids::TeamId;
use crate::slack::install::Installed;
use crate::slack::token_cipher::TokenCipher;
use crate::store;
use crate::store::installations::Installation;
use crate::usecases::AppState;

/// Records the installation Slack confirmed at `now` (a re-install replaces the token and
/// details, keeping when it was first installed).
pub async fn record(
    db: &PgPool,
    cipher: &TokenCipher,
    installed: &Installed,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let installation = Installation {
        team_id: installed.team_id.clone(),
        enterprise_id: installed.enterprise_id.clone(),
        token: cipher.seal(&installed.team_id, &installed.bot_token),
        bot_user_id: installed.bot_user_id.clone(),
        app_id: installed.app_id.clone(),
        scopes: installed.scopes.clone(),
        installer: installed.installer.clone(),
        team_url: installed.team_url.clone(),
        installed_at: now,
        updated_at: now,
    };
    store::installations::save(db, &installation)
        .await
        .context("recording an installation")?;
    tracing::info!(
        team_id = %installed.team_id,
        enterprise_id = installed.enterprise_id.as_deref(),
        installer = %installed.installer,
        "installed in a workspace"
    );
    Ok(())
}

/// Seals again with the current key every token another key sealed (after a rotation, those
/// of `ARCHHOUR_SECRET_KEY_PREVIOUS`). A token no configured key opens is left as it is and
/// logged: that workspace must install the app again. Returns how many were sealed again.
pub async fn reseal_stale(db: &PgPool, cipher: &TokenCipher) -> anyhow::Result<usize> {
    let stale = store::installations::sealed_with_other_keys(db, cipher.current_key_id())
        .await
        .context("reading installations sealed with an older key")?;
    let mut resealed = 0;
    for installation in stale {
        let token = match cipher.open(&installation.team_id, &installation.token) {
            Ok(token) => token,
            Err(error) => {
                tracing::error!(team_id = %installation.team_id, %error, "an installation's bot token does not open; install the app in that workspace again");
                continue;
            }
        };
        let fresh = cipher.seal(&installation.team_id, &token);
        if store::installations::reseal(db, &installation.team_id, &installation.token, &fresh)
            .await
            .context("sealing a bot token again")?
        {
            resealed += 1;
        }
    }
    if resealed > 0 {
        tracing::info!(
            resealed,
            key_id = cipher.current_key_id(),
            "bot tokens sealed again with the current ARCHHOUR_SECRET_KEY"
        );
    }
    Ok(resealed)
}

/// Forgets `team`'s installation: Slack said the app was uninstalled there, or its bot token
/// revoked. The calls still queued for it are given up (kept as dead rows saying why) and its
/// pending steps cancelled; the workspace's topics, votes and meetings stay.
pub async fn forget(state: &AppState, team: &TeamId, why: &str) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let deleted = store::installations::delete(&mut *tx, team)
        .await
        .context("deleting an installation")?;
    let reason = format!("not sent: the app was uninstalled from the workspace ({why})");
    let given_up = store::outbox::give_up_for_team(&mut *tx, team, &reason, now)
        .await
        .context("giving up the workspace's queued calls")?;
    let cancelled = store::jobs::cancel_for_team(&mut *tx, team, now)
        .await
        .context("cancelling the workspace's steps")?;
    tx.commit().await.context("committing an uninstall")?;
    state.workspaces.forget(team);
    tracing::info!(team_id = %team, why, deleted, given_up, cancelled, "workspace uninstalled");
    Ok(())
}
