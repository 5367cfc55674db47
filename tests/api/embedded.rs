//! The embedded Postgres shared by several archhour processes on one data directory (a
//! `serve` and an `import`, say): the last one to leave stops it, never one another still uses.

use std::os::unix::fs::PermissionsExt;

use archhour::database::embedded::EmbeddedPostgres;
use sqlx::Connection;

/// Whether the cluster answers on its socket.
async fn answers(options: &sqlx::postgres::PgConnectOptions) -> bool {
    match sqlx::PgConnection::connect_with(options).await {
        Ok(conn) => {
            conn.close().await.ok();
            true
        }
        Err(_) => false,
    }
}

#[tokio::test]
async fn the_embedded_postgres_is_stopped_by_the_last_process_using_it() {
    crate::support::timing::note_test_started();
    let dir = tempfile::Builder::new()
        .prefix("ah-shared")
        .tempdir_in("/tmp")
        .expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let root = dir.path().to_path_buf();
    let start = move || EmbeddedPostgres::start(&root).expect("starting Postgres");

    // The first process starts the cluster; the second finds it running and uses it too.
    let first = tokio::task::spawn_blocking(start.clone())
        .await
        .expect("first start");
    let second = tokio::task::spawn_blocking(start)
        .await
        .expect("second start");
    let options = second.connect_options("postgres");
    assert!(answers(&options).await);

    // The starter leaves first: the cluster stays up for the other.
    tokio::task::spawn_blocking(move || first.stop())
        .await
        .expect("first stop")
        .expect("the first process leaves");
    assert!(answers(&options).await, "stopped under another process");

    // The last one leaves: now it is stopped.
    tokio::task::spawn_blocking(move || second.stop())
        .await
        .expect("second stop")
        .expect("the last process leaves");
    assert!(
        !answers(&options).await,
        "left running with no one using it"
    );
}
