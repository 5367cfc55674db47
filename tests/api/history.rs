//! The group's history: importing notes pages, minutes that re-import losslessly, the weekly
//! digest, search, and similar topics shown on proposal.

use std::path::PathBuf;
use std::time::Duration;

use archhour::tools;

use crate::support::{CHANNEL, TestApp, eventually, spawn_app};
use archhour::domain::ids::ChannelId;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/notes")
        .join(name)
}

async fn import(app: &TestApp, file: &std::path::Path, channel: &str) -> String {
    tools::import::import(
        &app.db,
        app.clock.as_ref(),
        file,
        &ChannelId::from(channel),
        Default::default(),
    )
    .await
    .expect("import succeeds")
}

/// (meetings, topics, votes, action items, decisions) stored for a channel.
async fn stored(app: &TestApp, channel: &str) -> (i64, i64, i64, i64, i64) {
    sqlx::query_as(
        "select (select count(*) from meetings where channel_id = $1),
                (select count(*) from topics where channel_id = $1),
                (select coalesce(sum(imported_votes), 0) from topics where channel_id = $1),
                (select count(*) from action_items where channel_id = $1),
                (select count(*) from decisions where channel_id = $1)",
    )
    .bind(channel)
    .fetch_one(&app.db)
    .await
    .expect("counting")
}

/// The figures come from reading each page (see src/notes/tests.rs for how they were counted).
#[tokio::test]
async fn importing_each_fixture_page_stores_the_hand_counted_figures_once() {
    let app = spawn_app().await;
    let pages = [
        ("arch-hour-2020-12-17.txt", "CHOUR", (1, 9, 10, 1, 0)),
        ("arch-lunch-2019-10-31.txt", "CLUNCH", (1, 4, 18, 0, 0)),
        ("programs-review-2015-09-16.txt", "CPROG", (1, 15, 0, 9, 2)),
    ];
    for (page, channel, expected) in pages {
        let report = import(&app, &fixture(page), channel).await;
        assert!(
            report.contains(&format!("Imported into {channel}")),
            "{report}"
        );
        assert_eq!(stored(&app, channel).await, expected, "{page}");
        // Again: nothing added.
        let again = import(&app, &fixture(page), channel).await;
        assert!(again.contains("Already imported"), "{again}");
        assert_eq!(
            stored(&app, channel).await,
            expected,
            "{page} imported twice"
        );
    }
    let owners: Vec<String> = sqlx::query_scalar(
        "select unnest(owner_names) from action_items where channel_id = 'CHOUR'",
    )
    .fetch_all(&app.db)
    .await
    .expect("owners");
    assert_eq!(owners, ["Adam Blackwell", "Nimisha Asthagiri"]);
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let app = spawn_app().await;
    let report = tools::import::import(
        &app.db,
        app.clock.as_ref(),
        &fixture("arch-hour-2020-12-17.txt"),
        &ChannelId::from("CDRY"),
        tools::import::ImportOptions {
            dry_run: true,
            explain: false,
        },
    )
    .await
    .expect("dry run");
    assert!(report.starts_with(
        "Read arch-hour-2020-12-17.txt: 1 meeting(s) (Arch Hour 2020-12-17); 9 topic(s) with 10 vote(s); 1 action item(s); 0 decision(s);"
    ), "{report}");
    assert!(report.contains("3 line(s) could not be placed:"));
    assert!(report.ends_with("Dry run: nothing was written.\n"));
    assert_eq!(stored(&app, "CDRY").await, (0, 0, 0, 0, 0));
}

#[tokio::test]
async fn minutes_of_an_imported_meeting_import_back_to_the_same_meeting() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("temp dir");
    for (page, date) in [
        ("arch-hour-2020-12-17.txt", "2020-12-17"),
        ("arch-lunch-2019-10-31.txt", "2019-10-31"),
        ("programs-review-2015-09-16.txt", "2015-09-16"),
    ] {
        import(&app, &fixture(page), "CFIRST").await;
        let date = date.parse().expect("date");
        let minutes = tools::minutes::minutes(&app.db, &ChannelId::from("CFIRST"), Some(date))
            .await
            .expect("minutes");
        let copy = dir.path().join(page);
        std::fs::write(&copy, &minutes).expect("writing minutes");
        let report = import(&app, &copy, "CSECOND").await;
        assert!(!report.contains("could not be placed"), "{report}");
        let again = tools::minutes::minutes(&app.db, &ChannelId::from("CSECOND"), Some(date))
            .await
            .expect("minutes of the copy");
        assert_eq!(again, minutes, "{page}");
    }
    assert_eq!(stored(&app, "CFIRST").await, stored(&app, "CSECOND").await);
}

