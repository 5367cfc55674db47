//! When to try a failed call again: Slack's `Retry-After` when it gives one, else exponential
//! backoff with jitter; and how many times.

use std::time::Duration;

/// The delay before retry number `attempt` (1 = the first retry).
///
/// `jitter` in `[0, 1)` spreads retries of many rows apart: the delay is drawn between half
/// and all of the exponential step. `Retry-After` is honoured exactly: never earlier.
pub fn retry_delay(
    attempt: u32,
    retry_after: Option<Duration>,
    base: Duration,
    max: Duration,
    jitter: f64,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait;
    }
    let doublings = attempt.saturating_sub(1).min(30);
    let step = base.saturating_mul(1 << doublings).min(max);
    step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// A row told to wait (Slack's 429 with `Retry-After`, or a card edit waiting for its card) has
/// not failed: it may be tried up to this many times as often as a row whose calls fail.
const WAITS_PER_FAILURE: u32 = 10;

/// Whether a retryable outcome of attempt number `attempt` (1 = the first) leaves the row
/// another one.
pub fn may_try_again(attempt: u32, told_to_wait: bool, max_attempts: u32) -> bool {
    let limit = if told_to_wait {
        max_attempts.saturating_mul(WAITS_PER_FAILURE)
    } else {
        max_attempts
    };
    attempt < limit
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(2);
    const MAX: Duration = Duration::from_secs(300);

    #[test]
    fn retry_after_is_used_as_given() {
        let wait = Some(Duration::from_secs(7));
        assert_eq!(retry_delay(1, wait, BASE, MAX, 0.0), Duration::from_secs(7));
        assert_eq!(retry_delay(5, wait, BASE, MAX, 0.9), Duration::from_secs(7));
    }

    #[test]
    fn steps_double_from_the_base() {
        // With jitter 1.0 the delay is the whole step: 2 s, 4 s, 8 s, 16 s.
        let full: Vec<u64> = (1..=4)
            .map(|n| retry_delay(n, None, BASE, MAX, 1.0).as_secs())
            .collect();
        assert_eq!(full, [2, 4, 8, 16]);
        // With jitter 0 it is half the step.
        assert_eq!(retry_delay(3, None, BASE, MAX, 0.0), Duration::from_secs(4));
    }

    #[test]
    fn a_row_told_to_wait_gets_more_attempts_than_one_that_fails() {
        assert!(may_try_again(2, false, 3));
        assert!(!may_try_again(3, false, 3));
        assert!(may_try_again(29, true, 3));
        assert!(!may_try_again(30, true, 3));
    }

    #[test]
    fn steps_stop_growing_at_the_maximum() {
        assert_eq!(retry_delay(12, None, BASE, MAX, 1.0), MAX);
        assert_eq!(retry_delay(200, None, BASE, MAX, 1.0), MAX);
    }
}
