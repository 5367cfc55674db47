//! `archhour backup` and `archhour restore`: a consistent `pg_dump` (custom format) of the
//! database archhour uses, embedded or at `DATABASE_URL`, and its restore into an empty one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sqlx::PgPool;

use super::Database;
use super::binaries;
use crate::config::{DatabaseConfig, expose_url};

/// How a PostgreSQL client program reaches the database: its arguments and environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The directory of the programs to run (`pg_dump`, `pg_restore`); `None`: from `PATH`.
    pub bindir: Option<PathBuf>,
    pub args: Vec<OsString>,
    /// The password travels here, never on the command line where `ps` shows it.
    pub env: Vec<(String, String)>,
}

impl Target {
    /// A database at a `postgres://` URL; the programs of the newest installed server, which
    /// dump every older server too, else those on `PATH`.
    pub fn at_url(url: &str, bindir: Option<PathBuf>) -> anyhow::Result<Target> {
        let mut parsed = url::Url::parse(url).context("DATABASE_URL is not a valid URL")?;
        let mut env = Vec::new();
        if let Some(password) = parsed.password() {
            let password = percent_encoding::percent_decode_str(password)
                .decode_utf8()
                .context("DATABASE_URL's password is not UTF-8")?;
            env.push(("PGPASSWORD".to_string(), password.into_owned()));
            parsed
                .set_password(None)
                .map_err(|()| anyhow::anyhow!("DATABASE_URL cannot lose its password"))?;
        }
        let query: Vec<(String, String)> = parsed
            .query_pairs()
            .filter_map(|(name, value)| Some((libpq_name(&name)?, value.into_owned())))
            .collect();
        parsed.set_query(None);
        if !query.is_empty() {
            parsed.query_pairs_mut().extend_pairs(query);
        }
        Ok(Target {
            bindir,
            args: vec![format!("--dbname={parsed}").into()],
            env,
        })
    }

    /// The embedded cluster, through its private socket.
    pub fn embedded(bindir: PathBuf, socket_dir: &Path, user: &str, database: &str) -> Target {
        let mut host = OsString::from("--host=");
        host.push(socket_dir);
        Target {
            bindir: Some(bindir),
            args: vec![
                host,
                format!("--username={user}").into(),
                format!("--dbname={database}").into(),
            ],
            env: Vec::new(),
        }
    }

    fn command(&self, program: &str) -> Command {
        let mut command = match &self.bindir {
            Some(dir) if dir.join(program).is_file() => Command::new(dir.join(program)),
            _ => Command::new(program),
        };
        command.args(&self.args).envs(self.env.iter().cloned());
        command
    }
}

/// The name libpq knows a URL parameter by: sqlx spells some of libpq's with hyphens
/// (`ssl-mode`) and has its own (`statement-cache-capacity`), which libpq refuses.
fn libpq_name(name: &str) -> Option<String> {
    match name {
        "ssl-mode" => Some("sslmode".to_string()),
        "ssl-root-cert" => Some("sslrootcert".to_string()),
        "ssl-cert" => Some("sslcert".to_string()),
        "ssl-key" => Some("sslkey".to_string()),
        "application-name" => Some("application_name".to_string()),
        name if name.contains('-') => None,
        name => Some(name.to_string()),
    }
}

/// Where the database of `config` is, for the client programs: opens it (starting the
/// embedded cluster) while `run` uses it.
async fn with_target<F, Fut>(config: &DatabaseConfig, run: F) -> anyhow::Result<String>
where
    F: FnOnce(PgPool, Target) -> Fut,
    Fut: Future<Output = anyhow::Result<String>>,
{
    let database = Database::open(config).await?;
    let target = match (&config.url, &database.embedded) {
        (Some(url), _) => Target::at_url(expose_url(url), binaries::find_bindir().ok()),
        (None, Some(cluster)) => Ok(cluster.client_target()),
        (None, None) => Err(anyhow::anyhow!("there is no database to reach")),
    };
    let result = match target {
        Ok(target) => run(database.pool.clone(), target).await,
        Err(error) => Err(error),
    };
    let closed = database.close().await;
    let report = result?;
    closed?;
    Ok(report)
}

