//! The architecture challenges log: recording anecdotes in one line and through the form, the
//! list's order, importing the wiki page and exporting it back, and "Discuss at Arch Hour".

use std::path::PathBuf;

use serde_json::{Value, json};

use archhour::tools;

use crate::support::{CHANNEL, FORM, TestApp, challenge_form_submission, eventually, spawn_app};
use archhour::domain::ids::ChannelId;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes/arch-challenges-2020.txt")
}

/// (issues, sum of occurrences, anecdotes) stored for a channel.
async fn stored(app: &TestApp, channel: &str) -> (i64, i64, i64) {
    sqlx::query_as(
        "select (select count(*) from challenge_issues where channel_id = $1),
                (select coalesce(sum(occurrences), 0) from challenge_issues
                 where channel_id = $1),
                (select count(*) from challenge_anecdotes where channel_id = $1)",
    )
    .bind(channel)
    .fetch_one(&app.db)
    .await
    .expect("counting")
}

fn text(reply: &Value) -> String {
    reply["text"].as_str().expect("a text reply").to_string()
}

/// The text of every section and context block of a reply.
fn shown(reply: &Value) -> String {
    reply["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|block| {
            let section = block["text"]["text"].as_str().map(str::to_string);
            let context = block["elements"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["text"].as_str().map(str::to_string))
                .collect::<Vec<_>>();
            section.into_iter().chain(context)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Submits the challenge form with these state values, as Slack posts a `view_submission`.
async fn submit(app: &TestApp, view_id: &str, values: Value) -> reqwest::Response {
    let payload = challenge_form_submission("U_BEA", view_id, values);
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("encodes");
    app.post_signed("/slack/interactions", FORM, body.into_bytes())
        .await
}

pub fn typed(value: &str) -> Value {
    json!({"type": "plain_text_input", "value": value})
}

fn picked(value: &str) -> Value {
    json!({"type": "static_select", "selected_option": {
        "text": {"type": "plain_text", "text": value}, "value": value}})
}

/// Form values: each block's one element has the block's id as its action id.
pub fn form(fields: &[(&str, Value)]) -> Value {
    let mut values = serde_json::Map::new();
    for (block, value) in fields {
        values.insert((*block).to_string(), json!({ *block: value }));
    }
    Value::Object(values)
}

#[tokio::test]
async fn one_line_records_an_anecdote_and_a_second_one_makes_two_occurrences() {
    let app = spawn_app().await;
    let first = app
        .command("challenge Pipeline | Security merge conflicts are hard to detect | The pipeline stopped for a day")
        .await;
    assert_eq!(
        text(&first),
        "Recorded a new issue in the challenges log: *C1* Pipeline › Security merge conflicts are hard to detect · now 1 occurrence.\n`/archtopic challenge 1` shows it; `/archtopic challenges` lists the log."
    );
    // Another person, another case and spacing, a team and a day: the same issue.
    let second = app
        .command_in(
            CHANNEL,
            "U_BEA",
            "challenge pipeline |  SECURITY merge conflicts are hard to detect | Rebasing took all morning | Arch BOM | 2026-11-02",
        )
        .await;
    assert!(
        text(&second).starts_with(
            "Recorded on *C1* Pipeline › Security merge conflicts are hard to detect · now 2 occurrences."
        ),
        "{}",
        text(&second)
    );
    assert_eq!(stored(&app, CHANNEL).await, (1, 2, 2));
    let anecdotes: Vec<(String, Option<String>, Option<chrono::NaiveDate>, String)> =
        sqlx::query_as(
            "select text, team, happened_on, recorded_by from challenge_anecdotes order by id",
        )
        .fetch_all(&app.db)
        .await
        .expect("anecdotes");
    let day = |d: &str| Some(d.parse().expect("date"));
    assert_eq!(
        anecdotes,
        [
            (
                "The pipeline stopped for a day".into(),
                None,
                day("2026-11-18"),
                "U_ANN".into()
            ),
            (
                "Rebasing took all morning".into(),
                Some("Arch BOM".into()),
                day("2026-11-02"),
                "U_BEA".into()
            ),
        ]
    );

    // Bad input says why and changes nothing.
    for (line, why) in [
        ("challenge Pipeline | | it broke", "the issue is empty"),
        (
            "challenge Pipeline | Merge conflicts",
            "it needs at least a category, an issue and what happened, separated by |",
        ),
        (
            "challenge Pipeline | Merge conflicts | it broke | SRE | 2026-11-19",
            "2026-11-19 is in the future",
        ),
        (
            "challenge Pipeline | Merge conflicts | it broke | SRE | yesterday",
            "\"yesterday\" is not a date; write it as YYYY-MM-DD",
        ),
    ] {
        let reply = app.command(line).await;
        assert!(
            text(&reply).starts_with(&format!("Nothing was recorded: {why}.")),
            "{line}: {}",
            text(&reply)
        );
    }
    assert_eq!(stored(&app, CHANNEL).await, (1, 2, 2));
    for method in ["chat.postMessage", "chat.postEphemeral", "views.open"] {
        assert!(
            app.slack.calls_to(method).is_empty(),
            "one-line replies need no {method}"
        );
    }
}

#[tokio::test]
async fn the_form_offers_the_log_and_records_a_valid_submission_once() {
    let app = spawn_app().await;
    app.command("challenge Pipeline | Merge conflicts | The pipeline stopped")
        .await;
    let issue_id: i64 = sqlx::query_scalar("select id from challenge_issues")
        .fetch_one(&app.db)
        .await
        .expect("issue");

    let response = app
        .post_signed(
            "/slack/commands",
            FORM,
            crate::support::command_body_with_trigger(CHANNEL, "U_BEA", "challenge", "1.2.form"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.expect("body"),
        "",
        "no message, a form"
    );
    let opened = app.slack.calls_to("views.open");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].args["trigger_id"], "1.2.form");
    let view = &opened[0].args["view"];
    assert_eq!(view["callback_id"], "challenge_record");
    assert_eq!(view["private_metadata"], CHANNEL);
    let block = |id: &str| {
        view["blocks"]
            .as_array()
            .expect("blocks")
            .iter()
            .find(|b| b["block_id"] == id)
            .unwrap_or_else(|| panic!("no {id} block"))
            .clone()
    };
    assert_eq!(
        block("category")["element"]["options"][0]["value"],
        "Pipeline"
    );
    let group = &block("issue")["element"]["option_groups"][0];
    assert_eq!(group["label"]["text"], "Pipeline");
    assert_eq!(group["options"][0]["value"], issue_id.to_string());
    assert_eq!(group["options"][0]["text"]["text"], "C1 Merge conflicts");
    assert_eq!(block("date")["element"]["initial_date"], "2026-11-18");

    let valid = form(&[
        ("issue", picked(&issue_id.to_string())),
        (
            "what_happened",
            typed("A security fix\nconflicted for a week"),
        ),
        ("team", typed("SRE")),
        (
            "date",
            json!({"type": "datepicker", "selected_date": "2026-11-10"}),
        ),
    ]);
    for _ in 0..2 {
        let response = submit(&app, "V100", valid.clone()).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.expect("body"), "", "the form closes");
    }
    assert_eq!(
        stored(&app, CHANNEL).await,
        (1, 2, 2),
        "submitted twice, recorded once"
    );
    let (text, team): (String, Option<String>) =
        sqlx::query_as("select text, team from challenge_anecdotes where source = 'view:V100'")
            .fetch_one(&app.db)
            .await
            .expect("the form's anecdote");
    assert_eq!(
        (text.as_str(), team.as_deref()),
        ("A security fix conflicted for a week", Some("SRE"))
    );
    let told = eventually("the confirmation", || async {
        let calls = app.slack.calls_to("chat.postEphemeral");
        (!calls.is_empty()).then_some(calls)
    })
    .await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].args["user"], "U_BEA");
    assert!(
        told[0].args["text"]
            .as_str()
            .expect("text")
            .starts_with("Recorded on *C1* Pipeline › Merge conflicts · now 2 occurrences."),
        "{}",
        told[0].args["text"]
    );

    // A new issue with no category, nothing said, a day to come: errors under each field.
    let invalid = form(&[
        ("new_issue", typed("Flaky builds")),
        ("what_happened", typed("   ")),
        (
            "date",
            json!({"type": "datepicker", "selected_date": "2026-12-01"}),
        ),
    ]);
    let response = submit(&app, "V101", invalid).await;
    assert_eq!(response.status(), 200);
    let errors: Value = response.json().await.expect("JSON errors");
    assert_eq!(
        errors,
        json!({"response_action": "errors", "errors": {
            "new_category": "A new issue needs a category: pick one or type a new one.",
            "what_happened": "Say what happened.",
            "date": "2026-12-01 is in the future."
        }})
    );
    assert_eq!(stored(&app, CHANNEL).await, (1, 2, 2));

    // A new issue in a new category.
    let response = submit(
        &app,
        "V102",
        form(&[
            ("new_category", typed("Build tools")),
            ("new_issue", typed("Flaky builds")),
            ("what_happened", typed("Master was red all day")),
        ]),
    )
    .await;
    assert_eq!(response.text().await.expect("body"), "");
    assert_eq!(stored(&app, CHANNEL).await, (2, 3, 3));
    let happened: chrono::NaiveDate = sqlx::query_scalar(
        "select happened_on from challenge_anecdotes where source = 'view:V102'",
    )
    .fetch_one(&app.db)
    .await
    .expect("dated");
    assert_eq!(happened.to_string(), "2026-11-18", "no date means today");
}

