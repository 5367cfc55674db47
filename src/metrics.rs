//! Prometheus metrics: HTTP requests and latency by route and status, Slack calls by outcome,
//! the outbox's depth, and Socket Mode's connection and envelopes. Each app owns its registry, so tests in one process stay apart.
//! The retention job's are in `retention`.

mod retention;

pub use retention::RetentionMetrics;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

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

/// The app's metrics and the registry that exports them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_latency: HistogramFamily,
    slack_calls: Family<SlackCallLabels, Counter>,
    dead_calls: Family<DeadLabels, Counter>,
    events: Family<EventLabels, Counter>,
    outbox_depth: Family<OutboxLabels, Gauge>,
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

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("archhour");
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let slack_calls = Family::<SlackCallLabels, Counter>::default();
        let dead_calls = Family::<DeadLabels, Counter>::default();
        let events = Family::<EventLabels, Counter>::default();
        let outbox_depth = Family::<OutboxLabels, Gauge>::default();
        let socket_connected = Gauge::default();
        let socket_envelopes = Family::<EnvelopeLabels, Counter>::default();
        // 0.25 ms to about 4 s.
        let vote_batch_seconds = Histogram::new(exponential_buckets(0.00025, 2.0, 15));
        // 1 to 512 events.
        let vote_batch_events = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route and status",
            http_latency.clone(),
        );
        registry.register(
            "slack_calls",
            "Outbox calls to the Slack Web API, by method and outcome",
            slack_calls.clone(),
        );
        registry.register(
            "slack_calls_dead",
            "Outbox calls given up on, by method and Slack's error",
            dead_calls.clone(),
        );
        registry.register(
            "events",
            "Slack events applied, by kind and outcome",
            events.clone(),
        );
        registry.register(
            "outbox_rows",
            "Outbox rows waiting (pending) or given up on (dead)",
            outbox_depth.clone(),
        );
        registry.register(
            "socket_mode_connected",
            "1 while Socket Mode is connected to Slack (hello received, no failure since)",
            socket_connected.clone(),
        );
        registry.register(
            "socket_mode_envelopes",
            "Socket Mode envelopes handled, by kind and outcome",
            socket_envelopes.clone(),
        );
        registry.register(
            "vote_batch_duration_seconds",
            "Time to apply a batch of reaction events, commit included",
            vote_batch_seconds.clone(),
        );
        registry.register(
            "vote_batch_events",
            "Reaction events per applied batch",
            vote_batch_events.clone(),
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
            outbox_depth,
            socket_connected,
            socket_envelopes,
            vote_batch_seconds,
            vote_batch_events,
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
            self.outbox_depth
                .get_or_create(&OutboxLabels {
                    state: state.to_string(),
                })
                .set(count);
        }
    }

    /// The registry in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