/// Writes a consistent dump of the database to `file` (replacing it only once the dump is
/// whole) and says how to restore it.
pub async fn backup(config: &DatabaseConfig, file: &Path) -> anyhow::Result<String> {
    let file = file.to_path_buf();
    with_target(config, |_, target| blocking(move || dump(&target, &file))).await
}

fn dump(target: &Target, file: &Path) -> anyhow::Result<String> {
    let mut partial = file.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut output = OsString::from("--file=");
    output.push(&partial);
    let dumped = run(
        target.command("pg_dump").arg("--format=custom").arg(output),
        "pg_dump",
    );
    if let Err(error) = dumped {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, file)
        .with_context(|| format!("moving the dump to {}", file.display()))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "wrote {} ({size} bytes); restore it into an empty database with `archhour restore {}`\n",
        file.display(),
        file.display()
    ))
}

/// Restores a dump `archhour backup` wrote into the database of `config`, which must be empty
/// (no tables yet): restoring over live data would mix two histories.
pub async fn restore(config: &DatabaseConfig, file: &Path) -> anyhow::Result<String> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let file = file.to_path_buf();
    with_target(config, |pool, target| async move {
        let tables = sqlx::query_scalar!(
            "select count(*) as \"count!\" from pg_tables where schemaname = 'public'"
        )
        .fetch_one(&pool)
        .await
        .context("looking at the database to restore into")?;
        if tables > 0 {
            bail!(
                "the database already has {tables} tables: restore only into an empty database (a new one at DATABASE_URL, or a new ARCHHOUR_DATA_DIR)"
            );
        }
        blocking(move || {
            run(
                target
                    .command("pg_restore")
                    .args(["--no-owner", "--exit-on-error", "--single-transaction"])
                    .arg(&file),
                "pg_restore",
            )?;
            Ok(format!("restored {}\n", file.display()))
        })
        .await
    })
    .await
}

/// Runs a client program off the async threads.
async fn blocking<F>(work: F) -> anyhow::Result<String>
where
    F: FnOnce() -> anyhow::Result<String> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .context("the client program's task failed")?
}

/// Runs a client program to its end; its complaint, when it fails, is the error.
fn run(command: &mut Command, program: &str) -> anyhow::Result<()> {
    let output = match command.output() {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "{program} was not found: install PostgreSQL's client programs (e.g. `apt-get install postgresql-client`)"
        ),
        Err(error) => return Err(error).with_context(|| format!("running {program}")),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("");
        bail!("{program} failed ({}): {}", output.status, first.trim());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_url_travels_in_the_environment_not_on_the_command_line() {
        let target = Target::at_url(
            "postgres://archhour:s%40cret@db.internal:5432/archhour?sslmode=require",
            None,
        )
        .expect("a valid URL");
        assert_eq!(
            target.args,
            [OsString::from(
                "--dbname=postgres://archhour@db.internal:5432/archhour?sslmode=require"
            )]
        );
        assert_eq!(
            target.env,
            [("PGPASSWORD".to_string(), "s@cret".to_string())]
        );
    }

    #[test]
    fn parameters_only_sqlx_knows_are_left_out_and_its_spellings_of_libpqs_translated() {
        let target = Target::at_url(
            "postgres://archhour@localhost/archhour?statement-cache-capacity=100&ssl-mode=verify-full&host=%2Ftmp%2Frun&application_name=ah",
            None,
        )
        .expect("a valid URL");
        assert_eq!(
            target.args,
            [OsString::from(
                "--dbname=postgres://archhour@localhost/archhour?sslmode=verify-full&host=%2Ftmp%2Frun&application_name=ah"
            )]
        );
    }

    #[test]
    fn a_url_without_a_password_is_passed_as_it_is() {
        let target = Target::at_url("postgres://localhost/archhour", None).expect("valid");
        assert_eq!(
            target.args,
            [OsString::from("--dbname=postgres://localhost/archhour")]
        );
        assert!(target.env.is_empty());
    }

    #[test]
    fn the_embedded_cluster_is_reached_through_its_socket() {
        let target = Target::embedded(
            PathBuf::from("/usr/lib/postgresql/15/bin"),
            Path::new("/var/lib/archhour/run"),
            "archhour",
            "archhour",
        );
        assert_eq!(
            target.args,
            [
                OsString::from("--host=/var/lib/archhour/run"),
                OsString::from("--username=archhour"),
                OsString::from("--dbname=archhour"),
            ]
        );
    }
}
