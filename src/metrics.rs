//! Prometheus metrics: the build, HTTP requests and latency by route and status, Slack calls by
//! outcome, the outbox's depth and oldest due row, the jobs due, Socket Mode's connection and
//! envelopes, and the vote batches. Each app owns its registry, so tests in one process stay
//! apart. The retention job's are in `retention`.

mod retention;

pub use retention::RetentionMetrics;

use std::sync::atomic::AtomicU64;

use chrono::{DateTime, Utc};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Metric, Registry};

/// The version built, for `archhour_build_info` and the start-up line.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit built: `build.rs` finds it in a git checkout, or `ARCHHOUR_GIT_COMMIT` set
/// for the build names it; `unknown` otherwise (a build from a tarball).
pub const COMMIT: &str = match option_env!("ARCHHOUR_GIT_COMMIT") {
    Some(commit) => commit,
    None => "unknown",
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BuildLabels {
    pub version: String,
    pub commit: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SlackCallLabels {
    pub method: String,
    /// `done`, `retry` or `dead`.
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventLabels {
    pub kind: String,
    /// `duplicate` (a redelivery), `changed_vote`, `no_change` (another emoji, an older event…),
    /// `stale` (older than the vote event floor retention published: ignored).
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EnvelopeLabels {
    /// `slash_commands`, `events_api` or `interactive`.
    pub kind: String,
    /// `acknowledged`, or `unacknowledged` (left for Slack to deliver again).
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeadLabels {
    pub method: String,
    /// Slack's error code (`channel_not_found`), or `gave_up` when retries ran out.
    pub error: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutboxLabels {
    pub state: String,
}

type HistogramFamily = Family<HttpLabels, Histogram, fn() -> Histogram>;

/// A gauge of seconds.
type Seconds = Gauge<f64, AtomicU64>;

/// What is waiting in the queues at a scrape, read from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLag {
    /// Jobs due and not finished (running ones included).
    pub jobs_due: i64,
    /// When the longest-waiting of them fell due.
    pub oldest_job_due_at: Option<DateTime<Utc>>,
    /// When the longest-waiting pending outbox row that is due was queued.
    pub oldest_pending_call_queued_at: Option<DateTime<Utc>>,
}

/// The app's metrics and the registry that exports them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_latency: HistogramFamily,
    slack_calls: Family<SlackCallLabels, Counter>,
    dead_calls: Family<DeadLabels, Counter>,
    events: Family<EventLabels, Counter>,
    queues: QueueGauges,
    socket_connected: Gauge,
    socket_envelopes: Family<EnvelopeLabels, Counter>,
    vote_batch_seconds: Histogram,
    vote_batch_events: Histogram,
    /// The retention job's.
    pub retention: RetentionMetrics,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 8 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

/// Registers `metric` under `name` and returns it, for the app to update.
fn registered<M: Metric + Clone>(registry: &mut Registry, name: &str, help: &str, metric: M) -> M {
    registry.register(name, help, metric.clone());
    metric
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("archhour");
        let build = BuildLabels {
            version: VERSION.to_string(),
            commit: COMMIT.to_string(),
        };
        registry.register(
            "build",
            "The version and git commit running",
            Info::new(build),
        );
        let http_requests = registered(
            &mut registry,
            "http_requests",
            "HTTP requests answered, by route and status",
            Family::default(),
        );
        let http_latency = registered(
            &mut registry,
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route and status",
            Family::new_with_constructor(latency_histogram as fn() -> Histogram),
        );
        let slack_calls = registered(
            &mut registry,
            "slack_calls",
            "Outbox calls to the Slack Web API, by method and outcome",
            Family::default(),
        );
        let dead_calls = registered(
            &mut registry,
            "slack_calls_dead",
            "Outbox calls given up on, by method and Slack's error",
            Family::default(),
        );
        let events = registered(
            &mut registry,
            "events",
            "Slack events applied, by kind and outcome",
            Family::default(),
        );
        let queues = QueueGauges::registered(&mut registry);
        let socket_connected = registered(
            &mut registry,
            "socket_mode_connected",
            "1 while Socket Mode is connected to Slack (hello received, no failure since)",
            Gauge::default(),
        );
        let socket_envelopes = registered(
            &mut registry,
            "socket_mode_envelopes",
            "Socket Mode envelopes handled, by kind and outcome",
            Family::default(),
        );
        let vote_batch_seconds = registered(
            &mut registry,
            "vote_batch_duration_seconds",
            "Time to apply a batch of reaction events, commit included",
            // 0.25 ms to about 4 s.
            Histogram::new(exponential_buckets(0.00025, 2.0, 15)),
        );
        let vote_batch_events = registered(
            &mut registry,
            "vote_batch_events",
            "Reaction events per applied batch",
            // 1 to 512 events.
            Histogram::new(exponential_buckets(1.0, 2.0, 10)),
        );
        let retention = RetentionMetrics::register(&mut registry);
        Self {
            retention,
            registry,
            http_requests,
            http_latency,
            slack_calls,
            dead_calls,
            events,
            queues,
            socket_connected,
            socket_envelopes,
            vote_batch_seconds,
            vote_batch_events,
        }
    }
}

/// The gauges read from the database at each scrape: how much work waits, and for how long.
#[derive(Debug)]
struct QueueGauges {
    outbox_depth: Family<OutboxLabels, Gauge>,
    outbox_oldest_pending: Seconds,
    jobs_due: Gauge,
    jobs_oldest_due: Seconds,
}

impl QueueGauges {
    fn registered(registry: &mut Registry) -> Self {
        Self {
            outbox_depth: registered(
                registry,
                "outbox_rows",
                "Outbox rows waiting (pending) or given up on (dead)",
                Family::default(),
            ),
            outbox_oldest_pending: registered(
                registry,
                "outbox_oldest_pending_seconds",
                "Seconds since the oldest pending outbox row that is due was queued (0 when none)",
                Seconds::default(),
            ),
            jobs_due: registered(
                registry,
                "jobs_due",
                "Scheduled jobs due and not finished, running ones included",
                Gauge::default(),
            ),
            jobs_oldest_due: registered(
                registry,
                "jobs_oldest_due_seconds",
                "Seconds since the oldest job due and not finished fell due (0 when none)",
                Seconds::default(),
            ),
        }
    }
}

impl Metrics {
    pub fn observe_request(&self, route: &str, status: u16, seconds: f64) {
        let labels = HttpLabels {
            route: route.to_string(),
            status,
        };
        self.http_requests.get_or_create(&labels).inc();
        self.http_latency.get_or_create(&labels).observe(seconds);
    }

    pub fn count_slack_call(&self, method: &str, outcome: &str) {
        self.slack_calls
            .get_or_create(&SlackCallLabels {
                method: method.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
    }

    pub fn count_dead_call(&self, method: &str, error: &str) {
        self.dead_calls
            .get_or_create(&DeadLabels {
                method: method.to_string(),
                error: error.to_string(),
            })
            .inc();
    }

    pub fn count_events(&self, kind: &str, outcome: &str, n: usize) {
        if n == 0 {
            return;
        }
        self.events
            .get_or_create(&EventLabels {
                kind: kind.to_string(),
                outcome: outcome.to_string(),
            })
            .inc_by(u64::try_from(n).unwrap_or(u64::MAX));
    }

    /// One batch of reaction events applied (or failed) after `seconds`.
    pub fn observe_vote_batch(&self, events: usize, seconds: f64) {
        self.vote_batch_seconds.observe(seconds);
        #[allow(clippy::cast_precision_loss)]
        self.vote_batch_events.observe(events as f64);
    }

    pub fn socket_connected(&self, connected: bool) {
        self.socket_connected.set(i64::from(connected));
    }

    pub fn count_envelope(&self, kind: &str, outcome: &str) {
        self.socket_envelopes
            .get_or_create(&EnvelopeLabels {
                kind: kind.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
    }

    /// Sets the outbox gauges; states missing from `counts` read zero.
    pub fn set_outbox_depth(&self, counts: &[(String, i64)]) {
        for state in ["pending", "dead"] {
            let count = counts
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n);
            self.queues
                .outbox_depth
                .get_or_create(&OutboxLabels {
                    state: state.to_string(),
                })
                .set(count);
        }
    }

    /// Sets the lag gauges from what the queues hold at `now`.
    pub fn set_queue_lag(&self, lag: &QueueLag, now: DateTime<Utc>) {
        self.queues.jobs_due.set(lag.jobs_due);
        self.queues
            .jobs_oldest_due
            .set(seconds_since(lag.oldest_job_due_at, now));
        self.queues
            .outbox_oldest_pending
            .set(seconds_since(lag.oldest_pending_call_queued_at, now));
    }

    /// The registry in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Seconds from `then` to `now`: 0 when there is no `then`, or it is not past.
fn seconds_since(then: Option<DateTime<Utc>>, now: DateTime<Utc>) -> f64 {
    let Some(then) = then else { return 0.0 };
    #[allow(clippy::cast_precision_loss)]
    let millis = (now - then).num_milliseconds().max(0) as f64;
    millis / 1000.0
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn ages_are_seconds_to_now_and_never_negative() {
        let now = Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap();
        let earlier = now - chrono::Duration::milliseconds(90_500);
        assert!((seconds_since(Some(earlier), now) - 90.5).abs() < f64::EPSILON);
        assert!(seconds_since(None, now).abs() < f64::EPSILON);
        // A row stamped by a process whose clock runs ahead is not waiting yet.
        let later = now + chrono::Duration::seconds(5);
        assert!(seconds_since(Some(later), now).abs() < f64::EPSILON);
    }
}
