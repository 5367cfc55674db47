//! "Add to Slack" (OAuth v2) for two workspaces through the fake Slack's authorize page and
//! `oauth.v2.access`: each installation stored with its bot token sealed (no `xoxb-` in the
//! bytes, opening only for its own workspace), what is refused and stores nothing (a forged,
//! missing or expired `state`, a code used twice), a key rotation that seals the tokens again
//! with the new key, and `app_uninstalled` / `tokens_revoked` forgetting one workspace's
//! installation while its data and the other workspace stay.

use std::sync::Arc;
use std::time::Duration;

use archhour::domain::ids::TeamId;
use archhour::slack::token_cipher::{SealedToken, TokenCipher};
use reqwest::redirect::Policy;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::support::fake_slack::install::{APP_ID, Installer};
use crate::support::{SECRET_KEY_HEX, SecretKeys, TestApp, spawn_archive_app};

/// A browser: keeps cookies, and follows no redirect by itself, so each step is seen.
pub struct Browser {
    client: reqwest::Client,
}

impl Browser {
    pub fn new() -> Browser {
        let client = reqwest::Client::builder()
            .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
            .redirect(Policy::none())
            .build()
            .expect("a client");
        Browser { client }
    }

    async fn get(&self, url: &str) -> reqwest::Response {
        self.client.get(url).send().await.expect("request answered")
    }

    /// Starts an install at the app and lets the fake's authorize page approve it: the
    /// address Slack sends the browser back to, with `code` and `state`.
    async fn to_slack_and_back(&self, app: &TestApp) -> String {
        let start = self.get(&app.url("/slack/install")).await;
        assert_eq!(start.status(), 303, "the install starts with a redirect");
        let authorize = location(&start);
        assert!(
            authorize.starts_with(&format!("{}oauth/v2/authorize?", app.slack.oauth_url)),
            "{authorize}"
        );
        let at_slack = self.get(&authorize).await;
        assert!(at_slack.status().is_redirection(), "{}", at_slack.status());
        let back = location(&at_slack);
        assert!(
            back.starts_with(&app.url("/slack/oauth_redirect?")),
            "{back}"
        );
        back
    }

    /// The whole round trip for `installer`: the redirect's status and page.
    pub async fn install(&self, app: &TestApp, installer: Installer) -> (u16, String) {
        app.slack.install_as(installer);
        let back = self.to_slack_and_back(app).await;
        let answer = self.get(&back).await;
        (
            answer.status().as_u16(),
            answer.text().await.expect("a page"),
        )
    }
}

/// Installs the app in each `(team, installer)` through the whole flow, each from a browser of
/// its own.
pub(crate) async fn install_workspaces(app: &TestApp, workspaces: &[(&str, &str)]) {
    for (team, user) in workspaces {
        let (status, page) = Browser::new()
            .install(app, Installer::new(team, user))
            .await;
        assert_eq!(status, 200, "installing in {team}: {page}");
    }
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string()
}

