//! What `/healthz` and `/metrics` say about the Socket Mode connections: whether Slack has
//! said hello since the last failure, how many connections were opened, and the last error.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// The connections' state as the listener last saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketStatus {
    /// Slack said hello on a connection, and no connection has failed since.
    pub connected: bool,
    /// When that hello came.
    pub since: Option<DateTime<Utc>>,
    /// Hellos received: one per connection opened (at start and after each reconnect).
    pub connections_opened: u64,
    pub errors: u64,
    pub last_error: Option<String>,
}

/// Shared between the Socket Mode callbacks and the HTTP handlers that report on them.
#[derive(Debug, Default)]
pub struct SocketHealth {
    status: Mutex<SocketStatus>,
}

impl SocketHealth {
    /// A connection is open: Slack said hello on it.
    pub fn hello(&self, at: DateTime<Utc>) {
        let mut status = self.lock();
        status.connected = true;
        status.since = Some(at);
        status.connections_opened += 1;
    }

    /// A connection failed; the listener reconnects by itself.
    pub fn failed(&self, error: String) {
        let mut status = self.lock();
        status.connected = false;
        status.errors += 1;
        status.last_error = Some(error);
    }

    pub fn status(&self) -> SocketStatus {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SocketStatus> {
        // A panic while holding this lock cannot leave the status half-written.
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SocketStatus {
    /// One line for `/healthz`.
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        match (self.connected, self.since) {
            (true, Some(since)) => format!(
                "socket mode: connected for {}s ({} connection(s) opened so far)",
                (now - since).num_seconds().max(0),
                self.connections_opened
            ),
            _ => match &self.last_error {
                Some(error) => format!("socket mode: reconnecting after an error: {error}"),
                None => "socket mode: connecting".to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn hello_connects_and_an_error_disconnects_until_the_next_hello() {
        let health = SocketHealth::default();
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        assert_eq!(health.status().describe(at), "socket mode: connecting");
        health.hello(at);
        assert_eq!(
            health.status().describe(at + chrono::Duration::seconds(90)),
            "socket mode: connected for 90s (1 connection(s) opened so far)"
        );
        health.failed("connection reset".into());
        let status = health.status();
        assert!(!status.connected);
        assert_eq!(
            status.describe(at),
            "socket mode: reconnecting after an error: connection reset"
        );
        health.hello(at);
        assert_eq!(health.status().connections_opened, 2);
        assert!(health.status().connected);
    }
}
