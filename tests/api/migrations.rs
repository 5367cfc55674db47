//! The migrations themselves: safe to run concurrently, and kind to existing rows.

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
