//! Which PostgreSQL binaries archhour runs: the servers installed on the machine, and the one
//! that fits an existing cluster (its data directory's `PG_VERSION`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::bail;

/// One installed server's programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The major version (`15` for 15.18).
    pub major: u32,
    pub bindir: PathBuf,
}

/// The newest installed server's programs (`initdb`, `pg_ctl`, `pg_dump`, …).
pub fn find_bindir() -> anyhow::Result<PathBuf> {
    match newest(&installed()) {
        Some(server) => Ok(server.bindir.clone()),
        None => bail!(
            "DATABASE_URL is not set and no PostgreSQL binaries were found (tried `pg_config --bindir` \
             and /usr/lib/postgresql/*/bin): install PostgreSQL (e.g. `apt-get install postgresql`) \
             or set DATABASE_URL to an existing database"
        ),
    }
}

/// The programs to run the cluster in `data_dir` with: the version that made it when it
/// exists, else the newest. Refuses, saying how to upgrade, when that version is not installed.
pub fn bindir_for(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let Some(made_by) = data_version(data_dir) else {
        return find_bindir();
    };
    let servers = installed();
    if let Some(server) = servers.iter().find(|server| server.major == made_by) {
        if let Some(newer) = newest(&servers).filter(|newest| newest.major > made_by) {
            tracing::warn!(
                data_dir = %data_dir.display(),
                "the embedded Postgres runs PostgreSQL {made_by}; {} is installed too: see README \"Upgrading\" to move to it",
                newer.major
            );
        }
        return Ok(server.bindir.clone());
    }
    bail!("{}", refusal(data_dir, made_by, &servers))
}

/// The one line that says why a cluster cannot start and how to go on.
fn refusal(data_dir: &Path, made_by: u32, servers: &[Installed]) -> String {
    let found = match newest(servers) {
        Some(server) => format!("only PostgreSQL {} is installed", server.major),
        None => "no PostgreSQL binaries were found".to_string(),
    };
    format!(
        "the embedded Postgres in {} was made by PostgreSQL {made_by} and {found}: install \
         PostgreSQL {made_by} again (e.g. `apt-get install postgresql-{made_by}`), then move the data \
         to the new version as README \"Upgrading\" says (`archhour backup`, then restore)",
        data_dir.display()
    )
}

fn newest(servers: &[Installed]) -> Option<&Installed> {
    servers.iter().max_by_key(|server| server.major)
}

/// The major version in a data directory's `PG_VERSION`, when there is a cluster there.
pub fn data_version(data_dir: &Path) -> Option<u32> {
    let text = fs::read_to_string(data_dir.join("PG_VERSION")).ok()?;
    text.trim().parse().ok()
}

/// Every installed server: `pg_config --bindir` first, then Debian's layout.
pub fn installed() -> Vec<Installed> {
    let mut dirs = Vec::new();
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        dirs.push(PathBuf::from(
            String::from_utf8_lossy(&output.stdout).trim(),
        ));
    }
    let mut debian: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .collect();
    debian.sort();
    dirs.extend(debian);
    let mut servers: Vec<Installed> = Vec::new();
    for bindir in dirs {
        if !(bindir.join("initdb").is_file() && bindir.join("pg_ctl").is_file()) {
            continue;
        }
        let Some(major) = server_version(&bindir) else {
            continue;
        };
        if !servers.iter().any(|known| known.major == major) {
            servers.push(Installed { major, bindir });
        }
    }
    servers
}

/// The major version `pg_ctl --version` reports ("pg_ctl (PostgreSQL) 15.18 (Debian …)").
fn server_version(bindir: &Path) -> Option<u32> {
    let output = Command::new(bindir.join("pg_ctl"))
        .arg("--version")
        .output()
        .ok()?;
    parse_major(&String::from_utf8_lossy(&output.stdout))
}

/// The major version in a PostgreSQL program's `--version` line.
fn parse_major(line: &str) -> Option<u32> {
    let version = line
        .split("(PostgreSQL)")
        .nth(1)?
        .split_whitespace()
        .next()?;
    version
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_major_version_is_read_from_version_lines_of_every_kind() {
        assert_eq!(
            parse_major("pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"),
            Some(15)
        );
        assert_eq!(parse_major("pg_ctl (PostgreSQL) 17devel"), Some(17));
        assert_eq!(parse_major("pg_ctl (PostgreSQL) 9.6.24"), Some(9));
        assert_eq!(parse_major("pg_ctl (PostgreSQL) 16rc1"), Some(16));
        assert_eq!(parse_major("something else"), None);
    }

    #[test]
    fn a_cluster_of_a_version_no_longer_installed_is_refused_in_one_line_that_says_what_to_do() {
        let servers = [Installed {
            major: 16,
            bindir: PathBuf::from("/usr/lib/postgresql/16/bin"),
        }];
        let line = refusal(Path::new("/var/lib/archhour/pgdata"), 15, &servers);
        assert!(!line.contains('\n'));
        assert!(line.starts_with(
            "the embedded Postgres in /var/lib/archhour/pgdata was made by PostgreSQL 15 and only PostgreSQL 16 is installed: install PostgreSQL 15 again"
        ), "{line}");
        assert!(line.contains("`apt-get install postgresql-15`"));
        assert!(line.contains("README \"Upgrading\""));
        assert!(refusal(Path::new("/d"), 15, &[]).contains("no PostgreSQL binaries were found"));
    }

    #[test]
    fn a_data_directory_says_which_version_made_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(data_version(dir.path()), None);
        fs::write(dir.path().join("PG_VERSION"), "15\n").expect("writing");
        assert_eq!(data_version(dir.path()), Some(15));
    }
}
