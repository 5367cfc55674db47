//! Configuration read once from the environment (DESIGN §7), with errors that name the variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Where the bot's HTTP server listens when `ARCHHOUR_ADDR` is unset.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// Where the embedded Postgres keeps its data when `ARCHHOUR_DATA_DIR` is unset.
pub const DEFAULT_DATA_DIR: &str = "./.archhour";
/// Slack's Web API when `SLACK_API_URL` is unset.
pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api/";

/// A configuration value that is missing or does not parse. Startup reports it as one line and
/// exits with code 2.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{name} is not set: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Which Postgres archhour talks to.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// `DATABASE_URL`, when set; it may carry a password, so it is kept secret.
    pub url: Option<SecretString>,
    /// `ARCHHOUR_DATA_DIR`: the embedded cluster's home when `url` is unset.
    pub data_dir: PathBuf,
}

/// Everything `archhour serve` needs. Secrets are `SecretString`s, so `Debug` shows
/// `[REDACTED]` and they never reach a log line.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database: DatabaseConfig,
    pub transport: SlackTransport,
    pub bot_token: SecretString,
    pub slack_api_url: Url,
    pub outbox: OutboxSettings,
    pub socket_mode: SocketModeSettings,
}

/// How Slack's traffic reaches the bot.
#[derive(Debug, Clone)]
pub enum SlackTransport {
    /// Slack calls `/slack/commands`, `/slack/events` and `/slack/interactions`; each request
    /// is verified with the signing secret.
    Http { signing_secret: SecretString },
    /// The bot connects to Slack over Socket Mode with an app-level token (`xapp-…`), so it
    /// needs no public URL. Set whenever `SLACK_APP_TOKEN` is.
    SocketMode { app_token: SecretString },
}

impl SlackTransport {
    pub fn name(&self) -> &'static str {
        match self {
            SlackTransport::Http { .. } => "HTTP",
            SlackTransport::SocketMode { .. } => "Socket Mode",
        }
    }
}

/// How the Socket Mode connections behave. Not part of the environment contract: defaults
/// suit production and tests shorten them.
#[derive(Debug, Clone)]
pub struct SocketModeSettings {
    /// Connections kept open at once; Slack spreads envelopes over them, so one can be
    /// refreshed while another serves.
    pub connections: u32,
    /// Seconds between opening one connection and the next at start.
    pub stagger_seconds: u64,
    /// Seconds to wait before trying again when a connection cannot be opened.
    pub retry_seconds: u64,
}

impl Default for SocketModeSettings {
    fn default() -> Self {
        Self {
            connections: 2,
            stagger_seconds: 2,
            retry_seconds: 5,
        }
    }
}

/// How the outbox drains. Not part of the environment contract: defaults suit production and
/// tests shorten them.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// Longest wait between looks at the outbox when nothing wakes the worker.
    pub poll_interval: Duration,
    /// How long a claimed row stays reserved for one worker.
    pub lease: Duration,
    /// Calls to Slack that give up after this long count as failed attempts.
    pub call_timeout: Duration,
    /// Attempts before a row is marked dead.
    pub max_attempts: u32,
    /// First retry delay; doubled each attempt up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Calls in flight at once per process.
    pub concurrency: usize,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            call_timeout: Duration::from_secs(10),
            max_attempts: 10,
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            concurrency: 16,
        }
    }
}

impl DatabaseConfig {
    /// Reads `DATABASE_URL` and `ARCHHOUR_DATA_DIR`.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let url = match non_empty(lookup, "DATABASE_URL") {
            None => None,
            Some(url) => {
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(ConfigError::Invalid {
                        name: "DATABASE_URL",
                        reason: "expected a postgres:// or postgresql:// URL".into(),
                    });
                }
                Some(SecretString::from(url))
            }
        };
        let data_dir = non_empty(lookup, "ARCHHOUR_DATA_DIR")
            .unwrap_or_else(|| DEFAULT_DATA_DIR.to_string())
            .into();
        Ok(Self { url, data_dir })
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&env_lookup)
    }
}

