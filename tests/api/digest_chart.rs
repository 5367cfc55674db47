//! The weekly digest's chart (issue 20): with `ARCHHOUR_PUBLIC_URL` set the posted digest
//! carries an image block whose URL the app serves as a PNG to anyone holding it (Slack's
//! servers fetch it without cookies), drawn from what the digest kept; with the web archive on
//! it links to the channel's archive page; without either it is as it always was.

use serde_json::{Value, json};

use crate::support::fake_slack::FakeSlack;
use crate::support::{
    CHANNEL, TestApp, eventually, spawn_app, spawn_archive_app, spawn_calendar_app,
};

/// Two items recorded this month (November 2026, the test clock's), the first closed.
async fn two_items_one_closed(app: &TestApp) {
    app.command("action <@UADAM> ask the QA guild").await;
    app.command("action <@UNIM> write the ADR").await;
    app.command("done 1").await;
}

/// Posts the digest now and returns its blocks as Slack was sent them.
async fn post_digest(app: &TestApp) -> Vec<Value> {
    let posted = app.command("digest").await;
    assert_eq!(posted["text"], "Posted this week's digest in the channel.");
    let call = eventually("the digest to be posted", || async {
        app.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .find(|call| call.args["text"] == "Arch Hour weekly digest" && call.succeeded)
    })
    .await;
    call.args["blocks"].as_array().expect("blocks").clone()
}

fn images(blocks: &[Value]) -> Vec<&Value> {
    blocks
        .iter()
        .filter(|block| block["type"] == "image")
        .collect()
}

/// The image's width and height from its IHDR chunk, after checking the PNG signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "the PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "the first chunk");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (number(16), number(20))
}

/// Fetches `url` as Slack's servers do: a plain GET, no cookies.
async fn fetch(url: &str) -> reqwest::Response {
    reqwest::get(url).await.expect("the app answers")
}

#[tokio::test]
async fn the_digest_shows_its_chart_served_at_an_unguessable_url_and_links_to_the_archive() {
    let app = spawn_archive_app().await;
    two_items_one_closed(&app).await;
    let blocks = post_digest(&app).await;

    let images = images(&blocks);
    assert_eq!(images.len(), 1, "{blocks:#?}");
    let image = images[0];
    // October's zeros, then November's: one open, one closed.
    assert_eq!(
        image["alt_text"],
        "Line chart of this channel's action items at the end of each month from 2026-10 to \
         2026-11: at the end of 2026-11, 1 open and 1 closed."
    );
    assert_eq!(
        image["title"],
        json!({"type": "plain_text", "text": "Open and closed action items over time"})
    );
    // It follows the open action items.
    let at = |wanted: &Value| {
        blocks
            .iter()
            .position(|block| block == wanted)
            .expect("found")
    };
    let open_items = blocks
        .iter()
        .position(|block| block.to_string().contains("*Open action items*"))
        .expect("the open items part");
    assert_eq!(at(image), open_items + 1);
    // The archive's line ends the message.
    let last = blocks.last().expect("blocks").to_string();
    let archive = app.url(&format!("/archive/{CHANNEL}"));
    assert!(
        last.contains(&format!("<{archive}|this channel's archive>")),
        "{last}"
    );

    let url = image["image_url"]
        .as_str()
        .expect("an image URL")
        .to_string();
    let token = url
        .strip_prefix(&app.url("/charts/"))
        .and_then(|rest| rest.strip_suffix(".png"))
        .expect("an address under /charts/")
        .to_string();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    let kept: Option<String> = sqlx::query_scalar("select chart_token from digests")
        .fetch_one(&app.db)
        .await
        .expect("the digest's row");
    assert_eq!(kept.as_deref(), Some(token.as_str()));

    let response = fetch(&url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let first = response.bytes().await.expect("a body");
    assert_eq!(png_size(&first), (800, 400));

    // Closing the other item changes the channel, not the digest already posted.
    app.command("done 2").await;
    let again = fetch(&url).await.bytes().await.expect("a body");
    assert_eq!(again, first, "the chart as of when the digest was posted");

    let other = "0".repeat(64);
    assert_eq!(
        fetch(&app.url(&format!("/charts/{other}.png")))
            .await
            .status(),
        404
    );
    assert_eq!(
        fetch(&app.url(&format!("/charts/{token}.svg")))
            .await
            .status(),
        404
    );
    assert_eq!(
        fetch(&app.url("/charts/not-a-token.png")).await.status(),
        404
    );
}

#[tokio::test]
async fn with_a_public_url_alone_the_digest_has_its_chart_but_no_archive_link() {
    let app = spawn_calendar_app().await;
    two_items_one_closed(&app).await;
    let blocks = post_digest(&app).await;
    let images = images(&blocks);
    assert_eq!(images.len(), 1);
    let url = images[0]["image_url"].as_str().expect("an image URL");
    assert!(url.starts_with(&app.url("/charts/")), "{url}");
    assert_eq!(fetch(url).await.status(), 200);
    let text = Value::Array(blocks.clone()).to_string();
    assert!(!text.contains("/archive/"), "{text}");
}

#[tokio::test]
async fn without_a_public_url_the_digest_is_text_only() {
    let app = spawn_app().await;
    two_items_one_closed(&app).await;
    let blocks = post_digest(&app).await;
    assert!(images(&blocks).is_empty(), "{blocks:#?}");
    assert!(!Value::Array(blocks).to_string().contains("/archive/"));
    let tokens: i64 = sqlx::query_scalar("select count(chart_token) from digests")
        .fetch_one(&app.db)
        .await
        .expect("counting tokens");
    assert_eq!(tokens, 0);
}

#[tokio::test]
async fn a_channel_that_never_had_an_action_item_gets_no_chart_but_still_the_archive_link() {
    let app = spawn_archive_app().await;
    let blocks = post_digest(&app).await;
    assert!(images(&blocks).is_empty(), "{blocks:#?}");
    assert!(
        blocks
            .last()
            .expect("blocks")
            .to_string()
            .contains("this channel's archive")
    );
}

/// Posts a message with one image block to the fake, as the bot would.
async fn post_image(slack: &FakeSlack, image: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{}chat.postMessage", slack.api_url))
        .bearer_auth("xoxb-test-token")
        .json(&json!({"channel": CHANNEL, "text": "chart", "blocks": [image]}))
        .send()
        .await
        .expect("the fake answers")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test]
async fn the_fake_slack_refuses_an_image_block_slack_would_refuse() {
    let slack = FakeSlack::start().await;
    let image = |url: String, alt: String| {
        json!({"type": "image", "image_url": url, "alt_text": alt,
               "title": {"type": "plain_text", "text": "A chart"}})
    };
    let url = |length: usize| {
        let start = "https://archhour.example.com/charts/";
        format!("{start}{}", "a".repeat(length - start.len()))
    };
    let ok = post_image(&slack, image(url(3000), "x".repeat(2000))).await;
    assert_eq!(ok["ok"], true, "at the limits: {ok}");
    for (what, block) in [
        ("alt text too long", image(url(100), "x".repeat(2001))),
        ("no alt text", image(url(100), String::new())),
        ("URL too long", image(url(3001), "a chart".into())),
        (
            "not a web URL",
            image("ftp://example.com/a.png".into(), "a chart".into()),
        ),
        (
            "a title in mrkdwn",
            json!({"type": "image", "image_url": url(100), "alt_text": "a chart",
                   "title": {"type": "mrkdwn", "text": "*A chart*"}}),
        ),
    ] {
        let refused = post_image(&slack, block).await;
        assert_eq!(refused["error"], "invalid_blocks", "{what}: {refused}");
    }
}
