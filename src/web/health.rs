use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

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

/// `/metrics` in the Prometheus text format: for a scraper on this machine (a direct
/// request, not one the proxy forwards) or one holding `ISJ_METRICS_TOKEN`.
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !may_scrape(state.config.metrics_token.as_deref(), peer, &headers) {
        return (StatusCode::FORBIDDEN, "acces interzis").into_response();
    }
    match state
        .metrics
        .render(
            &state.db,
            state.clock.now(),
            state.config.backup_dir.as_deref(),
            state.register.version(),
        )
        .await
    {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics");
            (StatusCode::SERVICE_UNAVAILABLE, "metrics unavailable").into_response()
        }
    }
}

/// A proxy on the same machine also connects from loopback, so a forwarded request is never
/// taken for a local one.
fn may_scrape(token: Option<&str>, peer: SocketAddr, headers: &HeaderMap) -> bool {
    if let Some(expected) = token.filter(|t| !t.is_empty()) {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if crate::auth::tokens::constant_time_eq(given, expected) {
            return true;
        }
    }
    let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|name| headers.contains_key(*name));
    peer.ip().is_loopback() && !forwarded
}

/// Counts each request under its route pattern (never the raw path: no tokens, bounded).
pub async fn count_request(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "PATCH") => m.to_string(),
        _ => "other".to_string(),
    };
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.observe_request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn scrapes_from_this_machine_or_with_the_token() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "10.0.0.7:5000".parse().unwrap();
        assert!(may_scrape(None, local, &headers(&[])));
        assert!(!may_scrape(None, remote, &headers(&[])));
        // Through a proxy on this machine: loopback, but forwarded.
        assert!(!may_scrape(
            None,
            local,
            &headers(&[("x-forwarded-for", "203.0.113.9")])
        ));
        let bearer = [("authorization", "Bearer s3cret-token")];
        assert!(may_scrape(Some("s3cret-token"), remote, &headers(&bearer)));
        assert!(!may_scrape(Some("other"), remote, &headers(&bearer)));
        assert!(!may_scrape(
            Some(""),
            remote,
            &headers(&[("authorization", "Bearer ")])
        ));
    }
}
