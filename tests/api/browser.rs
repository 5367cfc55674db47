//! The web archive in a real browser (headless chromium over WebDriver, see
//! `support::browser`): signing in with Slack through the fake's authorize page, the archive
//! as the browser renders it, a screenshot kept for people to look at, and signing out with
//! the page's button. Skipped loudly without chromium, failed instead under
//! `ARCHHOUR_REQUIRE_BROWSER=1`.

use std::path::PathBuf;

use archhour::domain::ids::ChannelId;
use archhour::tools;
use fantoccini::Locator;

use crate::support::browser::Browser;
use crate::support::fake_slack::oidc::SlackPerson;
use crate::support::{CHANNEL, TEAM, TestApp, spawn_archive_app};

/// Imports a notes page from `tests/fixtures/notes` into `channel`, as an operator would.
async fn import_fixture(app: &TestApp, name: &str, channel: &str) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/notes")
        .join(name);
    let report = tools::import::import(
        &app.db,
        app.clock.as_ref(),
        &file,
        &ChannelId::from(channel),
        Default::default(),
    )
    .await
    .expect("the import runs");
    assert!(report.contains("Imported into"), "{report}");
}

/// The browser at `/archive`, sent to sign in by the app, through the fake Slack's authorize
/// page, and back signed in: the page it lands on.
async fn sign_in_at_the_archive(browser: &Browser, app: &TestApp) {
    browser.open(&app.url("/archive")).await;
    let landed = browser.url().await;
    assert_eq!(
        landed.as_str(),
        app.url("/archive"),
        "back at the archive after signing in"
    );
    // It really went through Slack: the authorize page sent it back with a code, which the
    // app exchanged.
    let authorized = app.slack.calls_to("openid/connect/authorize");
    assert_eq!(authorized.len(), 1);
    assert_eq!(
        authorized[0].args["redirect_uri"],
        app.url("/auth/slack/callback")
    );
    let exchanged = app.slack.calls_to("openid.connect.token");
    assert_eq!(exchanged.len(), 1);
    assert!(exchanged[0].succeeded);
}

