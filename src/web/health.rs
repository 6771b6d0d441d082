use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;

/// Liveness: the process answers (for a supervisor's restart decision; touches nothing).
pub async fn health() -> (StatusCode, &'static str) {
    (StatusCode::OK, "ok")
}

/// Readiness: the database answers and its schema is this version's (for a proxy or a load
/// balancer deciding where to send requests).
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::db::readiness(&state.db).await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => {
            tracing::error!("readiness: migrations pending");
            (StatusCode::SERVICE_UNAVAILABLE, "migrations pending")
        }
        Err(e) => {
            tracing::error!(error = %e, "readiness: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
