//! Retention: when the daily job that forgets old delivery bookkeeping runs, how old is old
//! enough, and the vote event floor: the Slack event time below which reaction events are
//! ignored, so a pruned vote tombstone can never be missed.
//!
//! A removed vote keeps its row (a tombstone) so that an older "added" event, redelivered late,
//! changes nothing. Pruning tombstones would open that door again; the floor closes it. Each run
//! raises the floor to the events' horizon (events older than that are ignored from then on) and
//! prunes only tombstones below a floor published [`FLOOR_SETTLE`] ago or more, which every
//! process has read by then (the vote batcher reads it every [`FLOOR_RELOAD`]). An event older
//! than a pruned tombstone is older than that floor, so no process applies it.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::job::{Job, ScheduledJob, retention_subject};

/// The hour of the day (UTC) the daily run is due. Any hour would do, since every batch is
/// short; this one is quiet for most teams.
pub const RUN_HOUR: u32 = 3;

/// How often the vote batcher reads the floor again.
pub const FLOOR_RELOAD: Duration = Duration::minutes(1);

/// How long a published floor waits before tombstones below it are pruned: far longer than
/// [`FLOOR_RELOAD`] plus the longest a vote batch runs (its locks wait 2 s at most).
pub const FLOOR_SETTLE: Duration = Duration::minutes(10);

/// The first daily run strictly after `now`.
pub fn next_run(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now
        .date_naive()
        .and_hms_opt(RUN_HOUR, 0, 0)
        .expect("a whole hour is a time")
        .and_utc();
    if today > now {
        today
    } else {
        today + Duration::days(1)
    }
}

/// The run due at `due`. Its key names the day, so every process that schedules it schedules
/// the same job, and the day's run happens once per database.
pub fn daily_job(due: DateTime<Utc>) -> ScheduledJob {
    round_job(due.date_naive(), 0, due)
}

/// Round `round` of `day`'s run, due at `due`: a run that used up its time goes on in the next
/// round, a job of its own, rather than outliving its lease.
pub fn round_job(day: NaiveDate, round: u32, due: DateTime<Utc>) -> ScheduledJob {
    let key = match round {
        0 => format!("retention:{day}"),
        _ => format!("retention:{day}:{round}"),
    };
    ScheduledJob {
        key,
        subject: retention_subject(),
        job: Job::Retention { day, round },
        due_at: due,
    }
}

/// The moment `keep` before `now`: rows older than it are forgotten. `None` (kept forever) when
/// `keep` is.
pub fn horizon(now: DateTime<Utc>, keep: Option<std::time::Duration>) -> Option<DateTime<Utc>> {
    let keep = Duration::from_std(keep?).unwrap_or(Duration::MAX);
    Some(
        now.checked_sub_signed(keep)
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
    )
}

/// The vote event floor as last published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Floor {
    /// Reaction events whose Slack event time is older are ignored.
    pub ignored_before: DateTime<Utc>,
    /// When it was last raised.
    pub published_at: DateTime<Utc>,
}

impl Floor {
    /// Whether a reaction event at Slack event time `event_ts` (microseconds) is ignored.
    pub fn ignores(&self, event_ts: i64) -> bool {
        event_ts < self.ignored_before.timestamp_micros()
    }

    /// The Slack event time (microseconds) below which tombstones may be pruned at `now`: the
    /// floor, once every process has had time to read it; `None` before.
    pub fn tombstones_before(&self, now: DateTime<Utc>) -> Option<i64> {
        (self.published_at + FLOOR_SETTLE <= now).then(|| self.ignored_before.timestamp_micros())
    }