#[tokio::test]
async fn when_slack_will_not_open_the_form_the_reply_shows_the_one_line_form() {
    let app = spawn_app().await;
    app.slack.script(
        "views.open",
        [crate::support::fake_slack::Scripted::SlackError(
            "expired_trigger_id",
        )],
    );
    let reply = app.command("challenge").await;
    assert!(
        text(&reply)
            .starts_with("I could not open the form just now. Record it in one line instead:"),
        "{}",
        text(&reply)
    );
    assert_eq!(stored(&app, CHANNEL).await, (0, 0, 0));
}

#[tokio::test]
async fn the_log_lists_most_occurrences_first_then_the_most_recently_seen() {
    let app = spawn_app().await;
    // C1..C5 in this order; counts 1, 3, 2, 2, 1; last seen as dated.
    let records = [
        ("Pipeline | Merge conflicts | x | | 2026-01-10", 1),
        ("Authorization | Admin access | y | | 2025-06-01", 3),
        ("Pipeline | Flaky builds | z | | 2026-03-01", 2),
        ("Authentication | JWT cookies | w | | 2026-05-01", 2),
        ("Masquerading | Security checks | q | | 2026-10-01", 1),
    ];
    for (line, times) in records {
        for _ in 0..times {
            app.command(&format!("challenge {line}")).await;
        }
    }
    let reply = app.command("challenges").await;
    let listed = shown(&reply);
    let order: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.strip_prefix("• *"))
        .map(|rest| rest.split('*').next().expect("number"))
        .collect();
    // 3 first; of the two 2s, C4 was seen in May and C3 in March; of the 1s, C5 in October
    // and C1 in January.
    assert_eq!(order, ["C2", "C4", "C3", "C5", "C1"]);
    assert!(
        listed
            .contains("• *C2* Authorization › Admin access · 3 occurrences · last seen 2025-06-01")
    );

    let pipeline = shown(&app.command("challenges pipeline").await);
    assert!(
        pipeline.starts_with("*Architecture challenges: Pipeline*\n• *C3*"),
        "{pipeline}"
    );
    assert!(!pipeline.contains("C2"));
    let unknown = app.command("challenges Networking").await;
    assert_eq!(
        text(&unknown),
        "This channel's challenges log has no category “Networking”. Its categories: Pipeline, Authorization, Authentication, Masquerading."
    );

    // The digest shows what was recorded since the last one, and the top three.
    let digest = shown(&app.command("digest preview").await);
    assert!(
        digest.contains("*Architecture challenges: new since the last digest*\n• *C1* Pipeline › Merge conflicts: x (2026-01-10)"),
        "{digest}"
    );
    assert!(
        digest.contains("• *C5* Masquerading › Security checks: q (2026-10-01)\n_Hit most often_"),
        "all nine are listed: {digest}"
    );
    assert!(
        digest.contains("_Hit most often_\n1. *C2* Authorization › Admin access · 3 occurrences\n2. *C4* Authentication › JWT cookies · 2 occurrences\n3. *C3* Pipeline › Flaky builds · 2 occurrences"),
        "{digest}"
    );
}

