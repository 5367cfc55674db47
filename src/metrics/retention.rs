//! The retention job's metrics: rows pruned per table, each batch's duration (how long its
//! row locks were held), and when a run last completed.

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The tables retention prunes, as the `table` label names them.
pub const TABLES: [&str; 4] = ["slack_events", "votes", "outbox", "jobs"];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TableLabels {
    pub table: String,
}

/// What `/metrics` shows of retention.
#[derive(Debug)]
pub struct RetentionMetrics {
    pruned_rows: Family<TableLabels, Counter>,
    batch_seconds: Histogram,
    last_run: Gauge,
}

impl RetentionMetrics {
    /// The metrics, registered in `registry`; every table's counter starts at zero.
    pub fn register(registry: &mut Registry) -> RetentionMetrics {
        let pruned_rows = Family::<TableLabels, Counter>::default();
        for table in TABLES {
            drop(pruned_rows.get_or_create(&TableLabels {
                table: table.to_string(),
            }));
        }
        // 0.25 ms to about 4 s.
        let batch_seconds = Histogram::new(exponential_buckets(0.00025, 2.0, 15));
        let last_run = Gauge::default();
        registry.register(
            "retention_pruned_rows",
            "Rows the retention job deleted, by table",
            pruned_rows.clone(),
        );
        registry.register(
            "retention_batch_duration_seconds",
            "Time each retention batch (one short transaction) took, commit included",
            batch_seconds.clone(),
        );
        registry.register(
            "retention_last_run_timestamp_seconds",
            "When a retention run last completed (Unix time; 0 until one has)",
            last_run.clone(),
        );
        RetentionMetrics {
            pruned_rows,
            batch_seconds,
            last_run,
        }
    }

    /// One batch deleted `rows` of `table` in `seconds`.
    pub fn observe_batch(&self, table: &str, rows: u64, seconds: f64) {
        self.pruned_rows
            .get_or_create(&TableLabels {
                table: table.to_string(),
            })
            .inc_by(rows);
        self.batch_seconds.observe(seconds);
    }

    /// A run completed at `at`.
    pub fn ran_at(&self, at: DateTime<Utc>) {
        self.last_run.set(at.timestamp());
    }
}
