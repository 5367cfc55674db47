//! The import-direction check: the folders of `src/` are layers, and every `crate::` path (in a
//! `use` line or inline) must run from a higher layer to a lower one, with no circle between
//! modules, so a reader can learn the code from the bottom up; and no file is too long to read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` and its layer: a module may name only modules of lower
/// layers. A new top-level module must be placed here before the check passes.
const LAYERS: &[(&str, u8)] = &[
    // Pure rules, and the leaves everything may read.
    ("domain", 0),
    ("clock", 0),
    ("config", 0),
    ("metrics", 0),
    ("cli", 0),
    // Slack's edge (the client, calls as data, parsing what Slack sends, Block Kit renderers)
    // and opening the database.
    ("slack", 1),
    ("database", 1),
    // SQL.
    ("store", 2),
    // Messages composed from stored state.
    ("compose", 3),
    // Making the queued Slack calls.
    ("outbox", 4),
    // What the bot does: one module per use case, and the workers that run scheduled steps.
    ("usecases", 5),
    // Transports and the offline commands.
    ("http", 6),
    ("socket", 6),
    ("tools", 6),
    // Wiring.
    ("app", 7),
    // The binary's body: the command line's commands.
    ("entry", 8),
];

/// Edges between modules of one layer that are allowed, with why.
const SIDEWAYS: &[(&str, &str)] = &[
    // `/healthz` reports the Socket Mode connection's state.
    ("http", "socket"),
];

/// A module as the check sees it: a top-level module, or one level inside a top-level folder
/// (`usecases::meeting`, `domain::notes`).
type Node = String;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: Node,
    to: Node,
    /// The file (under `src/`) that names `to`.
    file: String,
}

fn top(node: &str) -> &str {
    node.split("::").next().unwrap_or(node)
}

/// The module path a file defines: `usecases/meeting/steps.rs` is `usecases::meeting::steps`,
/// `domain/mod.rs` is `domain`.
fn module_path(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts
}

/// Which node a module path belongs to, given the modules that exist.
fn node_of(path: &[String], modules: &BTreeSet<Vec<String>>) -> Node {
    let depth = if path.len() >= 2 && modules.contains(&path[..2].to_vec()) {
        2
    } else {
        1
    };
    path[..depth.min(path.len())].join("::")
}

/// The code of a file without its comments (doc links name modules without using them).
fn code(source: &str) -> String {
    source
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths after `crate::` or `super::` in a file, as module paths from the crate root.
fn named_paths(file: &str, source: &str) -> Vec<Vec<String>> {
    let me = module_path(file);
    let code = code(source);
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(start) = ["crate::", "super::"]
        .iter()
        .filter_map(|prefix| rest.find(prefix))
        .min()
    {
        let preceded_by_word = rest[..start]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        let tail = &rest[start..];
        let path: String = tail
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '{')
            .collect();
        rest = &tail[path.len().max(1)..];
        if preceded_by_word {
            continue;
        }
        let segments: Vec<&str> = path
            .split("::")
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut segments = segments.into_iter().peekable();
        match segments.peek() {
            Some(&"crate") => {
                segments.next();
            }
            Some(&"super") => {
                resolved = me.clone();
                while segments.peek() == Some(&"super") {
                    segments.next();
                    resolved.pop();
                }
            }
            _ => continue,
        }
        resolved.extend(
            segments
                .take_while(|s| s.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .map(str::to_string),
        );
        if !resolved.is_empty() {
            found.push(resolved);
        }
    }
    found
}

/// Every edge between nodes, from the files of `src/` (path under `src/`, source).
fn edges(files: &[(String, String)]) -> BTreeSet<Edge> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(f, _)| module_path(f)).collect();
    let mut edges = BTreeSet::new();
    for (file, source) in files {
        let me = module_path(file);
        if me == ["lib"] || me == ["main"] {
            continue;
        }
        let from = node_of(&me, &modules);
        for path in named_paths(file, source) {
            let to = node_of(&path, &modules);
            let inside = to == from || from.starts_with(&format!("{to}::"));
            if !inside && !to.ends_with("::tests") {
                edges.insert(Edge {
                    from: from.clone(),
                    to,
                    file: file.clone(),
                });
            }
        }
    }
    edges
}

/// What runs the wrong way: an edge to a higher (or, unless allowed, the same) layer, a
/// top-level module with no layer, and every circle between nodes.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let layers: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let edges = edges(files);
    let mut found = Vec::new();
    let tops: BTreeSet<String> = files
        .iter()
        .map(|(f, _)| module_path(f)[0].clone())
        .filter(|t| t != "lib" && t != "main")
        .collect();
    for unplaced in tops.iter().filter(|t| !layers.contains_key(t.as_str())) {
        found.push(format!("`{unplaced}` has no layer in LAYERS"));
    }
    for edge in &edges {
        let (from, to) = (top(&edge.from), top(&edge.to));
        let (Some(&high), Some(&low)) = (layers.get(from), layers.get(to)) else {
            continue;
        };
        let sideways = high == low && from != to && SIDEWAYS.contains(&(from, to));
        if from != to && !(high > low || sideways) {
            found.push(format!(
                "{} -> {} runs the wrong way (layer {high} names layer {low}) in src/{}",
                edge.from, edge.to, edge.file
            ));
        }
    }
    for circle in circles(&edges) {
        found.push(format!("a circle: {}", circle.join(" -> ")));
    }
    found
}

