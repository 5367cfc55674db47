//! Importing a page as people really write it: the report to check before trusting it, the
//! part-by-part explanation, and importing again to repair what an earlier reading got wrong.

use std::path::{Path, PathBuf};

use archhour::tools::import::{ImportOptions, import};

use crate::support::{CHANNEL, TestApp, spawn_app};
use archhour::domain::ids::ChannelId;

/// Topic lines in shapes from real pages: mixed groups, glued votes, a proposer in parentheses
/// with a colon, a topic that lost its bullet (with a note of its own), and a backlog.
const PAGE: &str = "Arch Hour: 2026-11-18

Topics

  • (4) [Question, Priya] Should we pin tox?
    • tox 4 broke the plugins
  • (discuss)[Li, Sam] One constraints file or two?
+++[quest] [Rob/Hana] Annotations for attributes?
    • attributes need docs first
  • (Jo) Upgrades before the next release:
    • ACTION @Jo Smith to list the upgrades

Backlog

  • [ideate & vote] Deep topics for next time
  • **[Ned; opinion poll] Rename master to main
";

fn write_page(dir: &Path) -> PathBuf {
    let file = dir.join("arch-hour-2026-11-18.txt");
    std::fs::write(&file, PAGE).expect("writing the page");
    file
}

/// A dry run of the page, explained or not, on a fresh app.
async fn dry_run(explain: bool) -> (TestApp, String) {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let options = ImportOptions {
        dry_run: true,
        explain,
    };
    let report = run(&app, &write_page(dir.path()), options).await;
    (app, report)
}

async fn run(app: &TestApp, file: &Path, options: ImportOptions) -> String {
    import(
        &app.db,
        app.clock.as_ref(),
        file,
        &ChannelId::from(CHANNEL),
        options,
    )
    .await
    .expect("the import runs")
}

/// Every row the import wrote for the channel, as text: what "changes nothing" compares.
async fn everything_stored(app: &TestApp) -> String {
    let mut all = String::new();
    for query in [
        "select coalesce(json_agg(t order by t.id)::text, '') from topics t where channel_id = $1",
        "select coalesce(json_agg(mt order by mt.topic_id)::text, '') from meeting_topics mt
         join meetings m on m.id = mt.meeting_id where m.channel_id = $1",
        "select coalesce(json_agg(n order by n.id)::text, '') from notes n where channel_id = $1",
        "select coalesce(json_agg(d order by d.id)::text, '') from decisions d where channel_id = $1",
        "select coalesce(json_agg(i order by i.id)::text, '') from action_items i where channel_id = $1",
        "select coalesce(json_agg(m order by m.id)::text, '') from meetings m where channel_id = $1",
    ] {
        let rows: String = sqlx::query_scalar(query)
            .bind(CHANNEL)
            .fetch_one(&app.db)
            .await
            .expect("reading what is stored");
        all.push_str(&rows);
        all.push('\n');
    }
    all
}

/// (title, intents, proposers, votes) of the channel's open topics, oldest first.
async fn backlog(app: &TestApp) -> Vec<(String, Vec<String>, Vec<String>, i32)> {
    sqlx::query_as(
        "select title, intents, proposers, imported_votes from topics
         where channel_id = $1 and state = 'open' order by id",
    )
    .bind(CHANNEL)
    .fetch_all(&app.db)
    .await
    .expect("reading the backlog")
}

async fn minutes(app: &TestApp) -> String {
    let date = "2026-11-18".parse().expect("a date");
    archhour::tools::minutes::minutes(&app.db, &ChannelId::from(CHANNEL), Some(date))
        .await
        .expect("minutes")
}

