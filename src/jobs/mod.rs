//! Background work: a UTC heartbeat every minute decides from the database what reminders are
//! due (in Europe/Bucharest, so DST moves nothing) and drains the outbox. A missed heartbeat
//! only delays: the next one finds the same due items, whose keys make them go out once.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::auth::secret_key::SecretKey;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::maintenance::{Singleton, try_singleton};
use crate::mail::Mailer;

/// What the heartbeat needs.
#[derive(Clone)]
pub struct Jobs {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub key: Arc<SecretKey>,
    pub mailer: Arc<Mailer>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// One round at a time: a slow relay must not stack rounds up.
    running: Arc<tokio::sync::Mutex<()>>,
    /// The portal sync runs beside the rounds (it takes minutes), one at a time.
    portal_running: Arc<tokio::sync::Mutex<()>>,
    /// The nightly backup, also beside the rounds.
    backup_running: Arc<tokio::sync::Mutex<()>>,
    /// Built once: the heartbeat asks every minute whether the sync is due.
    portal_client: Result<crate::portal::Client, crate::portal::PortalError>,
    /// The server's register: what the use cases commit reaches it at once, and the
    /// reminder pass reads the board from it.
    register: Option<Arc<crate::register::Register>>,
}

impl Jobs {
    pub fn new(
        db: DatabaseConnection,
        config: Arc<Config>,
        key: Arc<SecretKey>,
        mailer: Arc<Mailer>,
        clock: Arc<dyn Clock>,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Jobs {
        Jobs {
            portal_client: crate::portal::Client::new(&config.portal),
            db,
            config,
            key,
            mailer,
            clock,
            metrics,
            running: Arc::default(),
            portal_running: Arc::default(),
            backup_running: Arc::default(),
            register: None,
        }
    }

    /// The jobs of a server, beside its register.
    pub fn with_register(mut self, register: Arc<crate::register::Register>) -> Jobs {
        self.register = Some(register);
        self
    }

    /// The use cases' context: this heartbeat's clock and the register, if any.
    fn ctx(&self) -> crate::app::Ctx<'_> {
        crate::app::Ctx {
            db: &self.db,
            clock: self.clock.as_ref(),
            timezone: self.config.timezone,
            register: self.register.as_ref(),
        }
    }

    /// The daily portal sync when it is due (its own task: it must not hold the mail up).
    async fn portal_round(&self) {
        let Ok(_one) = self.portal_running.try_lock() else {
            return;
        };
        self.alone(Singleton::PortalSync, self.portal_sync()).await;
    }

    /// Runs `work` unless another replica on the same PostgreSQL is running it now.
    async fn alone(&self, kind: Singleton, work: impl std::future::Future<Output = ()>) {
        match try_singleton(&self.db, kind).await {
            Ok(Some(guard)) => {
                work.await;
                if let Err(e) = guard.release().await {
                    tracing::error!("{kind:?} lock: {e}");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!("{kind:?} lock: {e}"),
        }
    }

    async fn portal_sync(&self) {
        let client = match &self.portal_client {
            Ok(client) => client,
            Err(e) => {
                tracing::error!("portal client: {e}");
                return;
            }
        };
        let portal = crate::app::portal::Portal {
            client,
            config: &self.config.portal,
        };
        let ctx = self.ctx();
        match crate::app::portal::run_if_due(ctx, &portal, &self.config.county).await {
            Ok(Some(s)) => tracing::info!(
                checked = s.checked,
                changed = s.changed,
                not_found = s.not_found,
                failed = s.failed,
                "portal sync"
            ),
            Ok(None) => {}
            Err(e) => tracing::error!("portal sync failed: {}", e.chain()),
        }
    }

    /// The nightly backup when `ISJ_BACKUP_DIR` is set and today's is not written yet.
    async fn backup_round(&self) {
        let Ok(_one) = self.backup_running.try_lock() else {
            return;
        };
        match crate::backup::nightly_if_due(&self.db, &self.config, self.clock.now()).await {
            Ok(Some(written)) => {
                tracing::info!(archive = %written.archive.display(), bytes = written.bytes, "nightly backup written")
            }
            Ok(None) => {}
            Err(e) => tracing::error!("nightly backup failed: {e}"),
        }
    }

    /// One round: plan what is due, then send what can go. Errors are logged; the next round
    /// tries again.
    pub async fn tick(&self) {
        let portal = self.clone();
        tokio::spawn(async move { portal.portal_round().await });
        if self.config.backup_dir.is_some() {
            let backup = self.clone();
            tokio::spawn(async move { backup.backup_round().await });
        }
        let Ok(_one) = self.running.try_lock() else {
            return;
        };
        self.plan().await;
        match crate::app::outbox::deliver_due(self.ctx(), &self.mailer).await {
            Ok(d) if d.sent + d.retried + d.dead > 0 => tracing::info!(
                sent = d.sent,
                retried = d.retried,
                dead = d.dead,
                "outbox round"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!("outbox round failed: {e}"),
        }
        self.metrics.heartbeat(self.clock.now());
    }

    /// Decides what mail is due and queues it; on a shared PostgreSQL, only the replica that
    /// holds the planner lock this minute does (the others still deliver).
    async fn plan(&self) {
        self.alone(Singleton::Planner, self.plan_due()).await;
    }

    async fn plan_due(&self) {
        let ctx = self.ctx();
        let pass = crate::app::reminders::run_pass(
            ctx,
            &self.key,
            &self.config,
            &self.mailer.domain,
            false,
        );
        match pass.await {
            Ok(outcome) if !outcome.mails.is_empty() => {
                tracing::info!(mails = outcome.mails.len(), "reminders queued")
            }
            Ok(_) => {}
            Err(e) => tracing::error!("reminder pass failed: {}", e.chain()),
        }
        match crate::app::weekly_report::run_if_due(ctx, &self.config, &self.mailer.domain).await {
            Ok(Some(path)) => {
                tracing::info!(path = %path.display(), "weekly report written and queued")
            }
            Ok(None) => {}
            Err(e) => tracing::error!("weekly report failed: {e}"),
        }
        let ctx = self.ctx();
        match crate::app::privacy::run_if_due(ctx).await {
            Ok(Some(s)) => tracing::info!(
                designees = s.designees,
                certificates = s.certificates,
                contacts = s.contacts,
                mails = s.mails,
                "retention rule applied"
            ),
            Ok(None) => {}
            Err(e) => tracing::error!("retention rule failed: {}", e.chain()),
        }
        if let Some(legal) = self.config.legal_email.as_deref() {
            let ctx = self.ctx();
            let inspectorate = crate::domain::county::inspectorate_name(&self.config.county);
            let queued = crate::app::hearing_digest::queue_if_due(
                ctx,
                legal,
                &inspectorate,
                &self.mailer.domain,
            )
            .await;
            match queued {
                Ok(true) => tracing::info!("hearing digest queued"),
                Ok(false) => {}
                Err(e) => tracing::error!("hearing digest failed: {}", e.chain()),
            }
        }
    }

    /// Starts the heartbeat (every minute, UTC) and runs one round at once.
    pub async fn start(self) -> anyhow::Result<JobScheduler> {
        let scheduler = JobScheduler::new().await?;
        let jobs = self.clone();
        scheduler
            .add(Job::new_async("0 * * * * *", move |_, _| {
                let jobs = jobs.clone();
                Box::pin(async move { jobs.tick().await })
            })?)
            .await?;
        scheduler.start().await?;
        tokio::spawn(async move { self.tick().await });
        Ok(scheduler)
    }
}
