//! End-to-end runs of the `archhour` binary: its own embedded Postgres, a restart that keeps
//! the data, configuration errors, and the `import` and `minutes` commands.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::eventually;
use crate::support::fake_slack::FakeSlack;
use crate::support::postgres::TestDatabase;
use crate::support::process::{Running, archhour, command, offline, scratch_dir, start_with, stop};

async fn start(data_dir: &Path, slack: &FakeSlack) -> Running {
    start_with(archhour(data_dir, slack)).await
}

#[tokio::test]
async fn the_binary_runs_its_own_postgres_and_keeps_topics_across_a_restart() {
    let dir = scratch_dir();
    let slack = FakeSlack::start().await;

    let running = start(dir.path(), &slack).await;
    let (reply, took) = command(&running, "[quest] What is paver used for today?").await;
    assert!(took < Duration::from_secs(3), "answered in {took:?}");
    assert!(
        reply["text"]
            .as_str()
            .expect("text")
            .starts_with("#1 [quest] What is paver used for today?")
    );
    eventually("the card to reach Slack", || async {
        let posts = slack.calls_to("chat.postMessage");
        (posts.len() == 1).then_some(())
    })
    .await;
    assert_eq!(
        slack.calls_to("chat.postMessage")[0].args["text"],
        "#1 [quest] What is paver used for today?"
    );
    stop(running).await;
    assert!(
        !dir.path().join("data/pgdata/postmaster.pid").exists(),
        "the embedded Postgres stopped with archhour"
    );

    let running = start(dir.path(), &slack).await;
    let (reply, _) = command(&running, "list").await;
    assert!(
        reply["blocks"]
            .to_string()
            .contains("What is paver used for today?"),
        "{reply}"
    );
    stop(running).await;
    assert_eq!(slack.calls_to("chat.postMessage").len(), 1);
}

#[tokio::test]
async fn two_archhour_processes_on_one_database_post_each_card_once() {
    let dir = scratch_dir();
    let slack = FakeSlack::start().await;
    let database = TestDatabase::create().await;
    let mut processes = Vec::new();
    for _ in 0..2 {
        let mut command = archhour(dir.path(), &slack);
        command.env("DATABASE_URL", database.url());
        processes.push(start_with(command).await);
    }
    for n in 0..20 {
        let (reply, _) = command(&processes[n % 2], &format!("[discuss] Topic {n}")).await;
        assert!(
            reply["text"]
                .as_str()
                .expect("text")
                .contains(&format!("Topic {n}"))
        );
    }
    let texts = eventually("20 cards to be posted", || async {
        let texts: Vec<String> = slack
            .calls_to("chat.postMessage")
            .iter()
            .map(|call| call.args["text"].as_str().expect("text").to_string())
            .collect();
        (texts.len() >= 20).then_some(texts)
    })
    .await;
    // Both processes are done with every call they queued: a duplicate would have been made.
    let db = archhour::database::pool_options()
        .connect_with(database.options.clone())
        .await
        .expect("connecting");
    eventually("both processes to finish their calls", || {
        crate::support::unfinished_work(&db, chrono::Utc::now())
    })
    .await;
    db.close().await;
    assert_eq!(slack.calls_to("chat.postMessage").len(), 20);
    let mut unique = texts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 20, "each card posted once: {texts:?}");
    for running in processes {
        stop(running).await;
    }
    assert!(
        !dir.path().join("data").exists(),
        "with DATABASE_URL set, no embedded cluster is started"
    );
}

