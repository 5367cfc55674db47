//! `store::challenges`: the challenges log. Recording an anecdote starts its issue or finds it
//! by name whatever the case, counts each submission once, and numbers issues per workspace;
//! importing a page again adds nothing and only ever raises a count.

use archhour::domain::challenges::{
    Anecdote, ChallengeIssue, NewAnecdote, PageIssue, Recorded, When,
};
use archhour::domain::topics::Intents;
use archhour::store::challenges::{self, ImportOutcome, IssueChoice, Recording};
use archhour::store::topics::{self, NewTopic};
use chrono::{DateTime, NaiveDate, Utc};

use super::{CHANNEL, Db, OTHER_CHANNEL, TEAM, at, insert_topic};
use archhour::domain::ids::{ChannelId, TeamId, UserId};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date")
}

fn named(category: &str, title: &str) -> IssueChoice {
    IssueChoice::Named {
        category: category.to_string(),
        title: title.to_string(),
    }
}

/// Records, in CHANNEL by U1, what happened on `on`, from submission `source`.
async fn record(
    db: &Db,
    issue: IssueChoice,
    text: &str,
    on: NaiveDate,
    source: Option<&str>,
    now: DateTime<Utc>,
) -> Option<Recorded> {
    record_in(db, CHANNEL, issue, text, on, source, now).await
}

async fn record_in(
    db: &Db,
    channel: &str,
    issue: IssueChoice,
    text: &str,
    on: NaiveDate,
    source: Option<&str>,
    now: DateTime<Utc>,
) -> Option<Recorded> {
    let mut tx = db.pool.begin().await.unwrap();
    let recorded = challenges::record(
        &mut tx,
        &Recording {
            team_id: &TeamId::from(TEAM),
            channel_id: &ChannelId::from(channel),
            user_id: &UserId::from("U1"),
            issue,
            anecdote: NewAnecdote {
                text: text.to_string(),
                team: Some("SRE".to_string()),
                on,
            },
            source: source.map(str::to_string),
            at: now,
        },
    )
    .await
    .expect("recording an anecdote");
    tx.commit().await.unwrap();
    recorded
}

fn told(text: &str, on: NaiveDate) -> Anecdote {
    Anecdote {
        when: Some(When::of(on)),
        team: Some("SRE".to_string()),
        text: text.to_string(),
    }
}

/// The first anecdote starts issue C1 with one occurrence; the same issue named in another
/// case gets the second; the same submission again adds nothing. The issue was last seen on
/// its latest dated anecdote, whatever order they were told in.
#[tokio::test]
async fn each_submission_is_one_occurrence_of_its_issue() {
    let db = Db::fresh().await;
    let first = record(
        &db,
        named("Build", "Slow CI"),
        "an hour",
        date(2026, 11, 2),
        Some("view:V1"),
        at(0),
    )
    .await
    .expect("recorded");
    let issue = ChallengeIssue {
        id: first.issue.id,
        number: 1,
        channel_id: ChannelId::from(CHANNEL.to_string()),
        category: "Build".to_string(),
        title: "Slow CI".to_string(),
        occurrences: Some(1),
        last_seen: Some(date(2026, 11, 2)),
        status: String::new(),
        topic_number: None,
    };
    assert_eq!(
        first,
        Recorded {
            issue: issue.clone(),
            new_issue: true,
            added: true
        }
    );

    let second = record(
        &db,
        named("build", "slow ci"),
        "two hours",
        date(2026, 11, 10),
        Some("view:V2"),
        at(1),
    )
    .await
    .unwrap();
    let twice = ChallengeIssue {
        occurrences: Some(2),
        last_seen: Some(date(2026, 11, 10)),
        ..issue.clone()
    };
    assert_eq!(
        (second.issue.clone(), second.new_issue, second.added),
        (twice.clone(), false, true)
    );

    let again = record(
        &db,
        named("Build", "Slow CI"),
        "two hours",
        date(2026, 11, 10),
        Some("view:V2"),
        at(2),
    )
    .await
    .unwrap();
    assert_eq!(
        (again.issue, again.added),
        (twice, false),
        "a form submitted twice records once"
    );

    let by_id = record(
        &db,
        IssueChoice::Existing(issue.id),
        "older",
        date(2026, 10, 1),
        None,
        at(3),
    )
    .await
    .unwrap();
    assert_eq!(
        (by_id.issue.occurrences, by_id.issue.last_seen),
        (Some(3), Some(date(2026, 11, 10)))
    );
    assert_eq!(
        challenges::anecdotes(&db.pool, issue.id).await.unwrap(),
        [
            told("an hour", date(2026, 11, 2)),
            told("two hours", date(2026, 11, 10)),
            told("older", date(2026, 10, 1)),
        ]
    );
}