#[tokio::test]
async fn minutes_of_a_meeting_run_in_slack_import_back_the_same() {
    let app = spawn_app().await;
    let card = app.propose("[quest] What is paver used for today?").await;
    app.react("UV1", &card, "+1").await;
    app.start_meeting().await;
    app.reply_in_thread("UANN", &card, "paver renders the old course pages")
        .await;
    app.reply_in_thread("UBOB", &card, "Decided: keep paver until the MFE lands")
        .await;
    app.reply_in_thread(
        "UANN",
        &card,
        "ACTION <@UBOB> list what still uses paver due 2026-12-01",
    )
    .await;
    app.advance(Duration::from_secs(5 * 60)).await;
    app.end_meeting().await;
    let minutes = tools::minutes::minutes(&app.db, &ChannelId::from(CHANNEL), None)
        .await
        .expect("minutes");
    assert_eq!(
        minutes,
        "Arch Hour: 2026-11-18\n\nTopics\n\n\
         \x20 • (1) [quest] What is paver used for today? [<@U_ANN>]\n\
         \x20   • paver renders the old course pages\n\
         \x20   • Decided: keep paver until the MFE lands\n\
         \x20   • [ ] <@UBOB> list what still uses paver (owners: <@UBOB>; due 2026-12-01)\n\
         \nAction Items\n\n\
         \x20 • <@UBOB>\n\
         \x20   • [ ] <@UBOB> list what still uses paver (owners: <@UBOB>; due 2026-12-01)\n"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("minutes.md");
    std::fs::write(&copy, &minutes).expect("writing");
    import(&app, &copy, "CCOPY").await;
    let again = tools::minutes::minutes(&app.db, &ChannelId::from("CCOPY"), None)
        .await
        .expect("minutes of the copy");
    assert_eq!(again, minutes);
}

#[tokio::test]
async fn minutes_name_an_unknown_channel_or_date() {
    let app = spawn_app().await;
    let unknown = tools::minutes::minutes(&app.db, &ChannelId::from("CNOPE"), None)
        .await
        .expect_err("no meetings");
    assert_eq!(unknown.to_string(), "channel CNOPE has no meetings");
    import(&app, &fixture("arch-lunch-2019-10-31.txt"), "CLUNCH").await;
    let wrong_day = tools::minutes::minutes(
        &app.db,
        &ChannelId::from("CLUNCH"),
        Some("2019-11-01".parse().expect("date")),
    )
    .await
    .expect_err("no meeting that day");
    assert_eq!(
        wrong_day.to_string(),
        "channel CLUNCH had no meeting on 2019-11-01"
    );
}

#[tokio::test]
async fn search_finds_a_topic_by_a_word_in_its_notes() {
    let app = spawn_app().await;
    import(&app, &fixture("programs-review-2015-09-16.txt"), CHANNEL).await;
    // "anonymous" appears only in the notes of "Replicating users into Programs".
    let reply = app.command("search anonymous").await;
    let text = reply["blocks"][0]["text"]["text"].as_str().expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "*1 topic matching* `anonymous`:");
    assert!(
        lines[1].contains("Replicating users into Programs · discussed 2015-09-16 · 0 votes"),
        "{text}"
    );
    // A decision's words count too.
    let slugify = app.command("search slugify").await;
    assert!(
        slugify["blocks"][0]["text"]["text"]
            .as_str()
            .expect("text")
            .contains("Database ids vs human-readable slug for programs and organizations")
    );
    let nothing = app.command("search kubernetes").await;
    assert_eq!(
        nothing["text"],
        "No topics in this channel match `kubernetes`."
    );
}

#[tokio::test]
async fn proposing_a_topic_discussed_before_shows_the_earlier_one() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("arch-hour-2021-06-30.txt");
    std::fs::write(
        &page,
        "Arch Hour: 2021-06-30\n\nTopics\n\n  • [quest] What is paver used for today? +1 +1\n    • paver renders course pages\n  • Documentation strategy\n",
    )
    .expect("writing");
    import(&app, &page, CHANNEL).await;
    let reply = app.command("[quest] What is paver?").await;
    let text = reply["text"].as_str().expect("text");
    assert!(
        text.contains(
            "Similar earlier topics:\n• discussed 2021-06-30: #1 What is paver used for today?"
        ),
        "{text}"
    );
    assert!(!text.contains("Documentation strategy"));
    let unrelated = app.command("[discuss] Kubernetes for sandboxes").await;
    assert!(
        !unrelated["text"]
            .as_str()
            .expect("text")
            .contains("Similar earlier topics")
    );
}