#[tokio::test]
async fn a_status_is_set_and_shown_with_every_anecdote() {
    let app = spawn_app().await;
    app.command("challenge Authentication Clean-up | JWT Expired Signature | Payment had to add a hack | Payments | 2019-11-20")
        .await;
    app.command("challenge Authentication Clean-up | JWT expired signature | It came back")
        .await;
    let set = app
        .command("challenge C1 status ARCHBOM-1152 Note: not actually completed")
        .await;
    assert_eq!(
        text(&set),
        "*C1* Authentication Clean-up › JWT Expired Signature · status: ARCHBOM-1152 Note: not actually completed"
    );
    let detail = shown(&app.command("challenge 1").await);
    assert!(
        detail.starts_with(
            "*C1* Authentication Clean-up › JWT Expired Signature\n2 occurrences · last seen 2026-11-18 · status: ARCHBOM-1152 Note: not actually completed\n• *November 20, 2019* (Payments): Payment had to add a hack\n• *November 18, 2026*: It came back"
        ),
        "{detail}"
    );
    assert_eq!(
        text(&app.command("challenge 9").await),
        "There is no challenge C9 in this channel's log. `/archtopic challenges` lists them."
    );
    assert_eq!(
        text(&app.command("challenge 1 status").await),
        "Usage: `/archtopic challenge 7 status ARCHBOM-1202, not completed`"
    );
}