/// Worked out from the page by hand: the columns are as wide as their widest value.
#[tokio::test]
async fn a_dry_run_lists_every_topic_as_read_and_writes_nothing() {
    let (app, report) = dry_run(false).await;
    let rows = "Topics:\n\
        \x20 date        votes  intents   proposers  title\n\
        \x20 2026-11-18      4  quest     Priya      Should we pin tox?\n\
        \x20 2026-11-18      0  discuss   Li, Sam    One constraints file or two?\n\
        \x20 2026-11-18      3  quest     Rob, Hana  Annotations for attributes?\n\
        \x20 2026-11-18      0  -         Jo         Upgrades before the next release\n\
        \x20 backlog         0  ideation  -          Deep topics for next time\n\
        \x20 backlog         2  -         Ned        Rename master to main\n";
    assert!(report.contains(rows), "{report}");
    assert!(
        report.starts_with(
            "Read arch-hour-2026-11-18.txt: 1 meeting(s) (Arch Hour 2026-11-18); 6 topic(s) with 9 vote(s); 1 action item(s);"
        ),
        "{report}"
    );
    assert!(!report.contains("could not be placed"), "{report}");
    assert!(
        report.ends_with("Dry run: nothing was written.\n"),
        "{report}"
    );
    assert_eq!(everything_stored(&app).await, "\n\n\n\n\n\n");
}

#[tokio::test]
async fn explain_shows_what_each_part_of_each_topic_line_was_read_as() {
    let (_app, report) = dry_run(true).await;
    let explanation = report
        .split("Topic lines, part by part:\n")
        .nth(1)
        .expect("an explanation");
    let read: Vec<Vec<&str>> = explanation
        .lines()
        .map(|line| line.split_whitespace().collect())
        .collect();
    let expect = |words: &[&str]| {
        assert!(
            read.iter().any(|line| line == words),
            "no line {words:?} in\n{explanation}"
        );
    };
    expect(&[
        "2026-11-18",
        "|",
        "+++[quest]",
        "[Rob/Hana]",
        "Annotations",
        "for",
        "attributes?",
    ]);
    expect(&["\"+++\"", "votes:", "3"]);
    expect(&["\"quest\"", "intent:", "quest"]);
    expect(&["\"Rob\"", "proposer:", "Rob"]);
    expect(&["\"Hana\"", "proposer:", "Hana"]);
    expect(&["\"Annotations", "for", "attributes?\"", "title"]);
    expect(&["\"Question\"", "intent:", "quest"]);
    expect(&["\"Jo\"", "proposer:", "Jo"]);
    expect(&["\"Upgrades", "before", "the", "next", "release\"", "title"]);
    expect(&[
        "backlog", "|", "[ideate", "&", "vote]", "Deep", "topics", "for", "next", "time",
    ]);
    expect(&[
        "\"vote\"", "dropped", "(neither", "an", "intent", "nor", "a", "person)",
    ]);
    expect(&[
        "\"opinion",
        "poll\"",
        "dropped",
        "(neither",
        "an",
        "intent",
        "nor",
        "a",
        "person)",
    ]);
    // One block per topic line: six lines as written.
    assert_eq!(explanation.lines().filter(|l| l.contains(" | ")).count(), 6);
}

/// The page's topics, stored clean, shown with their proposers in the agenda and search.
#[tokio::test]
async fn imported_topics_are_stored_clean_and_shown_with_their_proposers() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("temp dir");
    run(&app, &write_page(dir.path()), ImportOptions::default()).await;
    let stored: Vec<(String, Vec<String>, Vec<String>, i32)> = sqlx::query_as(
        "select t.title, t.intents, t.proposers, mt.votes from topics t
         join meeting_topics mt on mt.topic_id = t.id where t.channel_id = $1
         order by mt.position",
    )
    .bind(CHANNEL)
    .fetch_all(&app.db)
    .await
    .expect("reading topics");
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        stored,
        [
            (
                "Should we pin tox?".into(),
                strings(&["quest"]),
                strings(&["Priya"]),
                4
            ),
            (
                "One constraints file or two?".into(),
                strings(&["discuss"]),
                strings(&["Li", "Sam"]),
                0
            ),
            (
                "Annotations for attributes?".into(),
                strings(&["quest"]),
                strings(&["Rob", "Hana"]),
                3
            ),
            (
                "Upgrades before the next release".into(),
                vec![],
                strings(&["Jo"]),
                0
            ),
        ]
    );
    let note_owner: String = sqlx::query_scalar(
        "select t.title from notes n join topics t on t.id = n.topic_id
         where n.text = 'attributes need docs first'",
    )
    .fetch_one(&app.db)
    .await
    .expect("the lost bullet's note");
    assert_eq!(note_owner, "Annotations for attributes?");
    assert_eq!(
        backlog(&app).await,
        [
            (
                "Deep topics for next time".into(),
                strings(&["ideation"]),
                vec![],
                0
            ),
            ("Rename master to main".into(), vec![], strings(&["Ned"]), 2),
        ]
    );
    let agenda = app.command("list").await;
    let agenda = agenda["blocks"][0]["text"]["text"]
        .as_str()
        .expect("agenda");
    assert!(
        agenda.contains("1. *#6* Rename master to main · proposed by Ned · 2 votes"),
        "{agenda}"
    );
    let found = app.command("search tox").await;
    let found = found["blocks"][0]["text"]["text"]
        .as_str()
        .expect("results");
    assert!(
        found.contains("Should we pin tox? · proposed by Priya · discussed 2026-11-18 · 4 votes"),
        "{found}"
    );
    let minutes = minutes(&app).await;
    assert!(
        minutes.contains("  • (3) [quest] Annotations for attributes? [Rob, Hana]\n"),
        "{minutes}"
    );
}