#[tokio::test]
async fn a_missing_or_invalid_variable_exits_2_with_one_line_naming_it() {
    let dir = scratch_dir();
    let slack = FakeSlack::start().await;
    let cases = [
        ("SLACK_SIGNING_SECRET", None),
        ("SLACK_BOT_TOKEN", None),
        ("ARCHHOUR_ADDR", Some("not-an-address")),
        ("RUST_LOG", Some("archhour=loud")),
        ("SLACK_APP_TOKEN", Some("xoxb-not-an-app-token")),
        ("ARCHHOUR_LOG_FORMAT", Some("logfmt")),
        ("ARCHHOUR_METRICS_ADDR", Some("not-an-address")),
    ];
    for (name, value) in cases {
        let mut command = archhour(dir.path(), &slack);
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
        let output = command.output().expect("running archhour");
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
}

#[tokio::test]
async fn import_and_minutes_report_on_stdout_and_fail_with_one_line_and_exit_1() {
    let database = TestDatabase::create().await;
    let page = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/notes/arch-lunch-2019-10-31.txt"
    );

    let (code, stdout, stderr) = offline(&database, &["import", page, "--channel", "CLUNCH"]);
    assert_eq!(code, Some(0), "{stderr}");
    // The page read by hand: one meeting, four topics with 4 + 5 + 3 + 6 votes.
    assert!(
        stdout.starts_with("Read arch-lunch-2019-10-31.txt: 1 meeting(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("4 topic(s) with 18 vote(s)"), "{stdout}");

    // The same page through `--dry-run --explain`: a row per topic and each line's parts.
    let (code, stdout, stderr) = offline(
        &database,
        &[
            "import",
            page,
            "--channel",
            "CLUNCH",
            "--dry-run",
            "--explain",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("  2019-10-31      6  -        -          Ownership\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  2019-10-31 | 6 Ownership\n"), "{stdout}");
    assert!(
        stdout.contains("      \"6\"          votes: 6\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("Dry run: nothing was written.\n"),
        "{stdout}"
    );

    let (code, minutes, stderr) = offline(&database, &["minutes", "--channel", "CLUNCH", "--last"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(minutes.contains("2019-10-31"), "{minutes}");
    assert!(minutes.contains("Arch Backend Priorities"), "{minutes}");

    let failures: [(&[&str], &str); 4] = [
        (
            &["minutes", "--channel", "CNOPE", "--last"],
            "archhour: channel CNOPE has no meetings",
        ),
        (
            &["minutes", "--channel", "CLUNCH", "--date", "2019-11-01"],
            "archhour: channel CLUNCH had no meeting on 2019-11-01",
        ),
        (
            &["import", "/nonexistent/page.txt", "--channel", "CLUNCH"],
            "archhour: cannot read /nonexistent/page.txt: No such file or directory (os error 2)",
        ),
        (
            &[
                "import",
                "/nonexistent/page.txt",
                "--channel",
                "CLUNCH",
                "--dry-run",
            ],
            "archhour: cannot read /nonexistent/page.txt: No such file or directory (os error 2)",
        ),
    ];
    for (args, message) in failures {
        let (code, stdout, stderr) = offline(&database, args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, format!("{message}\n"), "{args:?}");
    }

    // Nothing the failures touched changed what is stored: still one meeting, four topics.
    let pool = sqlx::PgPool::connect(&database.url())
        .await
        .expect("connecting");
    let stored: (i64, i64) =
        sqlx::query_as("select (select count(*) from meetings), (select count(*) from topics)")
            .fetch_one(&pool)
            .await
            .expect("counting");
    assert_eq!(stored, (1, 4));
}

#[tokio::test]
async fn challenges_import_and_print_through_the_binary() {
    let database = TestDatabase::create().await;
    let page = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/notes/arch-challenges-2020.txt"
    );
    let (code, stdout, stderr) = offline(&database, &["challenges", "--channel", "CCHAL"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(stderr, "archhour: channel CCHAL has no challenges log\n");

    let (code, stdout, stderr) = offline(
        &database,
        &["import", page, "--channel", "CCHAL", "--dry-run"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.ends_with("Dry run: nothing was written.\n"),
        "{stdout}"
    );
    let (code, _, _) = offline(&database, &["challenges", "--channel", "CCHAL"]);
    assert_eq!(code, Some(1), "a dry run writes nothing");

    let (code, _, stderr) = offline(&database, &["import", page, "--channel", "CCHAL"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, table, stderr) = offline(&database, &["challenges", "--channel", "CCHAL"]);
    assert_eq!(code, Some(0), "{stderr}");
    // A heading, a blank line, the header, the separator, then one row per issue (twelve).
    assert_eq!(table.lines().count(), 4 + 12, "{table}");
    assert!(
        table.contains("| Pipeline | Security Merge Conflicts are hard to detect/resolve | Sep 18, 2020: There was a security PR that was causing a merge conflict in the pipeline, the error was hard to debug and fully stopped the pipeline. | 1 |  |"),
        "{table}"
    );
}

/// The binary against `database` and `slack`, its stderr captured, and where it will listen.
fn serving(dir: &std::path::Path, slack: &FakeSlack, database: &TestDatabase) -> (Command, String) {
    let addr = format!("127.0.0.1:{}", crate::support::process::free_port());
    let mut command = archhour(dir, slack);
    command
        .env("DATABASE_URL", database.url())
        .env("ARCHHOUR_ADDR", &addr)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    (command, addr)
}

/// A token Slack refuses (`invalid_auth`) stops the bot at start: exit code 2, and one line
/// naming `SLACK_BOT_TOKEN`, the last it writes.
#[tokio::test]
async fn a_token_slack_refuses_stops_the_bot_with_exit_2_and_one_line_naming_it() {
    let dir = scratch_dir();
    let slack = FakeSlack::start().await;
    let database = TestDatabase::create().await;
    let (mut command, _) = serving(dir.path(), &slack, &database);
    command.env("SLACK_BOT_TOKEN", "xoxb-revoked");
    let started = std::time::Instant::now();
    let child = command.spawn().expect("starting archhour");
    // Off the test's runtime: the fake Slack answering the binary runs on it.
    let output = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    .expect("archhour stops by itself")
    .expect("waiting")
    .expect("archhour's output");
    println!("stopped after {:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let naming: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("SLACK_BOT_TOKEN"))
        .collect();
    assert_eq!(
        naming,
        [
            "archhour: SLACK_BOT_TOKEN is invalid: Slack refused it (`invalid_auth`); use the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
        ],
        "{stderr}"
    );
    assert_eq!(stderr.lines().last(), Some(naming[0]), "{stderr}");
    let auth = slack.calls_to("auth.test");
    assert_eq!(auth.len(), 1, "a refused token is not tried again");
}

/// Slack unreachable at start is not a bad token: the bot keeps running, `/healthz` answers 503
/// with the reason, and 200 once Slack answers.
#[tokio::test]
async fn while_slack_is_unreachable_healthz_says_why_until_slack_answers() {
    let dir = scratch_dir();
    let database = TestDatabase::create().await;
    // Where Slack will be: nothing listens there yet.
    let slack_addr = format!("127.0.0.1:{}", crate::support::process::free_port());
    let api_url = format!("http://{slack_addr}/api/");
    let placeholder = FakeSlack::start().await;
    let (mut command, addr) = serving(dir.path(), &placeholder, &database);
    command.env("SLACK_API_URL", &api_url);
    command.stderr(std::process::Stdio::null());
    let child = command.spawn().expect("starting archhour");
    let mut running = crate::support::process::Running { child, addr };
    let client = reqwest::Client::new();
    let url = format!("http://{}/healthz", running.addr);
    let unready = eventually("/healthz to say Slack is not reached", || async {
        let response = client.get(&url).send().await.ok()?;
        let status = response.status();
        let body = response.text().await.ok()?;
        (status == 503 && body.contains("slack: not reached yet (")).then_some(body)
    })
    .await;
    assert!(
        unready.starts_with("ok\n"),
        "the database is fine: {unready}"
    );
    assert!(
        matches!(running.child.try_wait(), Ok(None)),
        "still running while Slack is unreachable"
    );

    let slack = FakeSlack::start_on(&slack_addr)
        .await
        .expect("Slack comes up");
    let ready = eventually("/healthz to answer 200 once Slack answers", || async {
        let response = client.get(&url).send().await.ok()?;
        let status = response.status();
        let body = response.text().await.ok()?;
        (status == 200).then_some(body)
    })
    .await;
    assert_eq!(ready, "ok\nslack: signed in as UBOT in T1\n");
    assert!(!slack.calls_to("auth.test").is_empty());
    let _ = running.child.kill();
    let _ = running.child.wait();
}

/// Scopes the code needs that the token was not granted are named at start, once; the bot runs.
#[tokio::test]
async fn scopes_the_token_lacks_are_named_once_at_start() {
    let dir = scratch_dir();
    let slack = FakeSlack::start().await;
    let database = TestDatabase::create().await;
    let granted: Vec<&str> = archhour::slack::sign_in::needed_scopes()
        .into_iter()
        .filter(|scope| !matches!(*scope, "channels:join" | "groups:read"))
        .collect();
    slack.grant_scopes(&granted);
    let (mut command, addr) = serving(dir.path(), &slack, &database);
    let child = command.spawn().expect("starting archhour");
    let client = reqwest::Client::new();
    // Signed in (`/healthz` answers 200): the check has run.
    eventually("archhour to sign in", || async {
        let response = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .ok()?;
        (response.status() == 200).then_some(())
    })
    .await;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid")),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("signalling archhour");
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("waiting")
        .expect("archhour's output");
    assert!(output.status.success(), "it ran, and stopped when told");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let naming: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("lacks scopes"))
        .collect();
    assert_eq!(naming.len(), 1, "{stderr}");
    assert!(naming[0].contains("channels:join, groups:read"), "{stderr}");
}

/// A cluster made by a PostgreSQL that is no longer installed (a distribution upgrade removed
/// it) is refused in one line that says how to go on, and its files are left as they were.
#[tokio::test]
async fn an_embedded_cluster_of_a_version_not_installed_is_refused_in_one_line() {
    let dir = scratch_dir();
    let pgdata = dir.path().join("data/pgdata");
    std::fs::create_dir_all(&pgdata).expect("creating pgdata");
    std::fs::write(pgdata.join("PG_VERSION"), "9\n").expect("writing PG_VERSION");
    let output = Command::new(crate::support::process::BINARY)
        .arg("migrate")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ARCHHOUR_DATA_DIR", dir.path().join("data"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("running archhour");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("was made by PostgreSQL 9 and only PostgreSQL"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`apt-get install postgresql-9`"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&pgdata)
        .expect("listing pgdata")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["PG_VERSION"]);
}
