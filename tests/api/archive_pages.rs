//! The web archive's pages of a channel: the channel (agenda, past meetings, charts), a meeting
//! and its Markdown, a topic's history, search, and the challenges log; each for a signed-in
//! person who may see the channel, and refused or 404/400 otherwise.

use std::path::Path;
use std::sync::Arc;

use reqwest::cookie::Jar;
use reqwest::redirect::Policy;

use archhour::domain::ids::ChannelId;
use archhour::tools::import::{ImportOptions, import};

use crate::support::fake_slack::oidc::SlackPerson;
use crate::support::meetings::{OneTopic, hold_one_topic_meeting};
use crate::support::{CHANNEL, TEAM, TestApp, spawn_archive_app};

/// A browser signed in as `user` (cookies kept, redirects not followed).
pub(crate) async fn signed_in(app: &TestApp, user: &str) -> reqwest::Client {
    app.slack
        .sign_in_as(SlackPerson::new(user, TEAM, "Someone"));
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::new(Jar::default()))
        .redirect(Policy::none())
        .build()
        .expect("a client");
    let mut at = app.url("/auth/slack?return_to=/archive");
    for _ in 0..3 {
        let response = client.get(&at).send().await.expect("answered");
        assert!(
            response.status().is_redirection(),
            "{at}: {}",
            response.status()
        );
        let next = response.headers()["location"]
            .to_str()
            .expect("ascii")
            .to_string();
        if next == "/archive" {
            return client;
        }
        at = next;
    }
    panic!("the sign-in did not come back to /archive");
}

