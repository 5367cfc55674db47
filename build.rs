//! Rebuilds when a migration is added, so `sqlx::migrate!()` embeds it; and names the git commit
//! built (`ARCHHOUR_GIT_COMMIT`, shown by `/metrics` as `archhour_build_info`) when the source
//! is a git checkout. A build from a tarball, or without git, needs nothing: the commit is then
//! `unknown`, unless the packager sets `ARCHHOUR_GIT_COMMIT` for the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=ARCHHOUR_GIT_COMMIT");
    // Set for the build, it reaches the compiler as it is.
    if std::env::var_os("ARCHHOUR_GIT_COMMIT").is_some() {
        return;
    }
    if let Some(commit) = git_commit() {
        println!("cargo:rustc-env=ARCHHOUR_GIT_COMMIT={commit}");
    }
}

/// The commit checked out, when this crate is the top of a git checkout (not a tarball unpacked
/// inside some other repository) and git runs. Asks Cargo to look again when the checkout
/// moves (a commit, a checkout, a reset) by watching the files git rewrites then.
fn git_commit() -> Option<String> {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&crate_dir)
            .output()
            .ok()?;
        let text = String::from_utf8(output.stdout).ok()?;
        output.status.success().then(|| text.trim().to_string())
    };
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != crate_dir.canonicalize().ok()? {
        return None;
    }
    let mut watched = vec!["HEAD".to_string(), "logs/HEAD".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        let Some(path) = git(&["rev-parse", "--git-path", &name]) else {
            continue;
        };
        let path = crate_dir.join(Path::new(&path));
        // Watching a file that does not exist would run this script on every build.
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    git(&["rev-parse", "--short=12", "HEAD"])
}
