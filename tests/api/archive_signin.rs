//! The web archive's first page behind Sign in with Slack: the round trip through the fake
//! Slack's authorize page and token methods, what is refused (a forged `state`, another
//! workspace, an expired or tampered session), signing out, private channels shown to their
//! members only, and the archive off without its settings.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;

use crate::support::fake_slack::oidc::{self, SlackPerson};
use crate::support::{TEAM, TestApp, spawn_app, spawn_archive_app};

/// A browser: keeps cookies, and follows no redirect by itself, so each step is seen.
struct Browser {
    client: reqwest::Client,
    jar: Arc<Jar>,
}

impl Browser {
    fn new() -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .build()
            .expect("a client");
        Browser { client, jar }
    }

    async fn get(&self, url: &str) -> reqwest::Response {
        self.client.get(url).send().await.expect("request answered")
    }

    /// The page at `url`, whatever its status.
    async fn page(&self, url: &str) -> String {
        self.get(url).await.text().await.expect("a page")
    }

    /// The cookies the browser would send to `url`.
    fn cookies_for(&self, url: &str) -> String {
        self.jar
            .cookies(&url.parse().expect("a URL"))
            .map(|value| value.to_str().expect("ascii").to_string())
            .unwrap_or_default()
    }

    /// Starts a sign-in at the app and lets the fake's authorize page answer: the address
    /// Slack sends the browser back to, with `code` and `state`.
    async fn to_slack_and_back(&self, app: &TestApp) -> String {
        let start = self.get(&app.url("/auth/slack?return_to=/archive")).await;
        assert_eq!(start.status(), 303, "the sign-in starts with a redirect");
        let authorize = location(&start);
        assert!(
            authorize.starts_with(&format!("{}openid/connect/authorize?", app.slack.oauth_url)),
            "{authorize}"
        );
        let at_slack = self.get(&authorize).await;
        assert!(at_slack.status().is_redirection(), "{}", at_slack.status());
        let back = location(&at_slack);
        assert!(
            back.starts_with(&app.url("/auth/slack/callback?")),
            "{back}"
        );
        back
    }

    /// The whole round trip: the callback's answer.
    async fn sign_in(&self, app: &TestApp) -> reqwest::Response {
        let back = self.to_slack_and_back(app).await;
        self.get(&back).await
    }
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string()
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().expect("ascii").to_string())
        .collect()
}

/// Whether `/archive` sends the browser to sign in (and back to `/archive` after).
async fn sent_to_sign_in(app: &TestApp, browser: &Browser) -> bool {
    let archive = browser.get(&app.url("/archive")).await;
    archive.status() == 303 && location(&archive) == "/auth/slack?return_to=/archive"
}

