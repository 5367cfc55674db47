//! Configuration read once from the environment (DESIGN §7), with errors that name the variable.
//!
//! This module reads the environment contract; `logs` how the logs are written, read first;
//! `tuning` holds how the outbox and the Socket Mode connections run, which only tests change;
//! `retention` how long old delivery bookkeeping is kept; `web` the public address and the web
//! archive's settings.

mod logs;
mod retention;
mod tuning;
mod web;

pub use logs::{DEFAULT_LOG_FILTER, LogFormat, LogSettings, check_log_filter};
pub use retention::RetentionSettings;
pub use tuning::{OutboxSettings, SocketModeSettings};
pub use web::{DEFAULT_SLACK_OAUTH_URL, MIN_SECRET_KEY_BYTES, WEB_VARIABLES, WebConfig};

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
    /// `ARCHHOUR_METRICS_ADDR`: when set, `/metrics` and `/healthz` are served there and
    /// `/metrics` no longer on `addr`.
    pub metrics_addr: Option<SocketAddr>,
    pub database: DatabaseConfig,
    pub transport: SlackTransport,
    /// `SLACK_BOT_TOKEN`: the bot of single-workspace mode. Optional when "Add to Slack" is set
    /// up (`web`): then each installed workspace's own token is used, and this one (if set)
    /// only in its own workspace.
    pub bot_token: Option<SecretString>,
    pub slack_api_url: Url,
    pub outbox: OutboxSettings,
    pub socket_mode: SocketModeSettings,
    pub retention: RetentionSettings,
    /// `ARCHHOUR_PUBLIC_URL`: where people reach archhour (ending in `/`). The calendar feed's
    /// address is built from it; `None` leaves `/archtopic calendar` saying to set it.
    pub public_url: Option<Url>,
    /// The web archive and Sign in with Slack; `None` (the archive off) unless all of
    /// [`WEB_VARIABLES`] are set.
    pub web: Option<WebConfig>,
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
        let addr = parse_addr(
            "ARCHHOUR_ADDR",
            &non_empty(lookup, "ARCHHOUR_ADDR").unwrap_or_else(|| DEFAULT_ADDR.into()),
        )?;
        let metrics_addr = match non_empty(lookup, "ARCHHOUR_METRICS_ADDR") {
            None => None,
            Some(text) => Some(parse_addr("ARCHHOUR_METRICS_ADDR", &text)?),
        };
        if metrics_addr == Some(addr) {
            return Err(ConfigError::Invalid {
                name: "ARCHHOUR_METRICS_ADDR",
                reason: format!("`{addr}` is ARCHHOUR_ADDR too; give the metrics another port"),
            });
        }
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
        let web = web::web_config(lookup)?;
        let bot_token = non_empty(lookup, "SLACK_BOT_TOKEN");
        if bot_token.is_none() && web.is_none() {
            return Err(ConfigError::Missing {
                name: "SLACK_BOT_TOKEN",
                hint: "copy the xoxb- token from your Slack app's OAuth & Permissions page (or set up \"Add to Slack\": SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, ARCHHOUR_PUBLIC_URL and ARCHHOUR_SECRET_KEY)",
            });
        }
        if bot_token
            .as_deref()
            .is_some_and(|token| !token.starts_with("xoxb-"))
        {
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
            metrics_addr,
            database,
            transport,
            bot_token: bot_token.map(SecretString::from),
            slack_api_url,
            outbox: outbox_settings(lookup)?,
            socket_mode: SocketModeSettings::default(),
            retention: retention::retention_settings(lookup)?,
            public_url: web::public_url(lookup)?,
            web,
        })
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&env_lookup)
    }
}

/// The outbox's defaults, with `ARCHHOUR_SLACK_TIMEOUT_SECONDS` (1 to 300) for a Slack call's
/// timeout when set.
fn outbox_settings(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<OutboxSettings, ConfigError> {
    const NAME: &str = "ARCHHOUR_SLACK_TIMEOUT_SECONDS";
    let Some(text) = non_empty(lookup, NAME) else {
        return Ok(OutboxSettings::default());
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
    Ok(OutboxSettings::with_call_timeout(Duration::from_secs(
        seconds,
    )))
}

/// Parses an address to listen on, such as `127.0.0.1:3000`, from the variable `name`.
fn parse_addr(name: &'static str, text: &str) -> Result<SocketAddr, ConfigError> {
    text.parse::<SocketAddr>()
        .map_err(|_| ConfigError::Invalid {
            name,
            reason: format!("`{text}` is not an address like 127.0.0.1:3000"),
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
mod tests;
