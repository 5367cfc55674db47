//! A fresh, migrated database per test: created from a template in a Postgres server that is
//! either `DATABASE_URL` or a test cluster of our own (the same embedded cluster the app runs,
//! kept under the system temp directory and reused across runs).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use archhour::database::embedded::EmbeddedPostgres;
use archhour::store::MIGRATOR;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

struct Server {
    /// Where to connect for creating and dropping databases.
    admin: PgConnectOptions,
    template: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// The database an app under test runs on: usually a fresh test database (kept alive as long
/// as any app uses it), or one in a cluster a test controls itself.
#[derive(Clone)]
pub struct AppDatabase {
    pub options: PgConnectOptions,
    _fresh: Option<std::sync::Arc<TestDatabase>>,
}

impl AppDatabase {
    /// A fresh, migrated test database.
    pub async fn fresh() -> AppDatabase {
        let database = TestDatabase::create().await;
        AppDatabase {
            options: database.options.clone(),
            _fresh: Some(std::sync::Arc::new(database)),
        }
    }

    /// A database the test has made (and migrated) itself.
    pub fn at(options: PgConnectOptions) -> AppDatabase {
        AppDatabase {
            options,
            _fresh: None,
        }
    }
}

/// A database that exists for one test and is dropped with it.
pub struct TestDatabase {
    pub name: String,
    pub options: PgConnectOptions,
}

impl TestDatabase {
    /// A migrated database, copied from the template.
    pub async fn create() -> TestDatabase {
        let template = server().template.as_str();
        Self::create_from(&format!(r#" template "{template}""#)).await
    }

    /// A database with no tables at all, for testing migrations themselves.
    pub async fn create_empty() -> TestDatabase {
        Self::create_from("").await
    }

    async fn create_from(template_clause: &str) -> TestDatabase {
        super::timing::note_test_started();
        let server = server();
        let name = format!(
            "test_{}_{}",
            std::process::id(),
            NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect_with(&server.admin)
            .await
            .expect("connecting to the test Postgres");
        execute(
            &mut admin,
            format!(r#"create database "{name}"{template_clause}"#),
        )
        .await;
        admin.close().await.ok();
        TestDatabase {
            options: server.admin.clone().database(&name),
            name,
        }
    }
}

impl TestDatabase {
    /// The database as a `DATABASE_URL`, for starting the binary against it.
    pub fn url(&self) -> String {
        use sqlx::ConnectOptions;
        self.options.to_url_lossy().to_string()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let _ = std::thread::spawn(move || {
            block_on(async move {
                let mut admin = PgConnection::connect_with(&server().admin).await?;
                drop_database(&mut admin, &name).await;
                admin.close().await
            })
        })
        .join();
    }
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        std::thread::spawn(|| block_on(prepare_server()))
            .join()
            .expect("preparing the test Postgres")
    })
}

async fn prepare_server() -> Server {
    let admin = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url.parse().expect("DATABASE_URL parses"),
        _ => {
            let dir = std::env::temp_dir().join("archhour-test-postgres");
            let cluster = EmbeddedPostgres::start(&dir).expect("starting the test Postgres");
            let options = cluster.connect_options("postgres");
            // The cluster outlives this process on purpose: the next test run reuses it.
            std::mem::forget(cluster);
            options
        }
    };
    let mut conn = PgConnection::connect_with(&admin)
        .await
        .expect("connecting to the test Postgres");
    sweep_abandoned_databases(&mut conn).await;
    let template = ensure_template(&mut conn, &admin).await;
    conn.close().await.ok();
    Server { admin, template }
}

/// One template per set of migrations, built under an advisory lock so concurrent test
/// processes build it once.
async fn ensure_template(conn: &mut PgConnection, admin: &PgConnectOptions) -> String {
    let fingerprint: u64 = MIGRATOR.iter().fold(0xcbf2_9ce4_8422_2325, |hash, m| {
        m.checksum.iter().fold(hash, |h, byte| {
            (h ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3)
        })
    });
    let template = format!("archhour_template_{fingerprint:016x}");
    execute(conn, "select pg_advisory_lock(7243001)".to_string()).await;
    if !database_exists(conn, &template).await {
        let building = format!("{template}_building");
        drop_database(conn, &building).await;
        execute(conn, format!(r#"create database "{building}""#)).await;
        let pool = sqlx::PgPool::connect_with(admin.clone().database(&building))
            .await
            .expect("connecting to the template");
        archhour::store::migrate(&pool)
            .await
            .expect("migrating the template");
        pool.close().await;
        execute(
            conn,
            format!(r#"alter database "{building}" rename to "{template}""#),
        )
        .await;
    }
    execute(conn, "select pg_advisory_unlock(7243001)".to_string()).await;
    template
}

/// Drops databases left by test processes that died before dropping them.
async fn sweep_abandoned_databases(conn: &mut PgConnection) {
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 'test\\_%'")
            .fetch_all(&mut *conn)
            .await
            .expect("listing test databases");
    for name in names {
        let pid = name.split('_').nth(1).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            drop_database(conn, &name).await;
        }
    }
}

async fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
        .bind(name)
        .fetch_one(conn)
        .await
        .expect("checking for a database")
}

async fn drop_database(conn: &mut PgConnection, name: &str) {
    execute(
        conn,
        format!(r#"drop database if exists "{name}" with (force)"#),
    )
    .await;
}

async fn execute(conn: &mut PgConnection, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a runtime")
        .block_on(future)
}