#[tokio::test]
async fn signing_in_with_slack_lands_on_the_archive_listing_the_channel() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    app.propose("[inform] The new CI runners").await;
    app.slack
        .sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann Archer"));
    let browser = Browser::new();
    assert!(sent_to_sign_in(&app, &browser).await, "signed out at first");

    let back = browser.sign_in(&app).await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), "/archive");
    let cookies = set_cookies(&back);
    let session = cookies
        .iter()
        .find(|cookie| cookie.starts_with("archhour_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    assert!(!session.contains("Secure"), "http public URL: {session}");
    // The sign-in cookie is spent.
    assert!(
        cookies
            .iter()
            .any(|cookie| cookie.starts_with("archhour_sign_in=;")),
        "{cookies:?}"
    );

    let exchange = app.slack.calls_to("openid.connect.token");
    assert_eq!(exchange.len(), 1);
    assert_eq!(
        exchange[0].args["redirect_uri"],
        app.url("/auth/slack/callback")
    );
    assert!(exchange[0].succeeded);
    let user_info = app.slack.calls_to("openid.connect.userInfo");
    assert_eq!(user_info.len(), 1);
    assert!(user_info[0].succeeded, "asked with the person's token");

    let archive = browser.get(&app.url("/archive")).await;
    assert_eq!(archive.status(), 200);
    let page = archive.text().await.expect("a page");
    assert!(page.contains("<h2>#arch-hour</h2>"), "{page}");
    // The test clock is Wednesday 2026-11-18 09:00 UTC; the default meeting is Wednesdays
    // 11:00 UTC.
    assert!(
        page.contains("2 open topics · next meeting Wed 18 Nov 2026, 11:00 (UTC)"),
        "{page}"
    );
    assert!(page.contains("Ann Archer"), "{page}");
    assert!(page.contains(r#"<button type="submit">Sign out</button>"#));
}

#[tokio::test]
async fn a_forged_state_is_refused_and_starts_no_session() {
    let app = spawn_archive_app().await;
    app.slack.sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann"));
    let browser = Browser::new();
    let back = browser.to_slack_and_back(&app).await;
    let (path, query) = back.split_once('?').expect("a query");
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("a query");
    let forged: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(name, value)| match name.as_str() {
            "state" => (name, format!("{value}0")),
            _ => (name, value),
        })
        .collect();
    let forged = format!(
        "{path}?{}",
        serde_urlencoded::to_string(&forged).expect("encodes")
    );
    let refused = browser.get(&forged).await;
    assert_eq!(refused.status(), 400);
    assert!(
        !set_cookies(&refused)
            .iter()
            .any(|cookie| cookie.starts_with("archhour_session=")),
        "no session"
    );
    assert!(
        refused
            .text()
            .await
            .expect("a page")
            .contains("Sign-in not recognised")
    );
    // The code was never exchanged, and the archive is still closed.
    assert!(app.slack.calls_to("openid.connect.token").is_empty());
    assert!(sent_to_sign_in(&app, &browser).await);

    // The real state from a browser that did not start the sign-in: refused too.
    let other_browser = Browser::new();
    let elsewhere = other_browser.get(&back).await;
    assert_eq!(elsewhere.status(), 400);
    assert!(app.slack.calls_to("openid.connect.token").is_empty());
}

#[tokio::test]
async fn a_person_of_another_workspace_is_refused() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    app.slack
        .sign_in_as(SlackPerson::new("U_EVE", "T_OTHER", "Eve"));
    let browser = Browser::new();
    let back = browser.sign_in(&app).await;
    assert_eq!(back.status(), 403);
    assert!(
        !set_cookies(&back)
            .iter()
            .any(|cookie| cookie.starts_with("archhour_session=")),
        "no session"
    );
    assert!(
        back.text()
            .await
            .expect("a page")
            .contains("Not this workspace")
    );
    assert!(sent_to_sign_in(&app, &browser).await);
}

#[tokio::test]
async fn a_session_expires_after_twelve_hours() {
    let app = spawn_archive_app().await;
    app.slack.sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann"));
    let browser = Browser::new();
    assert_eq!(browser.sign_in(&app).await.status(), 303);
    app.advance(Duration::from_secs(12 * 3600 - 60)).await;
    let archive = browser.get(&app.url("/archive")).await;
    assert_eq!(archive.status(), 200, "a minute before it expires");
    app.advance(Duration::from_secs(2 * 60)).await;
    assert!(sent_to_sign_in(&app, &browser).await, "a minute after");
}

#[tokio::test]
async fn a_tampered_session_cookie_is_sent_to_sign_in() {
    let app = spawn_archive_app().await;
    app.slack.sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann"));
    let browser = Browser::new();
    assert_eq!(browser.sign_in(&app).await.status(), 303);
    let sent = browser.cookies_for(&app.url("/archive"));
    let value = sent
        .split("; ")
        .find_map(|pair| pair.strip_prefix("archhour_session="))
        .expect("the session cookie is sent")
        .to_string();
    assert_eq!(
        browser.get(&app.url("/archive")).await.status(),
        200,
        "untouched, it works"
    );
    // The value is the signature (44 characters of base64) and the signed text, the cookie's
    // name and its base64url JSON. Another person's session under the same signature:
    let (signature, signed) = value.split_at(44);
    let payload = signed
        .strip_prefix("archhour_session.")
        .expect("the signed text starts with the name");
    let mut session: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(payload)
            .expect("the payload is base64url"),
    )
    .expect("the payload is JSON");
    assert_eq!(session["user_id"], "U_ANN");
    session["user_id"] = "U_MALLORY".into();
    session["name"] = "Mallory".into();
    let forged = format!(
        "{signature}archhour_session.{}",
        URL_SAFE_NO_PAD.encode(session.to_string())
    );
    browser.jar.add_cookie_str(
        &format!("archhour_session={forged}; Path=/"),
        &app.url("/").parse().expect("a URL"),
    );
    assert!(sent_to_sign_in(&app, &browser).await);
    // And the real value with its last character changed.
    let last = value.chars().last().expect("not empty");
    let changed = format!(
        "{}{}",
        &value[..value.len() - 1],
        if last == 'A' { 'B' } else { 'A' }
    );
    browser.jar.add_cookie_str(
        &format!("archhour_session={changed}; Path=/"),
        &app.url("/").parse().expect("a URL"),
    );
    assert!(sent_to_sign_in(&app, &browser).await);
}

