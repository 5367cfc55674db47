//! The workspaces installed through "Add to Slack": one row per team with its sealed bot token
//! (never the token in the clear: callers seal and open it with
//! [`crate::slack::token_cipher`]).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::ids::{TeamId, UserId};
use crate::slack::token_cipher::SealedToken;

/// An installation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub team_id: TeamId,
    pub enterprise_id: Option<String>,
    pub token: SealedToken,
    pub bot_user_id: UserId,
    /// The workspace's address, as `auth.test` answered at install (`None` before it was asked).
    pub team_url: Option<String>,
    pub app_id: String,
    pub scopes: String,
    pub installer: UserId,
    pub installed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

struct InstallationRow {
    team_id: String,
    enterprise_id: Option<String>,
    bot_token_ciphertext: Vec<u8>,
    bot_token_nonce: Vec<u8>,
    key_id: String,
    bot_user_id: String,
    team_url: Option<String>,
    app_id: String,
    scopes: String,
    installer_user_id: String,
    installed_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<InstallationRow> for Installation {
    fn from(row: InstallationRow) -> Self {
        Installation {
            team_id: TeamId::from(row.team_id.as_str()),
            enterprise_id: row.enterprise_id,
            token: SealedToken {
                ciphertext: row.bot_token_ciphertext,
                nonce: row.bot_token_nonce,
                key_id: row.key_id,
            },
            bot_user_id: UserId::from(row.bot_user_id.as_str()),
            team_url: row.team_url,
            app_id: row.app_id,
            scopes: row.scopes,
            installer: UserId::from(row.installer_user_id.as_str()),
            installed_at: row.installed_at,
            updated_at: row.updated_at,
        }
    }
}

/// Records `installation`; a workspace installed before keeps its first `installed_at` and
/// takes everything else from the new install.
pub async fn save(db: impl PgExecutor<'_>, installation: &Installation) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into installations
             (team_id, enterprise_id, bot_token_ciphertext, bot_token_nonce, key_id, bot_user_id,
              app_id, scopes, installer_user_id, installed_at, updated_at, team_url)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
         on conflict (team_id) do update set
             enterprise_id = excluded.enterprise_id,
             bot_token_ciphertext = excluded.bot_token_ciphertext,
             bot_token_nonce = excluded.bot_token_nonce,
             key_id = excluded.key_id,
             bot_user_id = excluded.bot_user_id,
             team_url = excluded.team_url,
             app_id = excluded.app_id,
             scopes = excluded.scopes,
             installer_user_id = excluded.installer_user_id,
             updated_at = excluded.updated_at",
        installation.team_id.as_str(),
        installation.enterprise_id.as_deref(),
        &installation.token.ciphertext,
        &installation.token.nonce,
        &installation.token.key_id,
        installation.bot_user_id.as_str(),
        &installation.app_id,
        &installation.scopes,
        installation.installer.as_str(),
        installation.updated_at,
        installation.team_url.as_deref(),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The workspace's installation, if it has one.
pub async fn find(db: impl PgExecutor<'_>, team: &TeamId) -> sqlx::Result<Option<Installation>> {
    let row = sqlx::query_as!(
        InstallationRow,
        "select team_id, enterprise_id, bot_token_ciphertext, bot_token_nonce, key_id,
                bot_user_id, team_url, app_id, scopes, installer_user_id, installed_at, updated_at
         from installations where team_id = $1",
        team.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Installation::from))
}

/// Every installation whose token another key than `current_key_id` sealed.
pub async fn sealed_with_other_keys(
    db: impl PgExecutor<'_>,
    current_key_id: &str,
) -> sqlx::Result<Vec<Installation>> {
    let rows = sqlx::query_as!(
        InstallationRow,
        "select team_id, enterprise_id, bot_token_ciphertext, bot_token_nonce, key_id,
                bot_user_id, team_url, app_id, scopes, installer_user_id, installed_at, updated_at
         from installations where key_id <> $1 order by team_id",
        current_key_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Installation::from).collect())
}

/// Replaces a token sealed with `stale` by `resealed`; false when the row changed meanwhile (a
/// re-install, or another process resealed it first).
pub async fn reseal(
    db: impl PgExecutor<'_>,
    team: &TeamId,
    stale: &SealedToken,
    resealed: &SealedToken,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update installations
         set bot_token_ciphertext = $3, bot_token_nonce = $4, key_id = $5
         where team_id = $1 and bot_token_nonce = $2",
        team.as_str(),
        &stale.nonce,
        &resealed.ciphertext,
        &resealed.nonce,
        &resealed.key_id,
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Forgets the workspace's installation (its data stays); false when it had none.
pub async fn delete(db: impl PgExecutor<'_>, team: &TeamId) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from installations where team_id = $1",
        team.as_str()
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(deleted == 1)
}