#[tokio::test]
async fn discuss_at_arch_hour_proposes_one_linked_topic_however_often_it_is_pressed() {
    let app = spawn_app().await;
    app.command("challenge Authorization | Managing admin access to Django services | SRE had to add admins by hand")
        .await;
    let issue_id: i64 = sqlx::query_scalar("select id from challenge_issues")
        .fetch_one(&app.db)
        .await
        .expect("issue");
    let detail = app.command("challenge 1").await;
    let button = detail["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .find_map(|b| {
            b["elements"]
                .as_array()?
                .iter()
                .find(|e| e["type"] == "button")
                .cloned()
        })
        .expect("a button");
    assert_eq!(button["action_id"], "challenge_discuss");
    assert_eq!(button["value"], issue_id.to_string());

    // Two people press at once, then one presses again.
    let value = issue_id.to_string();
    let (a, b) = tokio::join!(
        app.press("U_ANN", "challenge_discuss", &value),
        app.press("U_BEA", "challenge_discuss", &value)
    );
    assert_eq!((a, b), (200, 200));
    assert_eq!(app.press("U_ANN", "challenge_discuss", &value).await, 200);
    let topics: Vec<(i32, Vec<String>, String, Option<i64>)> =
        sqlx::query_as("select number, intents, title, challenge_id from topics")
            .fetch_all(&app.db)
            .await
            .expect("topics");
    assert_eq!(
        topics,
        [(
            1,
            vec!["analysis".to_string()],
            "Managing admin access to Django services".to_string(),
            Some(issue_id)
        )]
    );
    let card = eventually("the topic card", || async {
        app.slack.calls_to("chat.postMessage").into_iter().next()
    })
    .await;
    assert!(
        card.args["blocks"]
            .to_string()
            .contains("from the challenges log: C1"),
        "{}",
        card.args["blocks"]
    );
    let replies = eventually("three replies", || async {
        let calls = app.slack.calls_to("chat.postEphemeral");
        (calls.len() == 3).then_some(calls)
    })
    .await;
    let mut texts: Vec<String> = replies
        .iter()
        .map(|call| call.args["text"].as_str().expect("text").to_string())
        .collect();
    texts.sort();
    assert!(
        texts[0].starts_with(
            "#1 [analysis] Managing admin access to Django services is on the agenda, from *C1*"
        ),
        "{texts:?}"
    );
    assert_eq!(
        texts[1..],
        [
            "*C1* Authorization › Managing admin access to Django services is on the agenda already, as #1.",
            "*C1* Authorization › Managing admin access to Django services is on the agenda already, as #1."
        ]
    );
    let again = shown(&app.command("challenge 1").await);
    assert!(again.contains("On the agenda as #1."), "{again}");
}

