//! Fails when a renderer is added to `src/slack/blocks/` without a snapshot here: every `pub fn`
//! of `src/slack/blocks/X.rs` (or of any file in the folder `src/slack/blocks/X/`) must be
//! called in `tests/messages/X.rs`, unless it is listed in [`NOT_MESSAGES`] with the reason it
//! renders no message of its own. Also fails on a snapshot file that no test asserts any more.

use std::fs;
use std::path::{Path, PathBuf};

/// `pub fn`s of `src/slack/blocks/` that are not messages, each with why it needs no snapshot.
const NOT_MESSAGES: &[&str] = &[
    // `Reply::nothing`: the empty reply of a command that opened a form instead of answering.
    "nothing",
    // `Reply::is_nothing`: asks whether a reply is that empty one.
    "is_nothing",
    // `age`: the "3 days old" inside each agenda row, pinned by the agenda's snapshots.
    "age",
];

/// The names of the `pub fn`s in a file, before its unit tests.
fn public_functions(source: &str) -> Vec<String> {
    source
        .lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .filter_map(|line| line.trim().strip_prefix("pub fn "))
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// Whether `name(` is called in `source` outside comments, as a whole word.
fn calls(source: &str, name: &str) -> bool {
    let call = format!("{name}(");
    source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .any(|line| {
            line.match_indices(&call).any(|(at, _)| {
                line[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|before| !(before.is_alphanumeric() || before == '_'))
            })
        })
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// The source of an area of `src/slack/blocks/`: a file, or every file of a folder (a module
/// split into submodules), with the path of each.
fn sources(path: &Path) -> Vec<(PathBuf, String)> {
    if !path.is_dir() {
        return vec![(path.to_path_buf(), read(path))];
    }
    let mut files: Vec<_> = fs::read_dir(path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    files.iter().flat_map(|file| sources(file)).collect()
}

#[test]
fn every_renderer_has_a_snapshot_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut renderers = 0;
    let mut missing = Vec::new();
    let mut exempt_seen = Vec::new();
    let entries = fs::read_dir(root.join("src/slack/blocks")).expect("src/slack/blocks");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let area = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("a file name")
            .to_string();
        // Its tests live in the module named like the renderer's file or folder; `mod.rs` has none.
        let tests_path = root.join(format!("tests/messages/{area}.rs"));
        let tests = fs::read_to_string(&tests_path).unwrap_or_default();
        for (file, source) in sources(&path) {
            for name in public_functions(&source) {
                renderers += 1;
                if NOT_MESSAGES.contains(&name.as_str()) {
                    exempt_seen.push(name);
                } else if area == "mod" || !calls(&tests, &name) {
                    missing.push(format!(
                        "{}: `{name}` (no snapshot in tests/messages/{area}.rs)",
                        file.strip_prefix(root).unwrap_or(&file).display()
                    ));
                }
            }
        }
    }
    assert!(
        renderers > 80,
        "found only {renderers} pub fns in src/slack/blocks: is the scan still right?"
    );
    assert!(
        missing.is_empty(),
        "renderers without a snapshot test:\n{}",
        missing.join("\n")
    );
    for exempt in NOT_MESSAGES {
        assert!(
            exempt_seen.iter().any(|seen| seen == exempt),
            "`{exempt}` is exempt but no longer in src/slack/blocks: take it off NOT_MESSAGES"
        );
    }
}

/// A snapshot whose test was renamed or removed would lie in the diff forever: insta does not
/// notice it (only `cargo insta test --unreferenced` would). Each `.snap` file must be named by
/// a snapshot assertion in its area's module.
#[test]
fn every_snapshot_file_belongs_to_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/messages");
    let mut orphans = Vec::new();
    let entries = fs::read_dir(root.join("snapshots")).expect("tests/messages/snapshots");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a file name");
        let belongs = file
            .strip_suffix(".snap")
            .and_then(|stem| stem.strip_prefix("messages__"))
            .and_then(|stem| stem.split_once("__"))
            .is_some_and(|(area, name)| {
                let tests = fs::read_to_string(root.join(format!("{area}.rs"))).unwrap_or_default();
                tests.contains(&format!("\"{name}\""))
            });
        if !belongs {
            orphans.push(file.to_string());
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots no test asserts (delete them, or the pending .snap.new files):\n{}",
        orphans.join("\n")
    );
}

/// The guard's reading of the source, on the shapes it meets.
#[test]
fn the_guard_finds_public_functions_and_calls() {
    let source = "pub fn agenda(x: u8) -> Reply {}\n    pub fn nothing() {}\n\
                  fn private() {}\npub(crate) fn helper() {}\n#[cfg(test)]\npub fn in_tests() {}";
    assert_eq!(public_functions(source), ["agenda", "nothing"]);
    assert!(calls("let reply = blocks::agenda(&ranked);", "agenda"));
    assert!(!calls("let reply = full_agenda(&ranked);", "agenda"));
    assert!(!calls("// agenda(&ranked) is not called here", "agenda"));
}
