//! Slack's rate limits as this process has met them. One 429 says only that one call must wait
//! (often the channel's own limit: about one message a second); 429s for the same method in two
//! different channels within one `Retry-After` mean the workspace-wide limit, and then every
//! call of that method waits it out instead of asking Slack again.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// The limits met per method, shared by the outbox's delivery tasks.
#[derive(Debug, Default)]
pub struct RateLimits {
    methods: Mutex<HashMap<&'static str, Limited>>,
}

/// A method answered 429 recently.
#[derive(Debug)]
struct Limited {
    /// The latest `Retry-After` ends here.
    until: DateTime<Utc>,
    /// The channels refused until then.
    channels: HashSet<String>,
}

impl RateLimits {
    /// Records a 429 for `method` in `channel`, to be waited out until `until`.
    pub fn record(
        &self,
        method: &'static str,
        channel: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let limited = methods.entry(method).or_insert_with(|| Limited {
            until,
            channels: HashSet::new(),
        });
        if limited.until <= now {
            limited.channels.clear();
        }
        limited.until = limited.until.max(until);
        limited.channels.insert(channel.to_string());
    }

    /// When a call of `method` may be made, if Slack limits the whole workspace until later
    /// than `now`.
    pub fn wait_until(&self, method: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let limited = methods.get(method)?;
        (limited.until > now && limited.channels.len() >= 2).then_some(limited.until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap() + Duration::seconds(seconds)
    }

    #[test]
    fn one_channel_refused_holds_back_no_other_call() {
        let limits = RateLimits::default();
        limits.record("chat.postMessage", "C1", at(2), at(0));
        limits.record("chat.postMessage", "C1", at(2), at(0));
        assert_eq!(limits.wait_until("chat.postMessage", at(1)), None);
    }

    #[test]
    fn two_channels_refused_hold_back_the_method_until_the_latest_retry_after() {
        let limits = RateLimits::default();
        limits.record("chat.postMessage", "D1", at(1), at(0));
        limits.record("chat.postMessage", "D2", at(2), at(0));
        assert_eq!(limits.wait_until("chat.postMessage", at(0)), Some(at(2)));
        assert_eq!(limits.wait_until("chat.update", at(0)), None);
        assert_eq!(limits.wait_until("chat.postMessage", at(2)), None);
    }

    #[test]
    fn refusals_from_an_earlier_window_do_not_count() {
        let limits = RateLimits::default();
        limits.record("chat.postMessage", "D1", at(1), at(0));
        limits.record("chat.postMessage", "D2", at(6), at(5));
        assert_eq!(limits.wait_until("chat.postMessage", at(5)), None);
    }
}