#[tokio::test]
async fn the_wiki_page_imports_as_counted_by_hand_once_and_exports_back_the_same() {
    let app = spawn_app().await;
    let import = |channel: &'static str, file: PathBuf| {
        let app = &app;
        async move {
            tools::import::import(
                &app.db,
                app.clock.as_ref(),
                &file,
                &ChannelId::from(channel),
                Default::default(),
            )
            .await
            .expect("import succeeds")
        }
    };
    let report = import("CCHAL", fixture()).await;
    // Read from the page: six categories; twelve issues; one anecdote per row except the row
    // that tells two (13); counts 2+1+2+2+2+1+2+3+1+1 with two left blank (17); five statuses;
    // eleven lines of prose above the table.
    assert!(
        report.starts_with("Read arch-challenges-2020.txt: a challenges log with 6 categories, 12 issue(s), 13 anecdote(s), 17 occurrence(s) and 5 status(es); 11 line(s) of text before the table were left out.\nImported into CCHAL's challenges log: 12 issue(s) and 13 anecdote(s); 0 issue(s) were already there."),
        "{report}"
    );
    assert_eq!(stored(&app, "CCHAL").await, (12, 17, 13));
    let categories: i64 = sqlx::query_scalar(
        "select count(distinct lower(category)) from challenge_issues where channel_id = 'CCHAL'",
    )
    .fetch_one(&app.db)
    .await
    .expect("categories");
    assert_eq!(categories, 6);
    let blank: i64 = sqlx::query_scalar(
        "select count(*) from challenge_issues where channel_id = 'CCHAL' and occurrences is null",
    )
    .fetch_one(&app.db)
    .await
    .expect("blank counts");
    assert_eq!(blank, 2);

    let again = import("CCHAL", fixture()).await;
    assert!(
        again.ends_with("Already imported into CCHAL: nothing added.\n"),
        "{again}"
    );
    assert_eq!(stored(&app, "CCHAL").await, (12, 17, 13));

    let exported = tools::challenges::export(&app.db, &ChannelId::from("CCHAL"))
        .await
        .expect("export");
    assert!(exported.starts_with("Architecture challenges log (CCHAL)\n\n| Category | Issue |"));
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("challenges.md");
    std::fs::write(&copy, &exported).expect("writing the export");
    let report = import("CCOPY", copy).await;
    assert!(!report.contains("could not be placed"), "{report}");
    assert_eq!(stored(&app, "CCOPY").await, (12, 17, 13));
    let copied = tools::challenges::export(&app.db, &ChannelId::from("CCOPY"))
        .await
        .expect("export of the copy");
    let table = |export: &str| export.split_once('\n').expect("heading").1.to_string();
    assert_eq!(table(&copied), table(&exported));

    let missing = tools::challenges::export(&app.db, &ChannelId::from("CNONE"))
        .await
        .expect_err("no log");
    assert_eq!(missing.to_string(), "channel CNONE has no challenges log");
}

/// Issues belong to their channel: from another channel (here the test channel, reaching into a
/// private one) an issue cannot be read, given a status, or proposed as a topic.
#[tokio::test]
async fn another_channels_issue_cannot_be_read_changed_or_proposed_from_here() {
    let app = spawn_app().await;
    app.command_in(
        "G_PRIVATE",
        "U_ANN",
        "challenge Security | Leaked staging keys | Found in a private repo",
    )
    .await;
    let (issue_id, number): (i64, i32) = sqlx::query_as("select id, number from challenge_issues")
        .fetch_one(&app.db)
        .await
        .expect("the private channel's issue");
    assert_eq!(number, 1);

    let shown_here = text(&app.command("challenge 1").await);
    assert_eq!(
        shown_here,
        "There is no challenge C1 in this channel's log. `/archtopic challenges` lists them."
    );
    let status_here = text(&app.command("challenge 1 status nothing to see").await);
    assert_eq!(status_here, shown_here);
    let status: String = sqlx::query_scalar("select status from challenge_issues")
        .fetch_one(&app.db)
        .await
        .expect("status");
    assert_eq!(status, "", "the status is unchanged");

    // A forged press in the test channel carrying the private issue's id.
    assert_eq!(
        app.press("U_ANN", "challenge_discuss", &issue_id.to_string())
            .await,
        200
    );
    app.idle().await;
    assert_eq!(app.count("topics").await, 0, "nothing proposed");
    let replies_here = app
        .slack
        .calls_to("chat.postEphemeral")
        .iter()
        .filter(|call| call.args["channel"] == CHANNEL)
        .count();
    assert_eq!(replies_here, 0, "nothing about the issue told here");
}
