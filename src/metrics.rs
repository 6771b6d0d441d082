//! What an administrator alerts on, in the Prometheus text format: the outbox (read from the
//! database at each scrape, so every replica tells the same), the heartbeat, the last portal
//! sync, the nightly backup, requests by route and imports by result.

use chrono::{DateTime, Utc};
use prometheus::{
    HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::DatabaseConnection;

use crate::db::{self, DbError};

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("metrici: {0}")]
    Prometheus(#[from] prometheus::Error),
}

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    imports: IntCounterVec,
    heartbeat: IntGauge,
    outbox: IntGaugeVec,
    oldest_pending: IntGauge,
    portal_last: IntGauge,
    portal_failed: IntGauge,
    portal_checked: IntGauge,
    backup_last: IntGauge,
    register_version: IntGauge,
    log_version: IntGauge,
}

fn gauge(registry: &Registry, name: &str, help: &str) -> Result<IntGauge, prometheus::Error> {
    let gauge = IntGauge::new(name, help)?;
    registry.register(Box::new(gauge.clone()))?;
    Ok(gauge)
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("isj".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status.",
            ),
            &["route", "method", "status"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer, by route.")
                .buckets(vec![
                    0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
                ]),
            &["route"],
        )?;
        registry.register(Box::new(latency.clone()))?;
        let imports = IntCounterVec::new(
            Opts::new(
                "imports_total",
                "Imports through this server by kind and result (preview, applied, refused, failed).",
            ),
            &["kind", "result"],
        )?;
        registry.register(Box::new(imports.clone()))?;
        let outbox = IntGaugeVec::new(
            Opts::new(
                "outbox_mails",
                "Mail waiting (pending, sending) or given up (dead), by kind.",
            ),
            &["status", "kind"],
        )?;
        registry.register(Box::new(outbox.clone()))?;
        Ok(Metrics {
            heartbeat: gauge(
                &registry,
                "heartbeat_last_timestamp_seconds",
                "When this process's heartbeat last finished a round (Unix time).",
            )?,
            oldest_pending: gauge(
                &registry,
                "outbox_oldest_pending_age_seconds",
                "Age of the oldest mail not yet sent (0 when none waits).",
            )?,
            portal_last: gauge(
                &registry,
                "portal_last_sync_timestamp_seconds",
                "When the last portal.just.ro sync finished (Unix time; 0: never).",
            )?,
            portal_failed: gauge(
                &registry,
                "portal_last_sync_failed_cases",
                "Cases the last portal sync could not check.",
            )?,
            portal_checked: gauge(
                &registry,
                "portal_last_sync_checked_cases",
                "Cases the last portal sync asked about.",
            )?,
            backup_last: gauge(
                &registry,
                "backup_last_timestamp_seconds",
                "When the newest archive in ISJ_BACKUP_DIR was written (Unix time; 0: none).",
            )?,
            register_version: gauge(
                &registry,
                "register_version",
                "The last change of the change log this server's register has applied.",
            )?,
            log_version: gauge(
                &registry,
                "change_log_version",
                "The last change committed to the change log (by any process).",
            )?,
            registry,
            requests,
            latency,
            imports,
            outbox,
        })
    }

    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency.with_label_values(&[route]).observe(seconds);
    }

    pub fn count_import(&self, kind: &str, result: &str) {
        self.imports.with_label_values(&[kind, result]).inc();
    }

    pub fn heartbeat(&self, at: DateTime<Utc>) {
        self.heartbeat.set(at.timestamp());
    }

    /// The text a scrape gets; the database-backed gauges are read now. `register` is the
    /// version this server's register has applied.
    pub async fn render(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
        backup_dir: Option<&std::path::Path>,
        register: i64,
    ) -> Result<String, MetricsError> {
        self.register_version.set(register);
        self.log_version.set(db::changes::latest(db).await?);
        let (by_kind, oldest) = db::outbox::gauges(db).await?;
        self.outbox.reset();
        // Every kind is shown for the two states worth an alert, at 0 when empty, so a rule
        // sees the series before the first mail.
        for status in ["pending", "dead"] {
            for kind in crate::domain::outbox::MailKind::ALL {
                self.outbox
                    .with_label_values(&[status, kind.as_str()])
                    .set(0);
            }
        }
        for (status, kind, n) in by_kind {
            self.outbox.with_label_values(&[&status, &kind]).set(n);
        }
        self.oldest_pending
            .set(oldest.map_or(0, |at| (now - at).num_seconds().max(0)));
        if let Some(run) = db::settings::portal_last_run(db).await? {
            self.portal_last
                .set(run.finished_at.map_or(0, |at| at.timestamp()));
            self.portal_failed
                .set(i64::try_from(run.summary.failed).unwrap_or(i64::MAX));
            self.portal_checked
                .set(i64::try_from(run.summary.checked).unwrap_or(i64::MAX));
        }
        if let Some(folder) = backup_dir {
            self.backup_last
                .set(crate::backup::newest_archive_time(folder).map_or(0, |at| at.timestamp()));
        }
        Ok(TextEncoder::new().encode_to_string(&self.registry.gather())?)
    }
}
