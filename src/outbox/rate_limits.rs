//! Slack's rate limits as this process has met them. For a message, one 429 says only that one
//! call must wait (often the channel's own limit: about one message a second); 429s for the same
//! method in two different channels within one `Retry-After` mean the workspace-wide limit, and
//! then every call of that method waits it out instead of asking Slack again. For a method Slack
//! limits only per workspace (the reads: `reactions.get`, `users.info`), one 429 is that limit.

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
    /// Refused where the limit is the workspace's, whatever the channel.
    workspace: bool,
}

impl RateLimits {
    /// Records a 429 for `method` in `channel` (`None`: a method limited per workspace), to be
    /// waited out until `until`.
    pub fn record(
        &self,
        method: &'static str,
        channel: Option<&str>,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let limited = methods.entry(method).or_insert_with(|| Limited {
            until,
            channels: HashSet::new(),
            workspace: false,
        });
        if limited.until <= now {
            limited.channels.clear();
            limited.workspace = false;
        }
        limited.until = limited.until.max(until);
        match channel {
            Some(channel) => {
                limited.channels.insert(channel.to_string());
            }
            None => limited.workspace = true,
        }
    }

    /// When a call of `method` may be made, if Slack limits the whole workspace until later
    /// than `now`.
    pub fn wait_until(&self, method: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let limited = methods.get(method)?;
        let workspace_wide = limited.workspace || limited.channels.len() >= 2;
        (limited.until > now && workspace_wide).then_some(limited.until)
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
        limits.record("chat.postMessage", Some("C1"), at(2), at(0));
        limits.record("chat.postMessage", Some("C1"), at(2), at(0));
        assert_eq!(limits.wait_until("chat.postMessage", at(1)), None);
    }

    #[test]
    fn two_channels_refused_hold_back_the_method_until_the_latest_retry_after() {
        let limits = RateLimits::default();
        limits.record("chat.postMessage", Some("D1"), at(1), at(0));
        limits.record("chat.postMessage", Some("D2"), at(2), at(0));
        assert_eq!(limits.wait_until("chat.postMessage", at(0)), Some(at(2)));
        assert_eq!(limits.wait_until("chat.update", at(0)), None);
        assert_eq!(limits.wait_until("chat.postMessage", at(2)), None);
    }

    #[test]
    fn one_refused_read_holds_back_every_read_of_its_method_until_retry_after() {
        let limits = RateLimits::default();
        limits.record("reactions.get", None, at(3), at(0));
        assert_eq!(limits.wait_until("reactions.get", at(1)), Some(at(3)));
        assert_eq!(limits.wait_until("users.info", at(1)), None);
        assert_eq!(limits.wait_until("reactions.get", at(3)), None);
        // A later window starts afresh: one message refused holds back nothing else.
        limits.record("reactions.get", Some("C1"), at(9), at(4));
        assert_eq!(limits.wait_until("reactions.get", at(5)), None);
    }

    #[test]
    fn refusals_from_an_earlier_window_do_not_count() {
        let limits = RateLimits::default();
        limits.record("chat.postMessage", Some("D1"), at(1), at(0));
        limits.record("chat.postMessage", Some("D2"), at(6), at(5));
        assert_eq!(limits.wait_until("chat.postMessage", at(5)), None);
    }
}