#[tokio::test]
async fn signing_out_forgets_the_session() {
    let app = spawn_archive_app().await;
    app.slack.sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann"));
    let browser = Browser::new();
    assert_eq!(browser.sign_in(&app).await.status(), 303);
    assert_eq!(browser.get(&app.url("/archive")).await.status(), 200);
    let signed_out = browser
        .client
        .post(app.url("/auth/signout"))
        .send()
        .await
        .expect("answered");
    assert_eq!(signed_out.status(), 200);
    let cleared = set_cookies(&signed_out);
    assert!(
        cleared
            .iter()
            .any(|cookie| cookie.starts_with("archhour_session=;") && cookie.contains("Max-Age=0")),
        "{cleared:?}"
    );
    assert!(sent_to_sign_in(&app, &browser).await);
}

#[tokio::test]
async fn a_private_channel_is_listed_for_its_members_only() {
    let app = spawn_archive_app().await;
    app.slack.add_private_channel("G_SECRET");
    app.slack.invite_bot("G_SECRET");
    app.slack.name_channel("G_SECRET", "secret-plans");
    app.slack.set_members("G_SECRET", &["U_ANN", "UBOT"]);
    app.propose_in("G_SECRET", "U_ANN", "[discuss] Buy the competitor")
        .await;
    app.propose("[discuss] Adopt a message queue").await;

    app.slack.sign_in_as(SlackPerson::new("U_BO", TEAM, "Bo"));
    let outsider = Browser::new();
    assert_eq!(outsider.sign_in(&app).await.status(), 303);
    let page = outsider.page(&app.url("/archive")).await;
    assert!(page.contains("#arch-hour"), "{page}");
    assert!(!page.contains("secret-plans"), "{page}");

    app.slack.sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann"));
    let member = Browser::new();
    assert_eq!(member.sign_in(&app).await.status(), 303);
    let page = member.page(&app.url("/archive")).await;
    assert!(page.contains("<h2>#secret-plans (private)</h2>"), "{page}");
    assert!(page.contains("<h2>#arch-hour</h2>"), "{page}");
    // Who is in the channel was asked once and remembered for the second person.
    assert_eq!(app.slack.calls_to("conversations.members").len(), 1);
}

#[tokio::test]
async fn without_its_settings_the_archive_is_off_and_says_how_to_turn_it_on() {
    let app = spawn_app().await;
    for path in [
        "/archive",
        "/auth/slack",
        "/auth/slack/callback?code=x&state=y",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let page = response.text().await.expect("a page");
        assert!(page.contains("The archive is off"), "{path}: {page}");
        for name in [
            "SLACK_CLIENT_ID",
            "SLACK_CLIENT_SECRET",
            "ARCHHOUR_PUBLIC_URL",
            "ARCHHOUR_SECRET_KEY",
        ] {
            assert!(page.contains(name), "{path} names {name}");
        }
    }
}

#[tokio::test]
async fn the_fake_slack_refuses_what_slack_refuses_in_the_code_exchange() {
    let app = spawn_archive_app().await;
    app.slack.sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann"));
    let browser = Browser::new();
    let back = browser.to_slack_and_back(&app).await;
    let code = back
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("code="))
        .expect("a code")
        .to_string();
    let redirect_uri = app.url("/auth/slack/callback");
    let exchange = |secret: &str, code: &str, redirect_uri: &str| {
        let form = [
            ("client_id", oidc::CLIENT_ID),
            ("client_secret", secret),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ];
        let request = reqwest::Client::new()
            .post(format!("{}openid.connect.token", app.slack.api_url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).expect("encodes"));
        async move {
            let answer: serde_json::Value = request
                .send()
                .await
                .expect("answered")
                .json()
                .await
                .expect("JSON");
            answer["error"].as_str().unwrap_or("ok").to_string()
        }
    };
    assert_eq!(
        exchange("wrong", &code, &redirect_uri).await,
        "bad_client_secret"
    );
    assert_eq!(
        exchange(oidc::CLIENT_SECRET, "never-issued", &redirect_uri).await,
        "invalid_code"
    );
    assert_eq!(
        exchange(oidc::CLIENT_SECRET, &code, "http://elsewhere.example/cb").await,
        "bad_redirect_uri"
    );
    // That refusal spent the code.
    assert_eq!(
        exchange(oidc::CLIENT_SECRET, &code, &redirect_uri).await,
        "invalid_code"
    );
    // A fresh code works once, then not again.
    let back = browser.to_slack_and_back(&app).await;
    let code = back
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("code="))
        .expect("a code")
        .to_string();
    assert_eq!(
        exchange(oidc::CLIENT_SECRET, &code, &redirect_uri).await,
        "ok"
    );
    assert_eq!(
        exchange(oidc::CLIENT_SECRET, &code, &redirect_uri).await,
        "invalid_code"
    );
}