/// The confirmation's text of proposing `text` in the test channel.
async fn confirmation(app: &TestApp, text: &str) -> String {
    let reply = app.command(text).await;
    let text = reply["text"].as_str().expect("text");
    assert!(text.contains("is on the agenda"), "{text}");
    text.to_string()
}

/// A line with a card's link `<https://…|#1>` shown as its number `#1`, as it is before the
/// card is posted.
fn unlinked(line: &str) -> String {
    match (line.find("<http"), line.find('|'), line.find('>')) {
        (Some(open), Some(bar), Some(close)) if open < bar && bar < close => {
            format!(
                "{}{}{}",
                &line[..open],
                &line[bar + 1..close],
                &line[close + 1..]
            )
        }
        _ => line.to_string(),
    }
}

/// The earlier topics a confirmation lists as similar.
fn similar_listed(confirmation: &str) -> Vec<String> {
    confirmation
        .split_once("\nSimilar earlier topics:\n")
        .map_or_else(Vec::new, |(_, lines)| lines.lines().map(unlinked).collect())
}

/// In this history "still" and "need" are each in 3 earlier titles of 10, "use" and "today" in
/// 4, "paver" in one: the new title shares its rare word with #1 and only common words with
/// #2 (which shares two of its three words; half the shorter title would have shown it, and
/// not #1). See src/topics/similarity.rs for the rule.
#[tokio::test]
async fn a_rare_shared_word_shows_an_earlier_topic_and_common_words_do_not() {
    let app = spawn_app().await;
    for earlier in [
        "[quest] What is paver used for today?",
        "[discuss] Do we still need the forums?",
        "[discuss] Which tools do we still use today?",
        "[discuss] Do we need a design system today?",
        "[inform] Who will use the new dashboards?",
        "[discuss] Still need help with upgrades",
        "[ideation] Kubernetes for sandboxes",
        "[discuss] Documentation strategy",
        "[inform] Release notes today",
        "[discuss] Do we use feature flags?",
    ] {
        confirmation(&app, earlier).await;
    }
    let paver = confirmation(&app, "[quest] What is paver and do we still need it?").await;
    assert_eq!(
        similar_listed(&paver),
        ["• open: #1 What is paver used for today?"],
        "{paver}"
    );
    // "today" is in 5 of the 12 titles by now: sharing it alone says nothing.
    let today = confirmation(&app, "[discuss] On call today").await;
    assert_eq!(similar_listed(&today), [] as [&str; 0], "{today}");
    assert!(!today.contains("Similar earlier topics"), "{today}");
    // Stop words are not words: "How do we handle this?" is (handl), the next (test).
    confirmation(&app, "[discuss] How do we handle this?").await;
    let how = confirmation(&app, "[discuss] How do we test that?").await;
    assert!(!how.contains("Similar earlier topics"), "{how}");
}