impl Config {
    /// Reads every variable `serve` uses; the first problem found is returned.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let addr_text = non_empty(lookup, "ARCHHOUR_ADDR").unwrap_or_else(|| DEFAULT_ADDR.into());
        let addr = addr_text
            .parse::<SocketAddr>()
            .map_err(|_| ConfigError::Invalid {
                name: "ARCHHOUR_ADDR",
                reason: format!("`{addr_text}` is not an address like 127.0.0.1:3000"),
            })?;
        let database = DatabaseConfig::from_lookup(lookup)?;
        let transport = match non_empty(lookup, "SLACK_APP_TOKEN") {
            Some(app_token) if app_token.starts_with("xapp-") => SlackTransport::SocketMode {
                app_token: app_token.into(),
            },
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "SLACK_APP_TOKEN",
                    reason: "an app-level token starts with xapp-".into(),
                });
            }
            None => SlackTransport::Http {
                signing_secret: non_empty(lookup, "SLACK_SIGNING_SECRET")
                    .ok_or(ConfigError::Missing {
                        name: "SLACK_SIGNING_SECRET",
                        hint: "copy it from your Slack app's Basic Information page, or set SLACK_APP_TOKEN to use Socket Mode",
                    })?
                    .into(),
            },
        };
        let bot_token = non_empty(lookup, "SLACK_BOT_TOKEN").ok_or(ConfigError::Missing {
            name: "SLACK_BOT_TOKEN",
            hint: "copy the xoxb- token from your Slack app's OAuth & Permissions page",
        })?;
        if !bot_token.starts_with("xoxb-") {
            return Err(ConfigError::Invalid {
                name: "SLACK_BOT_TOKEN",
                reason: "a bot token starts with xoxb-".into(),
            });
        }
        let slack_api_url = parse_api_url(
            &non_empty(lookup, "SLACK_API_URL").unwrap_or_else(|| DEFAULT_SLACK_API_URL.into()),
        )?;
        Ok(Self {
            addr,
            database,
            transport,
            bot_token: bot_token.into(),
            slack_api_url,
            outbox: outbox_settings(lookup)?,
            socket_mode: SocketModeSettings::default(),
        })
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&env_lookup)
    }
}

/// The outbox's defaults, with `ARCHHOUR_SLACK_TIMEOUT_SECONDS` (1 to 300) for a Slack call's
/// timeout when set. A row's lease stays more than twice the timeout, so a call that times out
/// is recorded before another process may take its row over.
fn outbox_settings(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<OutboxSettings, ConfigError> {
    const NAME: &str = "ARCHHOUR_SLACK_TIMEOUT_SECONDS";
    let defaults = OutboxSettings::default();
    let Some(text) = non_empty(lookup, NAME) else {
        return Ok(defaults);
    };
    let seconds = text
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|s| (1..=300).contains(s))
        .ok_or_else(|| ConfigError::Invalid {
            name: NAME,
            reason: format!("`{text}` is not a whole number of seconds from 1 to 300"),
        })?;
    let call_timeout = Duration::from_secs(seconds);
    Ok(OutboxSettings {
        call_timeout,
        lease: defaults
            .lease
            .max(2 * call_timeout + Duration::from_secs(10)),
        ..defaults
    })
}

/// Parses `SLACK_API_URL`, insisting on http(s) and a trailing slash so method names append.
fn parse_api_url(text: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        name: "SLACK_API_URL",
        reason,
    };
    let with_slash = if text.ends_with('/') {
        text.to_string()
    } else {
        format!("{text}/")
    };
    let url = Url::parse(&with_slash).map_err(|e| invalid(format!("`{text}`: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "`{text}` must be an http:// or https:// URL"
        )));
    }
    // The bot token travels with every call: in clear text only to this machine.
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(invalid(format!(
            "`{text}` would send the bot token unencrypted; use https:// (http:// is only for a fake Slack on this machine)"
        )));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks `RUST_LOG` the same way the logger will read it.
pub fn check_log_filter(lookup: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
    match non_empty(lookup, "RUST_LOG") {
        None => Ok(()),
        Some(filter) => tracing_subscriber::EnvFilter::try_new(&filter)
            .map(|_| ())
            .map_err(|e| ConfigError::Invalid {
                name: "RUST_LOG",
                reason: e.to_string(),
            }),
    }
}

fn non_empty(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name).filter(|value| !value.trim().is_empty())
}

