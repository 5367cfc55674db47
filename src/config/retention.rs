//! How long delivery bookkeeping is kept before the daily retention job forgets it
//! (`ARCHHOUR_RETENTION_*_DAYS`), and how the job's batches run (not in the environment).

use std::time::Duration;

use super::{ConfigError, non_empty};

const DAY: Duration = Duration::from_secs(86_400);

/// What the retention job keeps, and how it deletes the rest. A `None` age keeps rows forever;
/// with every age `None` there is no retention job at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionSettings {
    /// Event ids (redelivery dedupe) and removed votes' tombstones. Slack retries an event
    /// three times within minutes, so two days is a wide margin; reaction events older than
    /// this are ignored once their tombstones may be gone.
    pub events: Option<Duration>,
    /// Outbox rows Slack accepted.
    pub outbox_done: Option<Duration>,
    /// Outbox rows given up on: kept longer, as the record an operator reads of what Slack
    /// refused and why.
    pub outbox_dead: Option<Duration>,
    /// Jobs done, cancelled or failed.
    pub jobs: Option<Duration>,
    /// Rows one batch deletes at most; each batch is its own short transaction.
    pub batch_rows: i64,
    /// How long one run may go on before it stops and schedules the next round (well inside
    /// a job's lease, so no other process takes the run over meanwhile).
    pub run_budget: Duration,
}

impl RetentionSettings {
    /// Whether every age is forever: nothing to prune, so no retention job runs.
    pub fn keeps_everything(&self) -> bool {
        [self.events, self.outbox_done, self.outbox_dead, self.jobs]
            .iter()
            .all(Option::is_none)
    }
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            events: Some(2 * DAY),
            outbox_done: Some(30 * DAY),
            outbox_dead: Some(90 * DAY),
            jobs: Some(30 * DAY),
            batch_rows: 5_000,
            run_budget: Duration::from_secs(20),
        }
    }
}

/// Reads the four ages, each a whole number of days (0 keeps rows forever); unset ones keep
/// their defaults.
pub(super) fn retention_settings(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<RetentionSettings, ConfigError> {
    let defaults = RetentionSettings::default();
    Ok(RetentionSettings {
        events: days(lookup, "ARCHHOUR_RETENTION_EVENTS_DAYS", defaults.events)?,
        outbox_done: days(
            lookup,
            "ARCHHOUR_RETENTION_OUTBOX_DONE_DAYS",
            defaults.outbox_done,
        )?,
        outbox_dead: days(
            lookup,
            "ARCHHOUR_RETENTION_OUTBOX_DEAD_DAYS",
            defaults.outbox_dead,
        )?,
        jobs: days(lookup, "ARCHHOUR_RETENTION_JOBS_DAYS", defaults.jobs)?,
        ..defaults
    })
}

/// `name` as whole days from 0 (forever) to 36,500, or `default` when unset.
fn days(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: Option<Duration>,
) -> Result<Option<Duration>, ConfigError> {
    let Some(text) = non_empty(lookup, name) else {
        return Ok(default);
    };
    let days = text
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|days| *days <= 36_500)
        .ok_or_else(|| ConfigError::Invalid {
            name,
            reason: format!(
                "`{text}` is not a whole number of days from 0 (keep forever) to 36500"
            ),
        })?;
    Ok((days > 0).then(|| DAY * days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(key, value)| ((*key).to_string(), (*value).to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn unset_ages_keep_their_defaults() {
        let settings = retention_settings(&lookup(&[])).expect("valid");
        assert_eq!(settings.events, Some(Duration::from_secs(172_800)));
        assert_eq!(settings.outbox_done, Some(Duration::from_secs(2_592_000)));
        assert_eq!(settings.outbox_dead, Some(Duration::from_secs(7_776_000)));
        assert_eq!(settings.jobs, Some(Duration::from_secs(2_592_000)));
        assert_eq!(settings, RetentionSettings::default());
    }

    #[test]
    fn ages_are_whole_days_and_zero_keeps_forever() {
        let settings = retention_settings(&lookup(&[
            ("ARCHHOUR_RETENTION_EVENTS_DAYS", "7"),
            ("ARCHHOUR_RETENTION_OUTBOX_DONE_DAYS", " 1 "),
            ("ARCHHOUR_RETENTION_OUTBOX_DEAD_DAYS", "0"),
            ("ARCHHOUR_RETENTION_JOBS_DAYS", ""),
        ]))
        .expect("valid");
        assert_eq!(settings.events, Some(Duration::from_secs(604_800)));
        assert_eq!(settings.outbox_done, Some(Duration::from_secs(86_400)));
        assert_eq!(settings.outbox_dead, None);
        assert_eq!(settings.jobs, Some(Duration::from_secs(2_592_000)));
        assert!(!settings.keeps_everything());
    }

    #[test]
    fn every_age_zero_turns_retention_off() {
        let settings = retention_settings(&lookup(&[
            ("ARCHHOUR_RETENTION_EVENTS_DAYS", "0"),
            ("ARCHHOUR_RETENTION_OUTBOX_DONE_DAYS", "0"),
            ("ARCHHOUR_RETENTION_OUTBOX_DEAD_DAYS", "0"),
            ("ARCHHOUR_RETENTION_JOBS_DAYS", "0"),
        ]))
        .expect("valid");
        assert!(settings.keeps_everything());
        let one_kept_for_a_while = retention_settings(&lookup(&[
            ("ARCHHOUR_RETENTION_EVENTS_DAYS", "0"),
            ("ARCHHOUR_RETENTION_OUTBOX_DONE_DAYS", "0"),
            ("ARCHHOUR_RETENTION_OUTBOX_DEAD_DAYS", "0"),
        ]))
        .expect("valid");
        assert!(!one_kept_for_a_while.keeps_everything());
    }

    #[test]
    fn an_age_that_is_not_whole_days_is_named() {
        for text in ["2d", "-1", "1.5", "36501"] {
            let error = retention_settings(&lookup(&[("ARCHHOUR_RETENTION_JOBS_DAYS", text)]))
                .expect_err(text);
            assert_eq!(
                error.to_string(),
                format!(
                    "ARCHHOUR_RETENTION_JOBS_DAYS is invalid: `{text}` is not a whole number of days from 0 (keep forever) to 36500"
                )
            );
        }
    }
}
