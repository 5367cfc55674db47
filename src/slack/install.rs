//! The OAuth v2 install ("Add to Slack"): the authorize address an installer is sent to, with
//! the bot scopes the code needs, and `oauth.v2.access`, which exchanges the code Slack hands
//! back for the workspace's bot token and what goes with it.
//!
//! slack-morphism's `oauth2_access` is not used: its answer type has no `enterprise`, which an
//! Enterprise Grid install needs kept. The exchange is one form POST, as Sign in with Slack's.

use secrecy::SecretString;
use url::Url;

use super::api::CallError;
use super::oidc::{Exchange, call, unreadable};
use super::sign_in::needed_scopes;
use crate::domain::ids::{TeamId, UserId};

/// The bot scopes an install asks for, comma-separated: every scope the code relies on, the
/// same list `manifest.yml` grants.
pub fn bot_scopes() -> String {
    needed_scopes().into_iter().collect::<Vec<_>>().join(",")
}

/// Where to send an installer: `oauth/v2/authorize` under `oauth_url` (`SLACK_OAUTH_URL`).
pub fn authorize_url(oauth_url: &Url, client_id: &str, redirect_uri: &Url, state: &str) -> Url {
    let mut url = oauth_url
        .join("oauth/v2/authorize")
        .unwrap_or_else(|_| oauth_url.clone());
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("scope", &bot_scopes())
        .append_pair("state", state)
        .append_pair("redirect_uri", redirect_uri.as_str());
    url
}

/// A workspace's installation, as `oauth.v2.access` describes it.
#[derive(Debug, Clone)]
pub struct Installed {
    pub team_id: TeamId,
    /// The Enterprise Grid organisation, for a workspace in one.
    pub enterprise_id: Option<String>,
    pub bot_token: SecretString,
    pub bot_user_id: UserId,
    pub app_id: String,
    /// The bot scopes granted, comma-separated.
    pub scopes: String,
    /// Who approved the install.
    pub installer: UserId,
    /// The workspace's address, as `auth.test` with the new token answers (asked after the
    /// exchange: `oauth.v2.access` does not say it).
    pub team_url: Option<String>,
}

/// `oauth.v2.access`: the code for the workspace's bot token. Slack's refusals
/// (`invalid_code`, `bad_redirect_uri`, …) come back as [`CallError::Refused`].
pub async fn exchange_code(exchange: &Exchange<'_>, code: &str) -> Result<Installed, CallError> {
    use secrecy::ExposeSecret;
    let form = serde_urlencoded::to_string([
        ("client_id", exchange.client_id),
        ("client_secret", exchange.client_secret.expose_secret()),
        ("code", code),
        ("redirect_uri", exchange.redirect_uri.as_str()),
    ])
    .map_err(|e| unreadable(format!("encoding the code exchange: {e}")))?;
    let answer = call(
        exchange.api_url,
        "oauth.v2.access",
        None,
        form,
        exchange.timeout,
    )
    .await?;
    installed_from(&answer).map_err(|missing| unreadable(format!("oauth.v2.access: no {missing}")))
}

/// Reads an `oauth.v2.access` answer; a missing field is named.
fn installed_from(answer: &serde_json::Value) -> Result<Installed, &'static str> {
    let text = |value: &serde_json::Value, name: &'static str| {
        value
            .as_str()
            .filter(|text| !text.is_empty())
            .map(str::to_string)
            .ok_or(name)
    };
    if answer["token_type"] != "bot" {
        return Err("bot token");
    }
    Ok(Installed {
        team_id: TeamId::from(text(&answer["team"]["id"], "team.id")?.as_str()),
        enterprise_id: answer["enterprise"]["id"].as_str().map(str::to_string),
        bot_token: text(&answer["access_token"], "access_token")?.into(),
        bot_user_id: UserId::from(text(&answer["bot_user_id"], "bot_user_id")?.as_str()),
        app_id: text(&answer["app_id"], "app_id")?,
        scopes: text(&answer["scope"], "scope")?,
        installer: UserId::from(text(&answer["authed_user"]["id"], "authed_user.id")?.as_str()),
        team_url: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn the_authorize_address_asks_for_the_bot_scopes_with_the_state() {
        let redirect = Url::parse("https://archhour.example.com/slack/oauth_redirect").unwrap();
        let url = authorize_url(
            &Url::parse("https://slack.com/").unwrap(),
            "123.456",
            &redirect,
            "s1",
        );
        assert_eq!(url.path(), "/oauth/v2/authorize");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        assert_eq!(get("client_id").as_deref(), Some("123.456"));
        assert_eq!(get("state").as_deref(), Some("s1"));
        assert_eq!(
            get("redirect_uri").as_deref(),
            Some("https://archhour.example.com/slack/oauth_redirect")
        );
        let scopes = get("scope").expect("scope");
        for scope in ["commands", "chat:write", "reactions:read", "channels:join"] {
            assert!(scopes.split(',').any(|s| s == scope), "{scope} in {scopes}");
        }
    }

    #[test]
    fn slacks_documented_answer_reads_as_an_installation() {
        // The example answer of https://api.slack.com/methods/oauth.v2.access, with a Grid.
        let answer = serde_json::json!({
            "ok": true, "access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            "token_type": "bot", "scope": "commands,incoming-webhook",
            "bot_user_id": "U0KRQLJ9H", "app_id": "A0KRD7HC3",
            "team": {"name": "Slack Softworks", "id": "T9TK3CUKW"},
            "enterprise": {"name": "slack-sports", "id": "E12345678"},
            "authed_user": {"id": "U1234", "scope": "chat:write",
                            "access_token": "xoxp-1234", "token_type": "user"}
        });
        let installed = installed_from(&answer).expect("reads");
        assert_eq!(installed.team_id, TeamId::from("T9TK3CUKW"));
        assert_eq!(installed.enterprise_id.as_deref(), Some("E12345678"));
        assert_eq!(
            installed.bot_token.expose_secret(),
            "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
        );
        assert_eq!(installed.bot_user_id, UserId::from("U0KRQLJ9H"));
        assert_eq!(installed.app_id, "A0KRD7HC3");
        assert_eq!(installed.scopes, "commands,incoming-webhook");
        assert_eq!(installed.installer, UserId::from("U1234"));
        let without_grid = serde_json::json!({
            "ok": true, "access_token": "xoxb-1", "token_type": "bot", "scope": "commands",
            "bot_user_id": "U0", "app_id": "A0", "team": {"id": "T1"}, "enterprise": null,
            "authed_user": {"id": "U1"}
        });
        assert_eq!(
            installed_from(&without_grid).expect("reads").enterprise_id,
            None
        );
        let user_token_only = serde_json::json!({"ok": true, "token_type": "user"});
        assert_eq!(installed_from(&user_token_only).err(), Some("bot token"));
    }
}