/// The status and text of a page.
pub(crate) async fn open(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.expect("answered");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// Holds a meeting on 2026-11-18 on one topic (#1, one vote) for five minutes with a note, a
/// decision and an action item, and leaves a second topic (#2, two votes) on the agenda.
async fn hold_a_meeting(app: &TestApp) {
    hold_one_topic_meeting(
        app,
        OneTopic {
            proposal: "[discuss] Adopt a message queue",
            note: "Kafka and RabbitMQ are the candidates",
            decision: "Decided: start with RabbitMQ",
        },
    )
    .await;
    let next = app.propose("[inform/quest] The new CI runners").await;
    app.react("UV1", &next, "+1").await;
    app.react("UV2", &next, "+1").await;
    crate::support::eventually("the votes to be counted", || async {
        let votes: Vec<(i32, i64)> = app.counted_votes().await;
        votes.contains(&(2, 2)).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_channel_with_one_held_meeting_shows_it_on_every_page() {
    let app = spawn_archive_app().await;
    hold_a_meeting(&app).await;
    let browser = signed_in(&app, "U_ANN").await;

    let (status, page) = open(&browser, &app, "/archive/C_ARCH").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>#arch-hour</h1>"), "{page}");
    assert!(
        page.contains(r#"<td><a href="/archive/C_ARCH/topics/2">#2 The new CI runners</a></td><td>inform, quest</td><td>2</td><td>0</td>"#),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<a href="/archive/C_ARCH/2026-11-18">Arch Hour, 2026-11-18</a> · 1 topic"#
        ),
        "{page}"
    );
    assert!(page.contains(r#"<label for="q">"#), "{page}");
    assert!(page.contains("The top 1 topic(s) of the agenda; #2 leads with 2 vote(s)."));
    assert!(page.contains("Topics by intent in each quarter from 2026 Q4 to 2026 Q4."));
    assert!(page.contains("At the end of 2026-11: 1 open and 0 closed action item(s)."));
    assert_eq!(page.matches("<svg role=\"img\"").count(), 3, "three charts");

    let (status, page) = open(&browser, &app, "/archive/C_ARCH/2026-11-18").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>Arch Hour, 2026-11-18</h1>"), "{page}");
    assert!(
        page.contains(r#"<a href="/archive/C_ARCH/topics/1">#1</a> Adopt a message queue"#),
        "{page}"
    );
    assert!(
        page.contains("1 vote · discuss · proposed by @UANN"),
        "{page}"
    );
    assert!(page.contains("Planned 10 min, used 5 min"), "{page}");
    assert!(
        page.contains(r#"<a href="https://acme.slack.com/archives/C_ARCH/p"#),
        "{page}"
    );
    assert!(
        page.contains("<li>Kafka and RabbitMQ are the candidates</li>"),
        "{page}"
    );
    assert!(page.contains("compare the costs · owners: @UBOB · due 2026-12-01 · <span class=\"state-open\">open</span>"), "{page}");
    assert!(
        page.contains("1 topic(s): 10 minutes planned, 5 minutes used."),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/archive/C_ARCH/2026-11-18.md">"#));

    let markdown = browser
        .get(app.url("/archive/C_ARCH/2026-11-18.md"))
        .send()
        .await
        .expect("answered");
    assert_eq!(markdown.status(), 200);
    assert_eq!(
        markdown.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    let printed = archhour::tools::minutes::minutes(
        &app.db,
        &ChannelId::from(CHANNEL),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 18),
    )
    .await
    .expect("minutes");
    assert_eq!(markdown.text().await.expect("text"), printed);

    let (status, page) = open(&browser, &app, "/archive/C_ARCH/topics/1").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>#1 Adopt a message queue</h1>"), "{page}");
    assert!(
        page.contains(r#"Discussed on <a href="/archive/C_ARCH/2026-11-18">2026-11-18</a>."#),
        "{page}"
    );
    assert!(page.contains("<li>start with RabbitMQ</li>"), "{page}");
    assert!(page.contains("None look like it."), "{page}");

    let (status, page) = open(&browser, &app, "/archive/C_ARCH/search?q=rabbitmq").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>Search: rabbitmq</h1>"), "{page}");
    assert!(
        page.contains(r#"<a href="/archive/C_ARCH/topics/1">#1 Adopt a message queue</a> · 1 vote · discussed"#),
        "{page}"
    );
    assert!(!page.contains("CI runners"), "{page}");
}

#[tokio::test]
async fn people_are_shown_by_the_names_slack_gave_once_the_user_directory_has_them() {
    let app = spawn_archive_app().await;
    app.slack.name_user("UANN", "Ann Archer");
    app.slack.name_user("UBOB", "Bob Builder");
    hold_a_meeting(&app).await;
    let browser = signed_in(&app, "U_ANN").await;

    // A page notes the people it can only show by id; the directory looks them up in the
    // background, and the page shows their names from then on.
    let page = crate::support::eventually("the names on the meeting page", || async {
        let (status, page) = open(&browser, &app, "/archive/C_ARCH/2026-11-18").await;
        assert_eq!(status, 200, "{page}");
        (page.contains("1 vote · discuss · proposed by Ann Archer")
            && page.contains("compare the costs · owners: Bob Builder · due 2026-12-01"))
        .then_some(page)
    })
    .await;
    assert!(!page.contains("@UANN") && !page.contains("@UBOB"), "{page}");
    let (status, page) = open(&browser, &app, "/archive/C_ARCH/topics/1").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("proposed 2026-11-18 by Ann Archer"), "{page}");
    assert!(page.contains("owners: Bob Builder"), "{page}");

    // Pages are served from what is stored: opening them again asks Slack nothing.
    let asked = app.slack.calls_to("users.info").len();
    for path in ["/archive/C_ARCH/2026-11-18", "/archive/C_ARCH/topics/1"] {
        let (status, _) = open(&browser, &app, path).await;
        assert_eq!(status, 200);
    }
    assert_eq!(app.slack.calls_to("users.info").len(), asked);
    // The Markdown stays what `archhour minutes` prints: Slack mentions.
    let (_, markdown) = open(&browser, &app, "/archive/C_ARCH/2026-11-18.md").await;
    assert!(markdown.contains("<@UANN>"), "{markdown}");
}

#[tokio::test]
async fn a_channel_without_meetings_renders_every_page_empty() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    let browser = signed_in(&app, "U_ANN").await;
    let (status, page) = open(&browser, &app, "/archive/C_ARCH").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("No meetings yet."), "{page}");
    assert!(page.contains("No action items yet."), "{page}");
    assert!(page.contains(">\nNothing to show yet\n</text>"), "{page}");
    let (status, page) = open(&browser, &app, "/archive/C_ARCH/challenges").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("This channel has no challenges log yet."),
        "{page}"
    );
    let (status, page) = open(&browser, &app, "/archive/C_ARCH/search?q=kubernetes").await;
    assert_eq!(status, 200);
    assert!(page.contains("No topic matches."), "{page}");
    let (status, _) = open(&browser, &app, "/archive/C_ARCH/2026-11-18").await;
    assert_eq!(status, 404, "no meeting that day");
    let (status, _) = open(&browser, &app, "/archive/C_ARCH/2026-11-18.md").await;
    assert_eq!(status, 404);
    let (status, _) = open(&browser, &app, "/archive/C_ARCH/topics/99").await;
    assert_eq!(status, 404);
    let (status, _) = open(&browser, &app, "/archive/C_ARCH?page=2").await;
    assert_eq!(status, 404, "no second page of meetings");
}

#[tokio::test]
async fn an_imported_meeting_renders_and_its_markdown_is_what_minutes_prints() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Something to make the channel ours")
        .await;
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes/arch-hour-2020-12-17.txt");
    import(
        &app.db,
        app.clock.as_ref(),
        &fixture,
        &ChannelId::from(CHANNEL),
        ImportOptions {
            dry_run: false,
            explain: false,
        },
    )
    .await
    .expect("the import runs");
    let browser = signed_in(&app, "U_ANN").await;
    let (status, page) = open(&browser, &app, "/archive/C_ARCH/2020-12-17").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>Arch Hour, 2020-12-17</h1>"), "{page}");
    assert!(
        page.contains("Early thoughts on approaches to splitting LMS and Studio"),
        "{page}"
    );
    assert!(page.contains("4 votes"), "{page}");
    // The notes recorded no times: said in words, with no chart of empty axes and no
    // "Planned 0 min" under each topic. Their votes are charted: the nine topics had
    // 0, +1 +1 +1+1, +2, 0, 0, +3, 0, 0 and +1, numbered #2 to #10 in the notes' order (#1 is
    // the topic proposed first).
    assert!(
        page.contains("<p>No times were recorded for this meeting (imported from notes).</p>"),
        "{page}"
    );
    assert_eq!(page.matches("<svg").count(), 1, "only the votes: {page}");
    assert!(
        page.contains(
            "<figcaption>9 topic(s), 10 vote(s) in all; #3 had the most, 4.</figcaption>"
        ),
        "{page}"
    );
    assert!(!page.contains("Planned "), "{page}");
    let markdown = browser
        .get(app.url("/archive/C_ARCH/2020-12-17.md"))
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("text");
    let printed = archhour::tools::minutes::minutes(
        &app.db,
        &ChannelId::from(CHANNEL),
        chrono::NaiveDate::from_ymd_opt(2020, 12, 17),
    )
    .await
    .expect("minutes");
    assert_eq!(markdown, printed);
    let (status, page) = open(&browser, &app, "/archive/C_ARCH").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(
            r#"<a href="/archive/C_ARCH/2020-12-17">Arch Hour, 2020-12-17</a> · 9 topics"#
        ),
        "{page}"
    );
}

#[tokio::test]
async fn the_challenges_log_sorts_by_the_column_asked_for() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Something to make the channel ours")
        .await;
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes/arch-challenges-2020.txt");
    let text = std::fs::read_to_string(&fixture).expect("the fixture");
    archhour::tools::challenges::import(
        &app.db,
        app.clock.as_ref(),
        "arch-challenges-2020.txt",
        &text,
        &ChannelId::from(CHANNEL),
        false,
    )
    .await
    .expect("imported");
    let browser = signed_in(&app, "U_ANN").await;
    let (status, page) = open(&browser, &app, "/archive/C_ARCH/challenges").await;
    assert_eq!(status, 200, "{page}");
    assert!(!page.contains("aria-sort"), "the log's own order: {page}");
    assert!(
        page.contains(
            r#"<a href="/archive/C_ARCH/challenges?sort=occurrences&amp;dir=asc">Occurrences</a>"#
        ),
        "{page}"
    );
    let (status, page) = open(
        &browser,
        &app,
        "/archive/C_ARCH/challenges?sort=occurrences&dir=desc",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"<th scope="col" aria-sort="descending"><a href="/archive/C_ARCH/challenges?sort=occurrences&amp;dir=asc">"#),
        "{page}"
    );
    let (status, _) = open(&browser, &app, "/archive/C_ARCH/challenges?sort=colour").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn every_page_sends_a_stranger_to_sign_in_and_back() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("a client");
    for (path, back) in [
        ("/archive/C_ARCH", "/archive/C_ARCH"),
        ("/archive/C_ARCH/2026-11-18", "/archive/C_ARCH/2026-11-18"),
        (
            "/archive/C_ARCH/2026-11-18.md",
            "/archive/C_ARCH/2026-11-18.md",
        ),
        ("/archive/C_ARCH/topics/1", "/archive/C_ARCH/topics/1"),
        ("/archive/C_ARCH/search?q=queue", "/archive/C_ARCH/search"),
        ("/archive/C_ARCH/challenges", "/archive/C_ARCH/challenges"),
    ] {
        let response = client.get(app.url(path)).send().await.expect("answered");
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(
            response.headers()["location"],
            format!("/auth/slack?return_to={back}").as_str(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_private_channels_pages_are_not_found_for_outsiders_and_shown_to_members() {
    let app = spawn_archive_app().await;
    app.slack.add_private_channel("G_SECRET");
    app.slack.invite_bot("G_SECRET");
    app.slack.name_channel("G_SECRET", "secret-plans");
    app.slack.set_members("G_SECRET", &["U_ANN", "UBOT"]);
    app.propose_in("G_SECRET", "U_ANN", "[discuss] Buy the competitor")
        .await;
    let outsider = signed_in(&app, "U_BO").await;
    for path in [
        "/archive/G_SECRET",
        "/archive/G_SECRET/2026-11-18",
        "/archive/G_SECRET/topics/1",
        "/archive/G_SECRET/search?q=competitor",
        "/archive/G_SECRET/challenges",
    ] {
        let (status, page) = open(&outsider, &app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            !page.contains("secret-plans") && !page.contains("competitor</a>"),
            "{path}: {page}"
        );
    }
    let member = signed_in(&app, "U_ANN").await;
    let (status, page) = open(&member, &app, "/archive/G_SECRET/topics/1").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("#secret-plans (private)"), "{page}");
}

#[tokio::test]
async fn addresses_that_are_not_pages_say_why() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    let browser = signed_in(&app, "U_ANN").await;
    for (path, status, says) in [
        ("/archive/C_ELSEWHERE", 404, "There is no such page"),
        ("/archive/not-a-channel", 404, "There is no such page"),
        ("/archive/C_ARCH/2026-02-30", 400, "YYYY-MM-DD"),
        ("/archive/C_ARCH/yesterday", 400, "YYYY-MM-DD"),
        ("/archive/C_ARCH/topics/twelve", 400, "/topics/12"),
        ("/archive/C_ARCH/topics/0", 400, "/topics/12"),
        ("/archive/C_ARCH?page=0", 400, "?page=2"),
    ] {
        let (answered, page) = open(&browser, &app, path).await;
        assert_eq!(answered, status, "{path}");
        assert!(page.contains(says), "{path}: {page}");
    }
    let long = "a".repeat(201);
    let (status, page) = open(&browser, &app, &format!("/archive/C_ARCH/search?q={long}")).await;
    assert_eq!(status, 400);
    assert!(page.contains("at most 200 characters"), "{page}");
    let (status, _) = open(
        &browser,
        &app,
        &format!("/archive/C_ARCH/search?q={}", "a".repeat(200)),
    )
    .await;
    assert_eq!(status, 200, "200 characters are searched");
}

#[tokio::test]
async fn past_meetings_come_fifty_to_a_page_newest_first() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    // 60 weekly meetings, the last on 2026-11-11.
    sqlx::query(
        "insert into meetings (team_id, channel_id, started_by, started_at, ended_at, phase, held_on, title)
         select $1, $2, 'U_ANN', d, d + interval '1 hour', 'ended', d::date, 'Arch Hour'
         from generate_series(timestamptz '2026-11-11 11:00Z' - interval '59 weeks',
                              timestamptz '2026-11-11 11:00Z', interval '1 week') as d",
    )
    .bind(TEAM)
    .bind(CHANNEL)
    .execute(&app.db)
    .await
    .expect("meetings inserted");
    let browser = signed_in(&app, "U_ANN").await;
    let (status, page) = open(&browser, &app, "/archive/C_ARCH").await;
    assert_eq!(status, 200);
    assert_eq!(page.matches(" · 0 topics</li>").count(), 50, "{page}");
    assert!(page.contains("Page 1 of 2"), "{page}");
    crate::support::assert_in_order(&page, &["2026-11-11", "2026-11-04", "Older"]);
    assert!(!page.contains(">Newer<"));
    let (status, page) = open(&browser, &app, "/archive/C_ARCH?page=2").await;
    assert_eq!(status, 200);
    assert_eq!(page.matches(" · 0 topics</li>").count(), 10, "{page}");
    // 60 weeks back from 2026-11-11 the first was 2025-09-24 (59 weeks: 2025-09-24).
    assert!(page.contains(">Arch Hour, 2025-09-24<"), "{page}");
    assert!(
        page.contains("Page 2 of 2") && page.contains(">Newer<"),
        "{page}"
    );
    let (status, _) = open(&browser, &app, "/archive/C_ARCH?page=3").await;
    assert_eq!(status, 404);
}