/// The circles between nodes: each strongly connected group of more than one node, as a path
/// that walks it.
fn circles(edges: &BTreeSet<Edge>) -> Vec<Vec<Node>> {
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for edge in edges {
        next.entry(&edge.from).or_default().insert(&edge.to);
    }
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(node) = todo.pop() {
            for &after in next.get(node).into_iter().flatten() {
                if after == to {
                    return true;
                }
                if seen.insert(after) {
                    todo.push(after);
                }
            }
        }
        false
    };
    let mut grouped: BTreeSet<&str> = BTreeSet::new();
    let mut circles = Vec::new();
    for &node in next.keys() {
        if grouped.contains(node) || !reaches(node, node) {
            continue;
        }
        let group: Vec<Node> = next
            .keys()
            .filter(|&&other| other == node || (reaches(node, other) && reaches(other, node)))
            .map(|n| n.to_string())
            .collect();
        grouped.extend(next.keys().filter(|k| group.iter().any(|g| g == *k)));
        let mut walk = group.clone();
        walk.push(group[0].clone());
        circles.push(walk);
    }
    circles
}

fn source_files(dir: &Path, under: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("reading src/")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            source_files(&path, under, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(under).expect("under src/");
            let source = std::fs::read_to_string(&path).expect("reading a source file");
            out.push((relative.to_string_lossy().replace('\\', "/"), source));
        }
    }
}

#[test]
fn imports_in_src_run_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    assert!(files.len() > 50, "read only {} files", files.len());
    let found = violations(&files);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

fn files(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .collect()
}

/// A small tree that passes: each edge runs down a layer.
fn a_tree() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "lib.rs",
            "pub mod domain; pub mod store; pub mod usecases; pub mod app;",
        ),
        ("domain/mod.rs", "pub mod topics;"),
        ("domain/topics.rs", "pub struct Topic;"),
        ("store/mod.rs", "pub mod topics;"),
        ("store/topics.rs", "use crate::domain::topics::Topic;"),
        ("usecases/mod.rs", "pub mod propose; pub mod search;"),
        (
            "usecases/propose.rs",
            "use crate::store;\nuse super::search::similar;",
        ),
        ("usecases/search.rs", "pub fn similar() {}"),
        ("app.rs", "fn run() { crate::usecases::propose::run(); }"),
    ]
}

#[test]
fn the_checker_passes_a_tree_that_runs_one_way() {
    assert_eq!(violations(&files(&a_tree())), Vec::<String>::new());
}

#[test]
fn the_checker_fails_on_an_edge_added_the_wrong_way() {
    let mut tree = a_tree();
    tree.push(("store/votes.rs", "use crate::usecases::propose::Proposal;"));
    assert_eq!(
        violations(&files(&tree)),
        vec![
            "store::votes -> usecases::propose runs the wrong way (layer 2 names layer 5) in src/store/votes.rs"
                .to_string()
        ]
    );
}

#[test]
fn the_checker_fails_when_the_domain_names_its_callers_inline() {
    let mut tree = a_tree();
    tree[2] = (
        "domain/topics.rs",
        "fn f() { crate::store::topics::find(); }",
    );
    let found = violations(&files(&tree));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("domain::topics -> store::topics runs the wrong way"));
    assert_eq!(
        found[1],
        "a circle: domain::topics -> store::topics -> domain::topics"
    );
}

#[test]
fn the_checker_fails_on_a_circle_inside_one_layer() {
    let mut tree = a_tree();
    tree[7] = ("usecases/search.rs", "use super::propose::Proposal;");
    assert_eq!(
        violations(&files(&tree)),
        vec!["a circle: usecases::propose -> usecases::search -> usecases::propose".to_string()]
    );
}

#[test]
fn the_checker_ignores_comments_and_longer_names() {
    let mut tree = a_tree();
    tree.push((
        "domain/votes.rs",
        "//! Counted as [`crate::store::votes`] counts them.\nuse mycrate::store::X; // crate::app",
    ));
    assert_eq!(violations(&files(&tree)), Vec::<String>::new());
}

#[test]
fn the_checker_fails_on_a_module_without_a_layer() {
    let mut tree = a_tree();
    tree.push(("helpers.rs", "use crate::store;"));
    assert_eq!(
        violations(&files(&tree)),
        vec!["`helpers` has no layer in LAYERS".to_string()]
    );
}

/// A file a reader can hold in mind: no source file in `src/` is longer than this.
const MOST_LINES_IN_A_FILE: usize = 400;

#[test]
fn no_file_in_src_is_too_long_to_read() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|(file, source)| (file, source.lines().count()))
        .filter(|(_, lines)| *lines > MOST_LINES_IN_A_FILE)
        .map(|(file, lines)| format!("src/{file}: {lines} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "split these by what each part does (at most {MOST_LINES_IN_A_FILE} lines):\n{}",
        long.join("\n")
    );
}