/// Issues are numbered per workspace across channels, but `challenge N` and a pick from the
/// menu reach only the channel's own issues.
#[tokio::test]
async fn a_channel_reaches_only_its_own_issues() {
    let db = Db::fresh().await;
    let ours = record(
        &db,
        named("Build", "Slow CI"),
        "x",
        date(2026, 11, 2),
        None,
        at(0),
    )
    .await
    .unwrap()
    .issue;
    let theirs = record_in(
        &db,
        OTHER_CHANNEL,
        named("Build", "Slow CI"),
        "y",
        date(2026, 11, 2),
        None,
        at(0),
    )
    .await
    .unwrap();
    assert!(
        theirs.new_issue,
        "the same name in another channel is another issue"
    );
    assert_eq!((ours.number, theirs.issue.number), (1, 2));

    assert_eq!(
        challenges::find_by_number(&db.pool, &TeamId::from(TEAM), &ChannelId::from(CHANNEL), 1)
            .await
            .unwrap(),
        Some(ours.clone())
    );
    assert_eq!(
        challenges::find_by_number(&db.pool, &TeamId::from(TEAM), &ChannelId::from(CHANNEL), 2)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        challenges::find_by_number(&db.pool, &TeamId::from("T2"), &ChannelId::from(CHANNEL), 1)
            .await
            .unwrap(),
        None
    );
    let picked = record(
        &db,
        IssueChoice::Existing(theirs.issue.id),
        "z",
        date(2026, 11, 3),
        None,
        at(1),
    )
    .await;
    assert_eq!(picked, None);
    assert_eq!(
        challenges::in_channel(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        [ours]
    );
}

/// Categories keep the spelling they were started with and are listed in the order started;
/// the log reads back grouped by category in that order, issues in the order started.
#[tokio::test]
async fn categories_keep_their_first_spelling_and_order() {
    let db = Db::fresh().await;
    let on = date(2026, 11, 2);
    record(&db, named("Build", "Slow CI"), "a", on, None, at(0))
        .await
        .unwrap();
    record(
        &db,
        named("Process", "Too many meetings"),
        "b",
        on,
        None,
        at(1),
    )
    .await
    .unwrap();
    let flaky = record(&db, named("BUILD", "Flaky tests"), "c", on, None, at(2))
        .await
        .unwrap();
    assert_eq!(flaky.issue.category, "Build");
    assert_eq!(
        challenges::categories(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        ["Build", "Process"]
    );

    let mut conn = db.conn().await;
    let log: Vec<(String, String, Option<i32>, usize)> =
        challenges::page_of(&mut conn, &ChannelId::from(CHANNEL))
            .await
            .unwrap()
            .into_iter()
            .map(|i| (i.category, i.title, i.occurrences, i.anecdotes.len()))
            .collect();
    assert_eq!(
        log,
        [
            ("Build".into(), "Slow CI".into(), Some(1), 1),
            ("Build".into(), "Flaky tests".into(), Some(1), 1),
            ("Process".into(), "Too many meetings".into(), Some(1), 1),
        ]
    );
}

fn page_issue(category: &str, title: &str, occurrences: Option<i32>, status: &str) -> PageIssue {
    PageIssue {
        category: category.to_string(),
        title: title.to_string(),
        anecdotes: vec![],
        occurrences,
        status: status.to_string(),
    }
}

async fn import(db: &Db, issues: &[PageIssue]) -> ImportOutcome {
    let mut tx = db.pool.begin().await.unwrap();
    let outcome = challenges::import_page(
        &mut tx,
        issues,
        &TeamId::from(TEAM),
        &ChannelId::from(CHANNEL),
        at(25),
    )
    .await
    .expect("importing a page");
    tx.commit().await.unwrap();
    outcome
}

/// (title, occurrences, status) of the channel's issues, by number.
async fn log(db: &Db) -> Vec<(String, Option<i32>, String)> {
    let mut all = challenges::in_channel(&db.pool, &ChannelId::from(CHANNEL))
        .await
        .unwrap();
    all.sort_by_key(|i| i.number);
    all.into_iter()
        .map(|i| (i.title, i.occurrences, i.status))
        .collect()
}

/// "Slow CI" was recorded once in Slack and given a status; the page says BUILD / slow ci
/// happened 5 times, with two anecdotes (one undated), and another status; it also lists "Too
/// many meetings" with a blank count. Importing finds Slow CI by name, raises its count to 5,
/// keeps its status and adds the anecdotes; importing again adds nothing; a page with a lower
/// count does not lower it.
#[tokio::test]
async fn importing_a_page_adds_nothing_twice_and_only_raises_counts() {
    let db = Db::fresh().await;
    let slow = record(
        &db,
        named("Build", "Slow CI"),
        "an hour",
        date(2026, 11, 2),
        None,
        at(0),
    )
    .await
    .unwrap()
    .issue;
    challenges::set_status(
        &db.pool,
        slow.id,
        "ARCH-1 in progress",
        &UserId::from("U1"),
        at(1),
    )
    .await
    .unwrap();
    let page = |slow_count| {
        vec![
            PageIssue {
                anecdotes: vec![
                    Anecdote {
                        when: Some(When {
                            written: "~Aug, 2021".to_string(),
                            on: date(2021, 8, 1),
                        }),
                        team: None,
                        text: "deploy blocked".to_string(),
                    },
                    Anecdote {
                        when: None,
                        team: None,
                        text: "general slowness".to_string(),
                    },
                ],
                ..page_issue("BUILD", "slow ci", slow_count, "ARCH-9")
            },
            PageIssue {
                anecdotes: vec![told("the weekly sync", date(2021, 9, 1))],
                ..page_issue("Process", "Too many meetings", None, "")
            },
        ]
    };
    assert_eq!(
        import(&db, &page(Some(5))).await,
        ImportOutcome {
            issues_added: 1,
            issues_already_there: 1,
            anecdotes_added: 3
        }
    );
    let expected = [
        (
            "Slow CI".to_string(),
            Some(5),
            "ARCH-1 in progress".to_string(),
        ),
        ("Too many meetings".to_string(), None, String::new()),
    ];
    assert_eq!(log(&db).await, expected);
    assert_eq!(
        challenges::anecdotes(&db.pool, slow.id)
            .await
            .unwrap()
            .len(),
        3
    );

    assert_eq!(
        import(&db, &page(Some(3))).await,
        ImportOutcome {
            issues_added: 0,
            issues_already_there: 2,
            anecdotes_added: 0
        }
    );
    assert_eq!(
        log(&db).await,
        expected,
        "a count never goes down, a status is kept"
    );

    // Recorded in Slack, a blank count becomes one.
    let meetings = record(
        &db,
        named("process", "too many meetings"),
        "standups",
        date(2026, 11, 3),
        None,
        at(20),
    )
    .await
    .unwrap();
    assert_eq!(meetings.issue.occurrences, Some(1));
}

/// The digest's anecdotes: those recorded in Slack after `since` (imported ones never), oldest
/// first, the first `limit`, and how many in all.
#[tokio::test]
async fn the_digest_lists_anecdotes_recorded_since_its_last_run() {
    let db = Db::fresh().await;
    let on = date(2026, 11, 2);
    record(&db, named("Build", "Slow CI"), "before", on, None, at(0))
        .await
        .unwrap();
    record(&db, named("Build", "Slow CI"), "second", on, None, at(20))
        .await
        .unwrap();
    record(&db, named("Process", "Meetings"), "first", on, None, at(10))
        .await
        .unwrap();
    record_in(
        &db,
        OTHER_CHANNEL,
        named("Build", "Slow CI"),
        "elsewhere",
        on,
        None,
        at(15),
    )
    .await
    .unwrap();
    record(&db, named("Build", "Slow CI"), "third", on, None, at(30))
        .await
        .unwrap();
    let imported = PageIssue {
        anecdotes: vec![told("imported", on)],
        ..page_issue("Build", "Slow CI", None, "")
    };
    import(&db, &[imported]).await;

    let mut conn = db.conn().await;
    let (recent, total) =
        challenges::recorded_since(&mut conn, &ChannelId::from(CHANNEL), at(0), 2)
            .await
            .unwrap();
    let seen: Vec<(i32, &str)> = recent
        .iter()
        .map(|r| (r.issue_number, r.anecdote.text.as_str()))
        .collect();
    assert_eq!((seen, total), (vec![(2, "first"), (1, "second")], 3));
}

/// An issue shows the topic proposed from it while that topic is on the agenda.
#[tokio::test]
async fn an_issue_shows_its_topic_while_it_is_open() {
    let db = Db::fresh().await;
    let issue = record(
        &db,
        named("Build", "Slow CI"),
        "x",
        date(2026, 11, 2),
        None,
        at(0),
    )
    .await
    .unwrap()
    .issue;
    let intents = Intents::parse("discuss").unwrap();
    let number = topics::take_next_number(&db.pool, &TeamId::from(TEAM))
        .await
        .unwrap();
    let topic = insert_topic(
        &mut *db.conn().await,
        &NewTopic {
            team_id: &TeamId::from(TEAM),
            channel_id: &ChannelId::from(CHANNEL),
            author_id: &UserId::from("U1"),
            intents: &intents,
            title: "Slow CI",
            created_at: at(1),
            challenge_id: Some(issue.id),
        },
        number,
    )
    .await;
    let mut tx = db.pool.begin().await.unwrap();
    assert!(
        challenges::lock(&mut tx, &TeamId::from(TEAM), issue.id)
            .await
            .unwrap()
    );
    assert!(
        !challenges::lock(&mut tx, &TeamId::from(TEAM), issue.id + 1)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let shown = challenges::find(&db.pool, issue.id).await.unwrap().unwrap();
    assert_eq!(shown.topic_number, Some(topic.number));
    topics::withdraw(&db.pool, topic.id, &UserId::from("U1"), at(2))
        .await
        .unwrap();
    let shown = challenges::find(&db.pool, issue.id).await.unwrap().unwrap();
    assert_eq!(shown.topic_number, None);
}
