//! `archhour backup` and `archhour restore`: a dump of the database a bot uses, embedded or at
//! `DATABASE_URL`, restores into an empty database, and a bot started there shows the same
//! agenda.

use std::process::Command;

use archhour::database::backup::Target;

use crate::support::fake_slack::FakeSlack;
use crate::support::postgres::{AppDatabase, TestDatabase};
use crate::support::process::{archhour, command, offline, scratch_dir, start_with, stop};
use crate::support::{assert_in_order, spawn_app_on, spawn_app_with};

/// The binary with only `args` and `env`, as an operator runs it: its exit code, stdout, stderr.
fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let output = Command::new(crate::support::process::BINARY)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .expect("running archhour");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_backup_taken_while_the_bot_runs_restores_with_pg_restore_and_shows_the_same_agenda() {
    let original = TestDatabase::create().await;
    let app = spawn_app_on(AppDatabase::at(original.options.clone())).await;
    let paver = app.propose("[quest] What is paver used for today?").await;
    let kafka = app.propose("[discuss] Kafka or SQS?").await;
    app.propose("[discuss] Retire the old build farm").await;
    for user in ["U1", "U2"] {
        app.react(user, &kafka, "+1").await;
    }
    app.react("U3", &paver, "+1").await;
    let agenda = app.command("list").await;
    // By votes: two, one, none.
    assert_in_order(
        &agenda.to_string(),
        &[
            "Kafka or SQS?",
            "What is paver used for today?",
            "Retire the old build farm",
        ],
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("archhour.dump");
    let file_arg = file.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = offline(&original, &["backup", file_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.starts_with(&format!("wrote {file_arg} (")),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(&format!("`archhour restore {file_arg}`\n")),
        "{stdout}"
    );
    assert!(!dir.path().join("archhour.dump.partial").exists());

    let restored = TestDatabase::create_empty().await;
    let bindir = archhour::database::embedded::find_bindir().expect("PostgreSQL's binaries");
    // libpq's spelling of the test database's URL (sqlx adds parameters libpq refuses).
    let connection = Target::at_url(&restored.url(), None).expect("a URL");
    let pg_restore = Command::new(bindir.join("pg_restore"))
        .args(["--no-owner", "--exit-on-error"])
        .args(&connection.args)
        .envs(connection.env.iter().cloned())
        .arg(&file)
        .output()
        .expect("running pg_restore");
    assert!(
        pg_restore.status.success(),
        "{}",
        String::from_utf8_lossy(&pg_restore.stderr)
    );
    // Slack is the same workspace after the restore: its message timestamps go on increasing.
    let slack = app.slack.clone();
    let now = app.now();
    drop(app);

    let app = spawn_app_with(AppDatabase::at(restored.options.clone()), slack, now).await;
    assert_eq!(app.command("list").await, agenda);
    // The restored bot goes on where the original stopped.
    let next = app.propose("[quest] Who owns the release train?").await;
    assert_eq!(next.number, 4);
}

#[tokio::test]
async fn the_embedded_database_backs_up_and_restores_into_an_empty_database_only() {
    let dir = scratch_dir();
    let slack = FakeSlack::start().await;
    let running = start_with(archhour(dir.path(), &slack)).await;
    command(&running, "[quest] What is paver used for today?").await;
    command(&running, "[discuss] Kafka or SQS?").await;
    let (before, _) = command(&running, "list").await;
    stop(running).await;

    let data_dir = dir.path().join("data");
    let data_dir = data_dir.to_str().expect("utf-8 path");
    let file = dir.path().join("embedded.dump");
    let file_arg = file.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = run(&["backup", file_arg], &[("ARCHHOUR_DATA_DIR", data_dir)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.starts_with(&format!("wrote {file_arg} (")),
        "{stdout}"
    );
    assert!(
        !dir.path().join("data/pgdata/postmaster.pid").exists(),
        "the backup stopped the embedded Postgres it started"
    );

    let restored = TestDatabase::create_empty().await;
    let (code, stdout, stderr) = offline(&restored, &["restore", file_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, format!("restored {file_arg}\n"));

    // A second restore would mix two histories: refused in one line, nothing changed.
    let topics_before: i64 = count_topics(&restored).await;
    let (code, stdout, stderr) = offline(&restored, &["restore", file_arg]);
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("restore only into an empty database"),
        "{stderr}"
    );
    assert_eq!(count_topics(&restored).await, topics_before);
    assert_eq!(topics_before, 2);

    let mut serving = archhour(dir.path(), &slack);
    serving.env("DATABASE_URL", restored.url());
    let running = start_with(serving).await;
    let (after, _) = command(&running, "list").await;
    assert_eq!(after, before);
    stop(running).await;
}

async fn count_topics(database: &TestDatabase) -> i64 {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect_with(&database.options)
        .await
        .expect("connecting");
    sqlx::query_scalar("select count(*) from topics")
        .fetch_one(&mut connection)
        .await
        .expect("counting topics")
}
