//! How the logs are written: the filter (`RUST_LOG`), one JSON object per line or text
//! (`ARCHHOUR_LOG_FORMAT`), and whether text is coloured. Read before anything else, so even
//! start-up is logged the way the operator chose.

use super::{ConfigError, non_empty};

/// The log filter when `RUST_LOG` is unset.
pub const DEFAULT_LOG_FILTER: &str = "archhour=info,warn";

/// `ARCHHOUR_LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One line per event for a person to read (the default).
    Text,
    /// One JSON object per line, for a log collector: the timestamp, level, target, the
    /// event's fields (`fields.message`…), and the spans it happened in.
    Json,
}

/// How the logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSettings {
    pub format: LogFormat,
    /// Whether text lines carry ANSI colour codes: only on a terminal, and never when
    /// `NO_COLOR` is set (<https://no-color.org>). A file or the journal gets plain text.
    pub colour: bool,
}

impl LogSettings {
    /// Reads `RUST_LOG` (checked the way the logger will read it), `ARCHHOUR_LOG_FORMAT` and
    /// `NO_COLOR`; `stderr_is_terminal` says where the logs go.
    pub fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
        stderr_is_terminal: bool,
    ) -> Result<Self, ConfigError> {
        check_log_filter(lookup)?;
        const NAME: &str = "ARCHHOUR_LOG_FORMAT";
        let format = match non_empty(lookup, NAME) {
            None => LogFormat::Text,
            Some(text) => match text.trim().to_ascii_lowercase().as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError::Invalid {
                        name: NAME,
                        reason: format!("`{text}` is neither `text` nor `json`"),
                    });
                }
            },
        };
        let colour = stderr_is_terminal && non_empty(lookup, "NO_COLOR").is_none();
        Ok(Self { format, colour })
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