/// The stored installations: team, key id, and the sealed token.
async fn installations(app: &TestApp) -> Vec<(String, SealedToken)> {
    let rows: Vec<(String, Vec<u8>, Vec<u8>, String)> = sqlx::query_as(
        "select team_id, bot_token_ciphertext, bot_token_nonce, key_id
         from installations order by team_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading installations");
    rows.into_iter()
        .map(|(team, ciphertext, nonce, key_id)| {
            (
                team,
                SealedToken {
                    ciphertext,
                    nonce,
                    key_id,
                },
            )
        })
        .collect()
}

fn cipher(current: &str, previous: Option<&str>) -> TokenCipher {
    let previous = previous.map(|key| hex::decode(key).expect("hex"));
    TokenCipher::new(&hex::decode(current).expect("hex"), previous.as_deref())
}

/// The token the fake handed out for `team`.
pub fn issued_token(app: &TestApp, team: &str) -> String {
    let tokens: Vec<String> = app
        .slack
        .installed_tokens()
        .into_iter()
        .filter(|(_, of)| of == team)
        .map(|(token, _)| token)
        .collect();
    assert_eq!(tokens.len(), 1, "one token for {team}: {tokens:?}");
    tokens[0].clone()
}

#[tokio::test]
async fn two_workspaces_install_through_slack_and_their_tokens_are_stored_sealed() {
    let app = spawn_archive_app().await;
    let browser = Browser::new();
    let (status, page) = browser.install(&app, Installer::new("T1", "U_ANN")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Arch Hour is installed"), "{page}");
    assert!(page.contains("/archtopic help"), "{page}");
    let mut grid = Installer::new("T2", "U_BOB");
    grid.enterprise_id = Some("E9".into());
    let (status, _) = Browser::new().install(&app, grid).await;
    assert_eq!(status, 200);

    let authorize = app.slack.calls_to("oauth/v2/authorize");
    assert_eq!(authorize.len(), 2);
    assert_eq!(
        authorize[0].args["redirect_uri"],
        app.url("/slack/oauth_redirect")
    );
    let scopes = authorize[0].args["scope"].as_str().expect("scopes");
    for needed in archhour::slack::sign_in::needed_scopes() {
        assert!(
            scopes.split(',').any(|s| s == needed),
            "{needed} in {scopes}"
        );
    }
    let exchanges = app.slack.calls_to("oauth.v2.access");
    assert_eq!(exchanges.len(), 2);
    assert!(exchanges.iter().all(|call| call.succeeded));

    let details: Vec<(String, Option<String>, String, String, String, String)> = sqlx::query_as(
        "select team_id, enterprise_id, bot_user_id, app_id, installer_user_id, scopes
         from installations order by team_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("reading installations");
    let scopes = archhour::slack::install::bot_scopes();
    assert_eq!(
        details,
        vec![
            (
                "T1".into(),
                None,
                "UBOT".into(),
                APP_ID.into(),
                "U_ANN".into(),
                scopes.clone()
            ),
            (
                "T2".into(),
                Some("E9".into()),
                "UBOT_T2".into(),
                APP_ID.into(),
                "U_BOB".into(),
                scopes
            ),
        ]
    );
    let stored = installations(&app).await;
    let current = cipher(SECRET_KEY_HEX, None);
    for (team, sealed) in &stored {
        assert!(
            !sealed.ciphertext.windows(5).any(|bytes| bytes == b"xoxb-"),
            "{team}'s token is stored in the clear"
        );
        assert_eq!(sealed.key_id, current.current_key_id());
        let opened = current
            .open(&TeamId::from(team.as_str()), sealed)
            .expect("opens for its team");
        assert_eq!(opened.expose_secret(), issued_token(&app, team));
    }
    // Nowhere in the table's bytes is a token in the clear.
    let dump: String = sqlx::query_scalar("select string_agg(i::text, '|') from installations i")
        .fetch_one(&app.db)
        .await
        .expect("the table as text");
    assert!(!dump.contains("xoxb-"), "{dump}");
    // T1's sealed token moved to T2's row does not open.
    assert!(current.open(&TeamId::from("T2"), &stored[0].1).is_err());
}

#[tokio::test]
async fn a_reinstall_replaces_the_token_and_keeps_when_it_was_first_installed() {
    let app = spawn_archive_app().await;
    assert_eq!(
        Browser::new()
            .install(&app, Installer::new("T2", "U_ANN"))
            .await
            .0,
        200
    );
    let first: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select installed_at from installations")
            .fetch_one(&app.db)
            .await
            .expect("one row");
    app.advance(Duration::from_secs(3600)).await;
    assert_eq!(
        Browser::new()
            .install(&app, Installer::new("T2", "U_BOB"))
            .await
            .0,
        200
    );
    let (installed_at, updated_at, installer): (
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        String,
    ) = sqlx::query_as("select installed_at, updated_at, installer_user_id from installations")
        .fetch_one(&app.db)
        .await
        .expect("still one row");
    assert_eq!(installed_at, first);
    assert_eq!(updated_at, first + chrono::Duration::hours(1));
    assert_eq!(installer, "U_BOB");
    let tokens = app.slack.installed_tokens();
    // The fake numbers its tokens in the order it hands them out.
    let newest = tokens
        .keys()
        .max_by_key(|token| token.rsplit('-').next().and_then(|n| n.parse::<u64>().ok()))
        .expect("tokens")
        .clone();
    let (_, sealed) = &installations(&app).await[0];
    let opened = cipher(SECRET_KEY_HEX, None)
        .open(&TeamId::from("T2"), sealed)
        .expect("opens");
    assert_eq!(opened.expose_secret(), newest);
}

#[tokio::test]
async fn a_forged_missing_or_expired_state_is_refused_and_nothing_is_stored() {
    let app = spawn_archive_app().await;
    app.slack.install_as(Installer::new("T2", "U_ANN"));

    // A forged state, from the browser that started the install.
    let browser = Browser::new();
    let back = browser.to_slack_and_back(&app).await;
    let forged = back.replace("state=", "state=0");
    let refused = browser.get(&forged).await;
    assert_eq!(refused.status(), 400);
    let page = refused.text().await.expect("a page");
    assert!(page.contains("Install not recognised"), "{page}");

    // The right state, in a browser that did not start the install (no cookie).
    let back = browser.to_slack_and_back(&app).await;
    let elsewhere = Browser::new().get(&back).await;
    assert_eq!(elsewhere.status(), 400);

    // The right state, eleven minutes later.
    let back = browser.to_slack_and_back(&app).await;
    app.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(browser.get(&back).await.status(), 400);

    // No state at all.
    let back = browser.to_slack_and_back(&app).await;
    let without = back
        .split('&')
        .filter(|part| !part.starts_with("state="))
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(browser.get(&without).await.status(), 400);

    assert!(app.slack.calls_to("oauth.v2.access").is_empty());
    assert_eq!(app.count("installations").await, 0);
}

#[tokio::test]
async fn a_code_slack_refuses_stores_nothing() {
    let app = spawn_archive_app().await;
    let browser = Browser::new();
    assert_eq!(
        browser.install(&app, Installer::new("T2", "U_ANN")).await.0,
        200
    );
    let used_code = app.slack.calls_to("oauth.v2.access")[0].args["code"]
        .as_str()
        .expect("a code")
        .to_string();
    app.slack.uninstall_from("T2");
    sqlx::query("delete from installations")
        .execute(&app.db)
        .await
        .expect("clearing");

    // A fresh install whose redirect carries the code already exchanged.
    let back = browser.to_slack_and_back(&app).await;
    let fresh_code = back
        .split(['?', '&'])
        .find_map(|part| part.strip_prefix("code="))
        .expect("a code")
        .to_string();
    let replayed = browser.get(&back.replace(&fresh_code, &used_code)).await;
    assert_eq!(replayed.status(), 502);
    let refusals: Vec<Value> = app
        .slack
        .calls_to("oauth.v2.access")
        .into_iter()
        .skip(1)
        .map(|call| json!([call.args["code"], call.succeeded]))
        .collect();
    assert_eq!(refusals, vec![json!([used_code, false])]);
    assert_eq!(app.count("installations").await, 0);
}

#[tokio::test]
async fn after_a_key_rotation_the_tokens_are_sealed_again_with_the_new_key() {
    const NEW_KEY: &str = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
    let app = spawn_archive_app().await;
    assert_eq!(
        Browser::new()
            .install(&app, Installer::new("T2", "U_ANN"))
            .await
            .0,
        200
    );
    let old_key_id = cipher(SECRET_KEY_HEX, None).current_key_id().to_string();
    assert_eq!(installations(&app).await[0].1.key_id, old_key_id);

    let app = app
        .restart_with_keys(SecretKeys {
            current: NEW_KEY.into(),
            previous: Some(SECRET_KEY_HEX.into()),
        })
        .await;
    // The app serves requests only once it has sealed the tokens again.
    app.get("/healthz").await;
    let new_only = cipher(NEW_KEY, None);
    let (team, sealed) = &installations(&app).await[0];
    assert_eq!(sealed.key_id, new_only.current_key_id());
    assert_ne!(sealed.key_id, old_key_id);
    let opened = new_only
        .open(&TeamId::from(team.as_str()), sealed)
        .expect("opens with the new key alone");
    assert_eq!(opened.expose_secret(), issued_token(&app, "T2"));

    // Once every token is sealed again, the previous key can go.
    let app = app
        .restart_with_keys(SecretKeys {
            current: NEW_KEY.into(),
            previous: None,
        })
        .await;
    app.get("/healthz").await;
    assert_eq!(
        installations(&app).await[0].1.key_id,
        new_only.current_key_id()
    );
}

pub fn lifecycle_event(event_id: &str, team: &str, event: Value) -> Value {
    json!({
        "token": "legacy", "team_id": team, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": event_id, "event_time": 1_700_000_000, "event": event
    })
}

#[tokio::test]
async fn app_uninstalled_and_revoked_bot_tokens_forget_that_workspace_only() {
    let app = spawn_archive_app().await;
    install_workspaces(&app, &[("T2", "U_ANN"), ("T3", "U_BOB"), ("T4", "U_CAT")]).await;
    app.propose("[discuss] Adopt a message queue").await;
    let topics = app.count("topics").await;

    app.slack.uninstall_from("T2");
    let uninstalled = lifecycle_event("EvU1", "T2", json!({"type": "app_uninstalled"}));
    assert_eq!(app.event(&uninstalled).await.status(), 200);
    // A person's revoked sign-in token leaves the installation alone; a bot token's does not.
    let people_only = json!({"type": "tokens_revoked", "tokens": {"oauth": ["U_BOB"], "bot": []}});
    assert_eq!(
        app.event(&lifecycle_event("EvR1", "T3", people_only))
            .await
            .status(),
        200
    );
    let bots = json!({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT_T4"]}});
    assert_eq!(
        app.event(&lifecycle_event("EvR2", "T4", bots))
            .await
            .status(),
        200
    );

    let teams: Vec<String> = installations(&app)
        .await
        .into_iter()
        .map(|(team, _)| team)
        .collect();
    assert_eq!(teams, vec!["T3".to_string()]);
    assert_eq!(
        app.count("topics").await,
        topics,
        "the workspaces' data stays"
    );
}
