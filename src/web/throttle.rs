//! Per-address limit on the login endpoints and the directors' link pages. Counted in the
//! database (`db::throttle`), so replicas behind one proxy share the count.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::db::DbResult;

pub const ATTEMPTS_PER_WINDOW: u32 = 10;
const WINDOW_SECONDS: i64 = 60;

pub struct LoginThrottle {
    /// Names the counters of this limit (`login`, `link`).
    name: &'static str,
    limit: u32,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::with_limit("login", ATTEMPTS_PER_WINDOW)
    }
}

impl LoginThrottle {
    /// A throttle allowing `limit` requests per address and minute.
    pub fn with_limit(name: &'static str, limit: u32) -> Self {
        LoginThrottle { name, limit }
    }

    /// Counts a request; false when the address is over the limit.
    pub async fn allow(
        &self,
        db: &DatabaseConnection,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let key = format!("{}:addr:{address}", self.name);
        let count = crate::db::throttle::count(db, &key, WINDOW_SECONDS, now).await?;
        Ok(count <= i64::from(self.limit))
    }
}

/// The client's address: the connection's peer, or, when the peer is a trusted proxy, the
/// last address that proxy appended to `X-Forwarded-For`.
pub fn client_address(parts: &Parts, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .next_back();
    forwarded
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer)
}

/// 429 with `Retry-After` when the request's address is over `throttle`'s limit.
pub async fn refuse_if_over(
    state: &super::AppState,
    throttle: &LoginThrottle,
    parts: &Parts,
    message: &'static str,
) -> Result<IpAddr, axum::response::Response> {
    use axum::response::IntoResponse;
    let address = client_address(parts, &state.config.trusted_proxies);
    match throttle.allow(&state.db, address, state.clock.now()).await {
        Ok(true) => Ok(address),
        Ok(false) => Err((
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, "60")],
            message,
        )
            .into_response()),
        Err(e) => {
            tracing::error!(error = %e, "throttle");
            Err(super::WebError::from(e).into_response())
        }
    }
}

/// The client's address as an extractor (see [`client_address`]).
pub struct ClientAddress(pub IpAddr);

impl axum::extract::FromRequestParts<super::AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(
            parts,
            &state.config.trusted_proxies,
        )))
    }
}
