//! archhour's own Postgres cluster, run from the machine's PostgreSQL binaries when no
//! `DATABASE_URL` is given: initialised on first start, reused after, reachable only through a
//! Unix socket in its own directory, and run as the `postgres` user when we are root.

use std::fs::{self, File};
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;

use super::backup::Target;
use super::binaries;

/// The superuser initdb creates; connections come through the private socket with trust auth.
pub const SUPERUSER: &str = "archhour";
/// The database the app uses inside the cluster.
pub const DATABASE: &str = "archhour";
/// Unix socket paths longer than this do not fit in `sockaddr_un`.
const MAX_SOCKET_PATH: usize = 107;

/// A running embedded cluster.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bindir: PathBuf,
    data_dir: PathBuf,
    socket_dir: PathBuf,
    /// The system user the cluster runs as, when it is not us.
    run_as: Option<nix::unistd::User>,
    /// `ARCHHOUR_DATA_DIR`: where the start lock, the users lock and the marker live.
    root: PathBuf,
    /// A shared lock on `users.lock`, held while this process uses the cluster: the last
    /// archhour process to leave is the one that finds no other holder.
    in_use: Option<File>,
}

/// Present while a cluster archhour started is running: only such a cluster is stopped by
/// archhour (one an operator started by hand is left alone).
const STARTED_MARKER: &str = "started-by-archhour";

pub use super::binaries::find_bindir;

