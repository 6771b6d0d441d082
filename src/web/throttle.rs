//! Per-address limit on the login endpoints (in memory; the per-account counters that must
//! survive restarts live in the database).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

pub const ATTEMPTS_PER_WINDOW: u32 = 10;
const WINDOW: Duration = Duration::from_secs(60);

pub struct LoginThrottle {
    limit: u32,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::with_limit(ATTEMPTS_PER_WINDOW)
    }
}

impl LoginThrottle {
    /// A throttle allowing `limit` attempts per address and minute.
    pub fn with_limit(limit: u32) -> Self {
        LoginThrottle {
            limit,
            seen: Mutex::default(),
        }
    }

    /// Counts an attempt; false when the address is over the limit.
    pub fn allow(&self, address: IpAddr) -> bool {
        let now = Instant::now();
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = seen.entry(address).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleventh_attempt_in_a_minute_is_refused() {
        let throttle = LoginThrottle::default();
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        assert!((0..10).all(|_| throttle.allow(a)));
        assert!(!throttle.allow(a));
        assert!(throttle.allow(b));
    }
}

/// 429 with `Retry-After` when the request's address is over `throttle`'s limit.
pub fn refuse_if_over(
    throttle: &LoginThrottle,
    parts: &Parts,
    trusted_proxies: &[IpAddr],
    message: &'static str,
) -> Result<IpAddr, axum::response::Response> {
    use axum::response::IntoResponse;
    let address = client_address(parts, trusted_proxies);
    if throttle.allow(address) {
        Ok(address)
    } else {
        Err((
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, "60")],
            message,
        )
            .into_response())
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