/// The meeting page of `channel` on `date` (`YYYY-MM-DD`), imported from notes, as the browser
/// shows it: its topics, the chart of their votes, the sentence saying no times were recorded in
/// place of an empty chart, the Markdown link followed, and a screenshot of each.
async fn check_meeting_page(
    browser: &Browser,
    app: &TestApp,
    channel: &str,
    date: &str,
    topics: &[&str],
) {
    let path = format!("/archive/{channel}/{date}");
    browser.open(&app.url(&path)).await;
    assert_eq!(browser.url().await.path(), path);
    let page = browser.text_of("main").await;
    for topic in topics {
        assert!(page.contains(topic), "{topic} on the page: {page}");
    }
    assert!(
        page.contains("No times were recorded for this meeting (imported from notes)."),
        "{page}"
    );
    // The chart of the votes the notes recorded (and none of times they did not).
    let charts = browser
        .client()
        .find_all(Locator::Css("main svg"))
        .await
        .expect("finding the charts");
    assert_eq!(charts.len(), 1, "the votes chart only");
    assert!(
        charts[0].is_displayed().await.expect("visible"),
        "the chart shows"
    );
    let caption = browser
        .client()
        .find(Locator::Css("main figcaption"))
        .await
        .expect("the chart's caption")
        .text()
        .await
        .expect("its text");
    assert!(caption.contains("10 vote(s) in all"), "{caption}");
    browser.screenshot(&format!("meeting-{date}")).await;

    browser
        .client()
        .find(Locator::Css(r#"a[href$=".md"]"#))
        .await
        .expect("a link to the meeting as Markdown")
        .follow()
        .await
        .expect("the link opens");
    assert_eq!(browser.url().await.path(), format!("{path}.md"));
    let markdown = browser.text_of("body").await;
    for topic in topics {
        assert!(
            markdown.contains(topic),
            "{topic} in the Markdown: {markdown}"
        );
    }
    browser
        .screenshot(&format!("meeting-{date}-markdown"))
        .await;
}

#[tokio::test]
async fn a_browser_signs_in_with_slack_sees_the_archive_and_signs_out() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_archive_app().await;
    import_fixture(&app, "arch-hour-2020-12-17.txt", CHANNEL).await;
    app.propose("[discuss] Adopt a message queue").await;
    app.slack
        .sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann Archer"));

    sign_in_at_the_archive(&browser, &app).await;
    assert_eq!(
        browser.client().title().await.expect("a title"),
        "Channels · Arch Hour archive"
    );
    assert_eq!(browser.text_of("h1").await, "Channels");
    assert_eq!(browser.text_of("main h2").await, "#arch-hour");
    // The test clock is Wednesday 2026-11-18 09:00 UTC; the default meeting is Wednesdays
    // 11:00 UTC. Open: only the proposed topic (the page's topics were all on its meeting's
    // agenda, and its backlog is empty).
    assert_eq!(
        browser.text_of("main .meta").await,
        "1 open topic · next meeting Wed 18 Nov 2026, 11:00 (UTC)"
    );
    assert!(
        browser.text_of("header").await.contains("Ann Archer"),
        "who is signed in"
    );
    assert!(
        browser
            .cookie_names()
            .await
            .contains(&"archhour_session".to_string())
    );
    let screenshot = browser.screenshot("archive-signed-in").await;
    assert!(screenshot.is_file());

    // The channel's page with its charts drawn.
    browser.open(&app.url(&format!("/archive/{CHANNEL}"))).await;
    let chart = browser
        .client()
        .find(Locator::Css("main svg"))
        .await
        .expect("the channel's charts are on the page");
    assert!(
        chart.is_displayed().await.expect("visible"),
        "the chart shows"
    );
    browser.screenshot("channel").await;

    // The meeting the notes page recorded, as its own page and as Markdown.
    check_meeting_page(
        &browser,
        &app,
        CHANNEL,
        "2020-12-17",
        &[
            "External Guests in 2021",
            "Early thoughts on approaches to splitting LMS and Studio",
        ],
    )
    .await;
    browser.open(&app.url("/archive")).await;

    // Signing out with the page's button.
    browser
        .client()
        .find(Locator::XPath("//button[text()='Sign out']"))
        .await
        .expect("a sign-out button")
        .click()
        .await
        .expect("clicked");
    browser
        .client()
        .wait()
        .for_element(Locator::XPath("//h1[text()='Signed out']"))
        .await
        .expect("the signed-out page");
    assert_eq!(browser.url().await.path(), "/auth/signout");
    assert!(
        !browser
            .cookie_names()
            .await
            .contains(&"archhour_session".to_string()),
        "the session cookie is gone"
    );
    // The archive sends the browser to sign in again: to Slack's authorize page, where it stays
    // now that no one approves.
    app.slack.sign_in_nobody();
    browser.open(&app.url("/archive")).await;
    let at = browser.url().await;
    assert!(
        at.as_str()
            .starts_with(&format!("{}openid/connect/authorize?", app.slack.oauth_url)),
        "{at}"
    );
    assert_eq!(app.slack.calls_to("openid/connect/authorize").len(), 2);
    assert_eq!(app.slack.calls_to("openid.connect.token").len(), 1);
    browser.quit().await;
}

#[tokio::test]
async fn a_long_topic_title_stays_a_readable_heading_on_a_phone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = spawn_archive_app().await;
    let title = format!(
        "Should we {} today?",
        "rework the deployment pipeline and ".repeat(8).trim_end()
    );
    assert_eq!(title.chars().count(), 296);
    let card = app.propose(&format!("[discuss] {title}")).await;
    app.slack
        .sign_in_as(SlackPerson::new("U_ANN", TEAM, "Ann Archer"));
    sign_in_at_the_archive(&browser, &app).await;
    browser
        .client()
        .set_window_size(390, 844)
        .await
        .expect("a phone's width");
    browser
        .open(&app.url(&format!("/archive/{CHANNEL}/topics/{}", card.number)))
        .await;
    assert_eq!(
        browser.text_of("h1").await,
        format!("#{} {title}", card.number)
    );
    let measured = browser
        .client()
        .execute(
            "const h1 = document.querySelector('h1');
             return [parseFloat(getComputedStyle(h1).fontSize),
                     document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("measured");
    let [font, page_width, screen_width] =
        [0, 1, 2].map(|at| measured[at].as_f64().expect("a number"));
    // h1.long: at most 1.4rem (22.4px), where a plain h1 would be 2rem (32px).
    assert!(font <= 22.4 + 0.01, "the heading's font is {font}px");
    assert!(
        page_width <= screen_width,
        "the page is {page_width}px wide on a {screen_width}px screen"
    );
    browser.screenshot("topic-long-title-phone").await;
    browser.quit().await;
}
