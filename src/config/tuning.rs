//! How the outbox drains and the Socket Mode connections behave: not part of the environment
//! contract (save the Slack call timeout, which `config` reads), with defaults that suit
//! production and that tests shorten.

use std::time::Duration;

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

impl OutboxSettings {
    /// The defaults with another timeout for a Slack call. A row's lease stays more than twice
    /// the timeout, so a call that times out is recorded before another process may take its
    /// row over.
    pub(super) fn with_call_timeout(call_timeout: Duration) -> OutboxSettings {
        let defaults = OutboxSettings::default();
        OutboxSettings {
            call_timeout,
            lease: defaults
                .lease
                .max(2 * call_timeout + Duration::from_secs(10)),
            ..defaults
        }
    }
}