    /// The floor a run at `now` publishes when events are kept for `keep`: events older than
    /// `keep` are ignored from now on. It never falls (tombstones below it may be gone), even
    /// when `keep` was made longer.
    pub fn raised(published: Option<&Floor>, now: DateTime<Utc>, keep: DateTime<Utc>) -> Floor {
        let ignored_before = published.map_or(keep, |floor| floor.ignored_before.max(keep));
        Floor {
            ignored_before,
            published_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("a time")
    }

    #[test]
    fn the_next_run_is_the_next_three_o_clock_utc() {
        assert_eq!(
            next_run(at("2026-11-18T09:00:00Z")),
            at("2026-11-19T03:00:00Z")
        );
        assert_eq!(
            next_run(at("2026-11-18T02:59:59Z")),
            at("2026-11-18T03:00:00Z")
        );
        // Due at three o'clock exactly, the run there is this one: the next is tomorrow's.
        assert_eq!(
            next_run(at("2026-11-18T03:00:00Z")),
            at("2026-11-19T03:00:00Z")
        );
    }

    #[test]
    fn a_days_run_and_its_rounds_have_keys_every_process_agrees_on() {
        let due = at("2026-11-19T03:00:00Z");
        let daily = daily_job(due);
        assert_eq!(daily.key, "retention:2026-11-19");
        assert_eq!(daily.subject, "retention");
        assert_eq!(daily.due_at, due);
        let day = NaiveDate::from_ymd_opt(2026, 11, 19).expect("a date");
        assert_eq!(daily.job, Job::Retention { day, round: 0 });
        let later = at("2026-11-19T03:00:21Z");
        let second = round_job(day, 2, later);
        assert_eq!(second.key, "retention:2026-11-19:2");
        assert_eq!(second.due_at, later);
        assert_eq!(second.job, Job::Retention { day, round: 2 });
        let stored = serde_json::to_value(&second.job).expect("serialises");
        assert_eq!(
            stored,
            serde_json::json!({"kind": "retention", "day": "2026-11-19", "round": 2})
        );
        assert_eq!(stored["kind"], Job::RETENTION);
    }

    #[test]
    fn a_horizon_is_the_kept_time_before_now_or_none_when_kept_forever() {
        let now = at("2026-11-18T09:00:00Z");
        let two_days = std::time::Duration::from_secs(2 * 86_400);
        assert_eq!(
            horizon(now, Some(two_days)),
            Some(at("2026-11-16T09:00:00Z"))
        );
        assert_eq!(horizon(now, None), None);
        let forever_and_a_day = std::time::Duration::from_secs(u64::MAX);
        assert_eq!(
            horizon(now, Some(forever_and_a_day)),
            Some(DateTime::<Utc>::MIN_UTC)
        );
    }

    #[test]
    fn the_floor_ignores_only_events_older_than_it() {
        let floor = Floor {
            ignored_before: Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
            published_at: at("2027-01-15T03:00:00Z"),
        };
        assert!(floor.ignores(1_799_999_999_999_999));
        assert!(!floor.ignores(1_800_000_000_000_000));
        assert!(!floor.ignores(1_800_000_000_000_001));
    }

    #[test]
    fn tombstones_wait_until_every_process_has_read_the_floor() {
        let floor = Floor {
            ignored_before: at("2026-11-16T03:00:00Z"),
            published_at: at("2026-11-18T03:00:00Z"),
        };
        assert_eq!(floor.tombstones_before(at("2026-11-18T03:09:59Z")), None);
        let micros = at("2026-11-16T03:00:00Z").timestamp_micros();
        assert_eq!(
            floor.tombstones_before(at("2026-11-18T03:10:00Z")),
            Some(micros)
        );
        assert_eq!(
            floor.tombstones_before(at("2026-11-19T03:00:00Z")),
            Some(micros)
        );
    }

    #[test]
    fn the_floor_rises_but_never_falls() {
        let now = at("2026-11-19T03:00:00Z");
        let first = Floor::raised(None, now, at("2026-11-17T03:00:00Z"));
        assert_eq!(
            first,
            Floor {
                ignored_before: at("2026-11-17T03:00:00Z"),
                published_at: now,
            }
        );
        let next_day = at("2026-11-20T03:00:00Z");
        let raised = Floor::raised(Some(&first), next_day, at("2026-11-18T03:00:00Z"));
        assert_eq!(raised.ignored_before, at("2026-11-18T03:00:00Z"));
        assert_eq!(raised.published_at, next_day);
        // Events kept longer from now on: the floor stays where it was.
        let kept_longer = Floor::raised(Some(&raised), next_day, at("2026-11-13T03:00:00Z"));
        assert_eq!(kept_longer.ignored_before, at("2026-11-18T03:00:00Z"));
    }
}