/// Reads a variable from the process environment; a value that is not UTF-8 counts as unset.
pub fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The database URL in the clear, for the one place that connects with it.
pub fn expose_url(url: &SecretString) -> &str {
    url.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup_from(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const REQUIRED: [(&str, &str); 2] = [
        ("SLACK_SIGNING_SECRET", "s3cr3t-signing"),
        ("SLACK_BOT_TOKEN", "xoxb-sensitive-token"),
    ];

    #[test]
    fn defaults_apply_when_only_secrets_are_set() {
        let config = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database.data_dir, PathBuf::from("./.archhour"));
        assert!(config.database.url.is_none());
        assert_eq!(config.slack_api_url.as_str(), "https://slack.com/api/");
    }

    #[test]
    fn a_missing_signing_secret_is_named() {
        let err = Config::from_lookup(&lookup_from(&[("SLACK_BOT_TOKEN", "xoxb-1")]))
            .expect_err("missing secret");
        assert!(
            err.to_string()
                .starts_with("SLACK_SIGNING_SECRET is not set")
        );
    }

    #[test]
    fn an_app_token_chooses_socket_mode_and_needs_no_signing_secret() {
        let config = Config::from_lookup(&lookup_from(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_APP_TOKEN", "xapp-1-secret"),
        ]))
        .expect("valid");
        assert!(matches!(
            config.transport,
            SlackTransport::SocketMode { .. }
        ));
        let both = Config::from_lookup(&lookup_from(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_SIGNING_SECRET", "s"),
            ("SLACK_APP_TOKEN", "xapp-1-secret"),
        ]))
        .expect("valid");
        assert_eq!(both.transport.name(), "Socket Mode");
        assert!(!format!("{both:?}").contains("xapp-1-secret"));
        let plain = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
        assert_eq!(plain.transport.name(), "HTTP");
    }

    #[test]
    fn a_missing_bot_token_is_named() {
        let err = Config::from_lookup(&lookup_from(&[("SLACK_SIGNING_SECRET", "x")]))
            .expect_err("missing token");
        assert!(err.to_string().starts_with("SLACK_BOT_TOKEN is not set"));
    }

    #[test]
    fn invalid_values_name_their_variable() {
        for (name, value) in [
            ("ARCHHOUR_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://db"),
            ("SLACK_API_URL", "ftp://example.com"),
            ("SLACK_API_URL", "http://slack.example.com/api/"),
            ("SLACK_BOT_TOKEN", "xoxp-user-token"),
            ("SLACK_APP_TOKEN", "xoxb-not-an-app-token"),
            ("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "0"),
            ("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "301"),
            ("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "ten"),
        ] {
            let mut pairs = REQUIRED.to_vec();
            pairs.retain(|(k, _)| *k != name);
            pairs.push((name, value));
            let err = Config::from_lookup(&lookup_from(&pairs)).expect_err(name);
            assert!(
                err.to_string().starts_with(&format!("{name} is invalid")),
                "{err}"
            );
        }
    }

    #[test]
    fn an_invalid_log_filter_is_named() {
        let err = check_log_filter(&lookup_from(&[("RUST_LOG", "archhour=loud")]))
            .expect_err("bad filter");
        assert!(err.to_string().starts_with("RUST_LOG is invalid"));
    }

    #[test]
    fn the_slack_timeout_can_be_set_and_the_lease_stays_past_twice_it() {
        let plain = Config::from_lookup(&lookup_from(&REQUIRED)).expect("valid");
        assert_eq!(plain.outbox.call_timeout, Duration::from_secs(10));
        assert_eq!(plain.outbox.lease, Duration::from_secs(60));
        let mut pairs = REQUIRED.to_vec();
        pairs.push(("ARCHHOUR_SLACK_TIMEOUT_SECONDS", "45"));
        let slow = Config::from_lookup(&lookup_from(&pairs)).expect("valid");
        assert_eq!(slow.outbox.call_timeout, Duration::from_secs(45));
        assert_eq!(slow.outbox.lease, Duration::from_secs(100));
    }

    #[test]
    fn the_api_url_gets_a_trailing_slash() {
        let mut pairs = REQUIRED.to_vec();
        pairs.push(("SLACK_API_URL", "http://127.0.0.1:9/api"));
        let config = Config::from_lookup(&lookup_from(&pairs)).expect("valid");
        assert_eq!(config.slack_api_url.as_str(), "http://127.0.0.1:9/api/");
        for local in [
            "http://localhost:9/api/",
            "http://[::1]:9/api/",
            "http://127.0.0.2/api/",
        ] {
            let mut pairs = REQUIRED.to_vec();
            pairs.push(("SLACK_API_URL", local));
            Config::from_lookup(&lookup_from(&pairs)).expect(local);
        }
    }

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let mut pairs = REQUIRED.to_vec();
        pairs.push(("DATABASE_URL", "postgres://app:hunter2@db/archhour"));
        let config = Config::from_lookup(&lookup_from(&pairs)).expect("valid");
        let printed = format!("{config:?}");
        for secret in ["s3cr3t-signing", "xoxb-sensitive-token", "hunter2"] {
            assert!(!printed.contains(secret), "{secret} leaked: {printed}");
        }
    }
}
