//! The Debian package's files (packaging/debian/, Cargo.toml's [package.metadata.deb]) agree
//! with each other and with the README: the env file offers every setting the README's
//! Configuration table lists and no other, and the unit runs the binary, reads the env file and
//! keeps its data where the package and the code expect them.

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("reading {path}: {error}"))
}

/// The variables of the README's Configuration table: each row's first cell.
fn configuration_variables(readme: &str) -> BTreeSet<String> {
    let section = readme
        .split("\n## Configuration\n")
        .nth(1)
        .expect("README has a Configuration section");
    // The table ends at the next heading of any level ("### Logs and metrics" has a table of
    // metrics, not settings).
    let section = section.split("\n#").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(String::from)
        .collect()
}

/// The variables the env file sets or offers commented out (`NAME=…` or `#NAME=…`).
fn env_file_variables(env_file: &str) -> BTreeSet<String> {
    env_file
        .lines()
        .map(|line| line.strip_prefix('#').unwrap_or(line))
        .filter_map(|line| line.split_once('=').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(String::from)
        .collect()
}

/// The value of each `Key=` line of the unit with that key, in order.
fn unit_values<'a>(unit: &'a str, key: &str) -> Vec<&'a str> {
    unit.lines()
        .filter_map(|line| line.strip_prefix(key)?.strip_prefix('='))
        .collect()
}

#[test]
fn the_env_file_offers_exactly_the_settings_the_readme_lists() {
    let documented = configuration_variables(&read("README.md"));
    // Guards the parsing: the table had nine rows when this test was written.
    assert!(
        documented.len() >= 9 && documented.contains("SLACK_BOT_TOKEN"),
        "README's Configuration table was not read: {documented:?}"
    );
    let offered = env_file_variables(&read("packaging/debian/archhour.env"));
    let missing: Vec<_> = documented.difference(&offered).collect();
    let unknown: Vec<_> = offered.difference(&documented).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "packaging/debian/archhour.env must list every variable of README's Configuration table \
         (commented out when it has a default) and no other; missing {missing:?}, not in the README {unknown:?}"
    );
}

#[test]
fn the_unit_runs_the_packaged_binary_with_its_env_file_and_state_directory() {
    let unit = read("packaging/debian/archhour.service");
    let cargo = read("Cargo.toml");
    let assets = cargo
        .split("\n[package.metadata.deb]\n")
        .nth(1)
        .expect("Cargo.toml has [package.metadata.deb]");

    // The binary is packaged into /usr/bin, where the unit runs it.
    assert!(assets.contains(r#"["target/release/archhour", "usr/bin/", "755"]"#));
    assert_eq!(
        unit_values(&unit, "ExecStartPre"),
        ["/usr/bin/archhour migrate"]
    );
    assert_eq!(unit_values(&unit, "ExecStart"), ["/usr/bin/archhour serve"]);

    // The env file the package installs is the one the unit reads.
    assert!(
        assets.contains(r#"["packaging/debian/archhour.env", "etc/archhour/archhour.env", "640"]"#)
    );
    assert_eq!(
        unit_values(&unit, "EnvironmentFile"),
        ["/etc/archhour/archhour.env"]
    );

    // The embedded cluster lives in the state directory, the one place the unit may write.
    let state = unit_values(&unit, "StateDirectory");
    assert_eq!(state.len(), 1, "one StateDirectory=");
    let data_dir = format!("ARCHHOUR_DATA_DIR=/var/lib/{}", state[0]);
    assert!(
        unit_values(&unit, "Environment").contains(&data_dir.as_str()),
        "the unit must set {data_dir}"
    );
    assert!(unit_values(&unit, "ProtectSystem").contains(&"strict"));

    // It runs as the user the sysusers file creates.
    let user = unit_values(&unit, "User");
    assert_eq!(user, ["archhour"]);
    let sysusers = read("packaging/debian/archhour.sysusers");
    assert!(
        sysusers.lines().any(|line| line.starts_with("u archhour ")),
        "archhour.sysusers must create the archhour user"
    );
}