/// Slack sends `&`, `<` and `>` escaped; the title is stored as typed and escaped once where
/// it is shown again.
#[tokio::test]
async fn a_title_with_markup_characters_is_escaped_once_in_similar_topics_and_search() {
    let app = spawn_app().await;
    confirmation(&app, "[discuss] Ideas &amp; plans for &lt;2027&gt;").await;
    let stored: String = sqlx::query_scalar("select title from topics where number = 1")
        .fetch_one(&app.db)
        .await
        .expect("the title");
    assert_eq!(stored, "Ideas & plans for <2027>");
    let again = confirmation(&app, "[discuss] Revisit ideas &amp; plans for &lt;2027&gt;").await;
    assert!(
        again.starts_with("#2 [discuss] Revisit ideas &amp; plans for &lt;2027&gt; is on"),
        "{again}"
    );
    assert_eq!(
        similar_listed(&again),
        ["• open: #1 Ideas &amp; plans for &lt;2027&gt;"],
        "{again}"
    );
    let search = app.command("search ideas &amp; plans").await;
    let text = search["blocks"][0]["text"]["text"].as_str().expect("text");
    assert_eq!(
        text.lines().map(unlinked).collect::<Vec<_>>(),
        [
            "*2 topics matching* `ideas &amp; plans`:",
            "1. *#2* `discuss` Revisit ideas &amp; plans for &lt;2027&gt; · open · 0 votes",
            "2. *#1* `discuss` Ideas &amp; plans for &lt;2027&gt; · open · 0 votes",
        ]
    );
    for shown in [again.as_str(), &search.to_string()] {
        assert!(
            !shown.contains("&amp;amp;") && !shown.contains("&amp;lt;"),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn the_digest_has_every_section_and_posts_once_per_period() {
    let app = spawn_app().await;
    // Last meeting: #1 discussed for 7 minutes with a decision and an item.
    let first = app.propose("[quest] What is paver used for today?").await;
    app.react("UV1", &first, "+1").await;
    app.propose("[discuss] Splitting LMS and Studio").await;
    let third = app.propose("[ideation] Guests for next year").await;
    app.react("UV1", &third, "+1").await;
    app.react("UV2", &third, "+1").await;
    app.start_meeting().await;
    let discussed: i32 =
        sqlx::query_scalar("select t.number from meetings m join topics t on t.id = m.topic_id")
            .fetch_one(&app.db)
            .await
            .expect("current topic");
    assert_eq!(discussed, 3, "the most voted topic goes first");
    let card = crate::support::Card {
        number: 3,
        channel: CHANNEL.into(),
        ts: third.ts.clone(),
    };
    app.reply_in_thread("UJIM", &card, "Decided: invite a QA expert")
        .await;
    app.command("action <@UADAM> ask the QA guild due 2026-11-17")
        .await;
    app.advance(Duration::from_secs(7 * 60)).await;
    app.command("end").await;
    app.idle().await;
    app.command("action <@UNIM> write the ADR").await;
    app.advance(Duration::from_secs(3600)).await;
    app.propose("[inform] New deploy pipeline").await;

    let preview = app.command("digest preview").await;
    assert_eq!(preview["response_type"], "ephemeral");
    let text = preview["blocks"].to_string();
    for expected in [
        "*Arch Hour weekly digest* · next meeting <!date^",
        "*Agenda so far*\\n1. *#1* `quest` What is paver used for today? · 1 vote\\n2. *#2* `discuss` Splitting LMS and Studio · 0 votes\\n3. *#4* `inform` New deploy pipeline · 0 votes",
        "*New since the last digest*\\n• *#1* `quest` What is paver used for today?",
        "• *#4* `inform` New deploy pipeline",
        "*Last meeting*: Arch Hour, 2026-11-18\\n• *#3* `ideation` Guests for next year · 2 votes · 1 round · 7 min (planned 10)",
        "_Decisions_\\n• invite a QA expert",
        "_Action items_\\n• *A1* ask the QA guild · due 2026-11-17 · *overdue* — <@UADAM>",
        "*Open action items*\\n• <@UADAM>: *A1* ask the QA guild · due 2026-11-17 · *overdue*\\n• <@UNIM>: *A2* write the ADR",
        "*Topics by intent*: inform 1 · quest 1 · discuss 1",
    ] {
        assert!(text.contains(expected), "missing {expected}\n{text}");
    }

    let posted = app.command("digest").await;
    assert_eq!(posted["text"], "Posted this week's digest in the channel.");
    eventually("the digest to be posted", || async {
        app.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .find(|call| call.args["text"] == "Arch Hour weekly digest")
    })
    .await;
    let again = app.command("digest").await;
    assert_eq!(
        again["text"],
        "This period's digest was already posted; it is not posted twice."
    );
    app.idle().await;
    let digests = app
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|call| call.args["text"] == "Arch Hour weekly digest")
        .count();
    assert_eq!(digests, 1);

    // The next Monday 09:00 (the default schedule) starts a new period: the scheduled digest
    // posts, listing only topics proposed since the last one.
    app.advance(Duration::from_secs(5 * 86_400)).await;
    let scheduled = eventually("the scheduled digest", || async {
        let digests: Vec<_> = app
            .slack
            .calls_to("chat.postMessage")
            .into_iter()
            .filter(|call| call.args["text"] == "Arch Hour weekly digest")
            .collect();
        (digests.len() == 2).then(|| digests[1].clone())
    })
    .await;
    assert!(
        scheduled.args["blocks"]
            .to_string()
            .contains("*New since the last digest*\\nNo new topics.")
    );
}
