//! The migrations themselves: safe to run concurrently, and kind to existing rows.

use crate::support::postgres::TestDatabase;

#[tokio::test]
async fn two_processes_migrating_an_empty_database_at_once_both_succeed_and_apply_each_once() {
    let database = TestDatabase::create_empty().await;
    let connect = || async {
        archhour::database::pool_options()
            .connect_with(database.options.clone())
            .await
            .expect("connecting")
    };
    let (first, second) = (connect().await, connect().await);
    let (a, b) = tokio::join!(
        archhour::store::migrate(&first),
        archhour::store::migrate(&second)
    );
    a.expect("first migrator");
    b.expect("second migrator");
    let applied: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations order by version")
            .fetch_all(&first)
            .await
            .expect("reading applied migrations");
    let expected: Vec<i64> = archhour::store::MIGRATOR
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(applied, expected);
    first.close().await;
    second.close().await;
}

/// A `not null` column added to an existing table needs a default, or the migration fails on
/// any database that already has rows.
#[test]
fn columns_added_to_existing_tables_that_are_not_null_have_a_default() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    for entry in std::fs::read_dir(dir).expect("migrations dir") {
        let path = entry.expect("entry").path();
        let sql = std::fs::read_to_string(&path).expect("migration text");
        let statements = sql.to_lowercase();
        for statement in statements.split(';') {
            let statement: String = statement
                .lines()
                .map(|line| line.split("--").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ");
            for clause in statement.split("add column").skip(1) {
                let clause = clause.split(',').next().unwrap_or(clause);
                assert!(
                    !clause.contains("not null") || clause.contains("default"),
                    "{}: `add column{clause}` is not null without a default",
                    path.display()
                );
            }
        }
    }
}
