//! One way to start the service, used by `serve`, by the integration tests and (through
//! `serve`) by the benchmarks: connect and migrate, load the key, bind, read the register,
//! then serve with the heartbeat beside it.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

use crate::auth::secret_key::SecretKey;
use crate::clock::Clock;
use crate::config::Config;
use crate::web::AppState;

pub struct Application {
    state: AppState,
    listener: tokio::net::TcpListener,
    address: SocketAddr,
}

impl Application {
    /// Everything up to the first request: a failure here is a failure to start.
    pub async fn build(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        let db = crate::db::connect(&config.database_url)
            .await
            .context("conectarea la baza de date")?;
        crate::db::migrate(&db)
            .await
            .context("migrarea bazei de date")?;
        let key = SecretKey::load_or_create(&config.secret_key_file)?;
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("ascultarea pe {}", config.bind))?;
        let address = listener.local_addr()?;
        let state = AppState::new(db, config, clock, key).await?;
        Ok(Application {
            state,
            listener,
            address,
        })
    }

    /// Where it listens (the port chosen when the configuration said 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// On a base with no staff account: the one-time link that creates the first
    /// administrator (valid one hour), as a full URL.
    pub async fn setup_link_if_empty(&self) -> anyhow::Result<Option<String>> {
        let token = crate::app::enrolment::setup_link_if_empty(self.state.ctx())
            .await
            .map_err(|e| anyhow::anyhow!(e.chain()))?;
        Ok(token.map(|t| format!("{}/setup/{t}", self.state.config.base_url())))
    }

    /// Serves until SIGTERM or Ctrl-C, with the heartbeat unless the configuration turns it off.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let state = self.state;
        let _heartbeat = if state.config.no_heartbeat {
            None
        } else {
            let mailer = Arc::new(crate::mail::Mailer::new(&state.config, state.key.clone())?);
            tracing::info!(transport = %mailer.transport.describe(), "mail");
            let jobs = crate::jobs::Jobs::new(
                state.db.clone(),
                state.config.clone(),
                state.key.clone(),
                mailer,
                state.clock.clone(),
                state.metrics.clone(),
            )
            .with_register(state.register.clone());
            Some(jobs.start().await.context("pornirea programatorului")?)
        };
        let service = crate::web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