impl EmbeddedPostgres {
    /// Starts (initialising if needed) the cluster kept under `root`. Blocking: it runs
    /// `initdb` and `pg_ctl`.
    pub fn start(root: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(root)
            .with_context(|| format!("creating ARCHHOUR_DATA_DIR {}", root.display()))?;
        let root = fs::canonicalize(root)
            .with_context(|| format!("resolving ARCHHOUR_DATA_DIR {}", root.display()))?;
        let cluster = EmbeddedPostgres {
            bindir: binaries::bindir_for(&root.join("pgdata"))?,
            data_dir: root.join("pgdata"),
            socket_dir: root.join("run"),
            run_as: cluster_user()?,
            root: root.clone(),
            in_use: None,
        };
        let socket = cluster.socket();
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            bail!(
                "ARCHHOUR_DATA_DIR {} is too deep for Postgres's socket path ({} > {MAX_SOCKET_PATH} bytes); choose a shorter path",
                root.display(),
                socket.as_os_str().len()
            );
        }
        // One starter at a time: a second process waits here, then finds the server running.
        let lock = File::create(root.join("start.lock")).context("creating the start lock")?;
        lock.lock().context("taking the start lock")?;
        let mut cluster = cluster.start_locked()?;
        let in_use = File::create(root.join("users.lock")).context("creating the users lock")?;
        in_use.lock_shared().context("taking the users lock")?;
        cluster.in_use = Some(in_use);
        Ok(cluster)
    }

    fn start_locked(self) -> anyhow::Result<Self> {
        self.prepare_dir(&self.data_dir)?;
        self.prepare_dir(&self.socket_dir)?;
        if !self.data_dir.join("PG_VERSION").exists() {
            tracing::info!(data_dir = %self.data_dir.display(), "initialising a new Postgres cluster");
            let data_dir = self.data_dir.to_string_lossy().into_owned();
            self.run(
                "initdb",
                &[
                    "-D",
                    &data_dir,
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-instructions",
                ],
            )?;
            self.enable_settings_include()?;
        }
        self.write_settings()?;
        let action = match (self.is_running(), self.socket().exists()) {
            (true, true) => {
                tracing::info!(data_dir = %self.data_dir.display(), "reusing the embedded Postgres that is already running");
                return Ok(self);
            }
            // Running but unreachable (its socket file was removed): only a restart recreates it.
            (true, false) => "restart",
            (false, _) => "start",
        };
        tracing::info!(data_dir = %self.data_dir.display(), socket_dir = %self.socket_dir.display(), "{action}ing the embedded Postgres");
        let data_dir = self.data_dir.to_string_lossy().into_owned();
        let log = self.socket_dir.join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                action,
                "-m",
                "fast",
                "-D",
                &data_dir,
                "-l",
                &log.to_string_lossy(),
                "-w",
                "-t",
                "60",
                "-s",
            ],
        )
        .with_context(|| format!("starting Postgres (its log: {})", log.display()))?;
        fs::write(self.root.join(STARTED_MARKER), "").context("marking the cluster ours")?;
        Ok(self)
    }

    /// The server's socket file (5432 is only its name: there is no TCP port).
    fn socket(&self) -> PathBuf {
        self.socket_dir.join(".s.PGSQL.5432")
    }

    /// How PostgreSQL's client programs reach the app's database in this cluster.
    pub fn client_target(&self) -> Target {
        Target::embedded(self.bindir.clone(), &self.socket_dir, SUPERUSER, DATABASE)
    }

    /// How to reach the given database in this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username(SUPERUSER)
            .database(database)
    }

    /// This process is done with the cluster: it is stopped if archhour started it and no other
    /// archhour process (a `serve`, an `import`) still uses it. Blocking.
    pub fn stop(mut self) -> anyhow::Result<()> {
        // No one may start (and so join) the cluster while we decide.
        let lock = File::create(self.root.join("start.lock")).context("creating the start lock")?;
        lock.lock().context("taking the start lock")?;
        drop(self.in_use.take());
        let users = File::create(self.root.join("users.lock")).context("opening the users lock")?;
        match users.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                tracing::info!("another archhour process uses the embedded Postgres: left running");
                return Ok(());
            }
            Err(fs::TryLockError::Error(error)) => {
                return Err(error).context("checking for other users of the embedded Postgres");
            }
        }
        let marker = self.root.join(STARTED_MARKER);
        if !marker.exists() || !self.is_running() {
            return Ok(());
        }
        let data_dir = self.data_dir.to_string_lossy().into_owned();
        self.run(
            "pg_ctl",
            &[
                "stop", "-D", &data_dir, "-m", "fast", "-w", "-t", "60", "-s",
            ],
        )?;
        fs::remove_file(&marker).context("removing the cluster's marker")?;
        tracing::info!("stopped the embedded Postgres");
        Ok(())
    }

    fn is_running(&self) -> bool {
        let data_dir = self.data_dir.to_string_lossy().into_owned();
        self.command("pg_ctl")
            .args(["status", "-D", &data_dir])
            .output()
            .is_ok_and(|output| output.status.success())
    }

    /// Creates a directory only the cluster's user may enter, and checks that user can.
    fn prepare_dir(&self, dir: &Path) -> anyhow::Result<()> {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        if let Some(user) = &self.run_as {
            chown(dir, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .with_context(|| format!("handing {} to the postgres user", dir.display()))?;
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("making {} private", dir.display()))?;
        if self.run_as.is_some() {
            let reachable = self
                .command_as_cluster_user("test")
                .args(["-w".as_ref(), dir.as_os_str()])
                .status()
                .is_ok_and(|status| status.success());
            if !reachable {
                bail!(
                    "the postgres system user cannot reach {} (a parent directory is private); set \
                     ARCHHOUR_DATA_DIR to a directory it can reach, such as /var/lib/archhour, or set DATABASE_URL",
                    dir.display()
                );
            }
        }
        Ok(())
    }

    /// Points postgresql.conf at our own settings file, once, right after initdb.
    fn enable_settings_include(&self) -> anyhow::Result<()> {
        let conf = self.data_dir.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf).context("reading postgresql.conf")?;
        text.push_str(
            "\n# Settings archhour rewrites on every start.\ninclude_if_exists = 'archhour.conf'\n",
        );
        fs::write(&conf, text).context("writing postgresql.conf")
    }

    /// No TCP at all: the server listens only on the socket in our directory.
    fn write_settings(&self) -> anyhow::Result<()> {
        let path = self.data_dir.join("archhour.conf");
        let socket_dir = self.socket_dir.to_string_lossy().replace('\'', "''");
        fs::write(
            &path,
            format!(
                "# Written by archhour at each start; edits are overwritten.\n\
                 listen_addresses = ''\n\
                 unix_socket_directories = '{socket_dir}'\n"
            ),
        )
        .context("writing archhour.conf")?;
        if let Some(user) = &self.run_as {
            chown(&path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .context("handing archhour.conf to the postgres user")?;
        }
        Ok(())
    }

    fn run(&self, program: &str, args: &[&str]) -> anyhow::Result<Output> {
        let output = self
            .command(program)
            .args(args)
            .output()
            .with_context(|| format!("running {program}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            bail!("{program} failed ({}): {}", output.status, stderr.trim());
        }
        Ok(output)
    }

    /// A PostgreSQL tool, run as the cluster's user.
    fn command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        self.command_as_cluster_user(path.as_os_str())
    }

    fn command_as_cluster_user(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = match &self.run_as {
            Some(user) => {
                let mut runuser = Command::new("runuser");
                runuser.args(["-u", &user.name, "--"]).arg(program);
                runuser
            }
            None => Command::new(program),
        };
        // The postgres user may not be able to enter our working directory.
        command.current_dir("/");
        command
    }
}

/// `initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user.
fn cluster_user() -> anyhow::Result<Option<nix::unistd::User>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    match nix::unistd::User::from_name("postgres").context("looking up the postgres user")? {
        Some(user) => Ok(Some(user)),
        None => bail!(
            "archhour runs as root and there is no `postgres` system user to run its Postgres \
             (initdb refuses root): install PostgreSQL's server package, run archhour as another user, or set DATABASE_URL"
        ),
    }
}