/// A page imported by the earlier reading (the titles and fields it stored, as the bug report
/// lists them; the topic that lost its bullet not imported, its note put under the topic
/// above) is repaired by importing the page again; a further import changes nothing.
#[tokio::test]
async fn importing_again_repairs_an_earlier_reading_and_then_changes_nothing() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write_page(dir.path());
    run(&app, &file, ImportOptions::default()).await;
    let as_read_now = (minutes(&app).await, backlog(&app).await);
    let stored = everything_stored(&app).await;
    let again = run(&app, &file, ImportOptions::default()).await;
    assert!(
        again.contains("Already imported into C_ARCH, as the page reads: nothing changed."),
        "{again}"
    );
    assert_eq!(
        everything_stored(&app).await,
        stored,
        "a second import changed rows"
    );

    // What the earlier reading stored.
    for statement in [
        "update topics set title = '[Question, Priya] Should we pin tox?', intents = '{}',
                           proposers = '{}' where title = 'Should we pin tox?'",
        "update topics set title = '(discuss)[Li, Sam] One constraints file or two?',
                           intents = '{}', proposers = '{}'
         where title = 'One constraints file or two?'",
        "update notes set topic_id = (select id from topics where title like '(discuss)%')
         where text = 'attributes need docs first'",
        "delete from meeting_topics
         where topic_id = (select id from topics where title = 'Annotations for attributes?')",
        "delete from topics where title = 'Annotations for attributes?'",
        "update topics set title = '(Jo) Upgrades before the next release:', proposers = '{}'
         where title = 'Upgrades before the next release'",
        "update topics set title = '[ideate & vote] Deep topics for next time', intents = '{}'
         where title = 'Deep topics for next time'",
        "update topics set title = '**[Ned; opinion poll] Rename master to main',
                           proposers = '{}', imported_votes = 0
         where title = 'Rename master to main'",
    ] {
        sqlx::query(statement)
            .execute(&app.db)
            .await
            .expect("storing the earlier reading");
    }
    assert_ne!((minutes(&app).await, backlog(&app).await), as_read_now);

    let repaired = run(&app, &file, ImportOptions::default()).await;
    assert!(
        repaired.contains(
            "Imported into C_ARCH: 0 meeting(s), 1 topic(s), 0 backlog topic(s) added; 3 topic(s) and 2 backlog topic(s) imported before repaired to match the page; 1 meeting(s) and 0 backlog topic(s) were already there."
        ),
        "{repaired}"
    );
    assert_eq!((minutes(&app).await, backlog(&app).await), as_read_now);
    let topics: i64 = sqlx::query_scalar("select count(*) from topics where channel_id = $1")
        .bind(CHANNEL)
        .fetch_one(&app.db)
        .await
        .expect("counting topics");
    assert_eq!(topics, 6, "repaired in place, none added twice");

    let stored = everything_stored(&app).await;
    let again = run(&app, &file, ImportOptions::default()).await;
    assert!(again.contains("nothing changed"), "{again}");
    assert_eq!(everything_stored(&app).await, stored);
}
