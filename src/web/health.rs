use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;

/// Liveness plus a database ping.
pub async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::db::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
