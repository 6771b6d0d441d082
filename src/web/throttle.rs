//! Per-address request limits on the pages opened without a session: the directors' link
//! pages, the calendar feeds and the enrolment links, each its own counter. Sign-in is not
//! here: it counts failures only (`auth::throttle`). Counted in the database
//! (`db::throttle`), so replicas behind one proxy share the count.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::db::DbResult;

const WINDOW_SECONDS: i64 = 60;

/// Link pages per address and minute: enough for a person, too few to guess tokens.
pub const LINK_REQUESTS_PER_MINUTE: u32 = 30;
/// Calendar polls per address and minute: an office's calendar apps behind one router (each
/// polls every 15 minutes or more), counted apart from the directors' links.
pub const CALENDAR_REQUESTS_PER_MINUTE: u32 = 120;
/// Enrolment forms per address and minute: an administrator and a few new colleagues.
pub const ENROLMENT_REQUESTS_PER_MINUTE: u32 = 10;

pub struct RequestThrottle {
    /// Names the counters of this limit (`link`, `calendar`, `enrolment`).
    name: &'static str,
    limit: u32,
}

impl RequestThrottle {
    /// A throttle allowing `limit` requests per address and minute.
    pub fn with_limit(name: &'static str, limit: u32) -> Self {
        RequestThrottle { name, limit }
    }

    /// Counts a request; false when the address is over the limit.
    pub async fn allow(
        &self,
        db: &DatabaseConnection,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let key = format!("{}:addr:{address}", self.name);
        let count = crate::db::throttle::record_attempt(db, &key, WINDOW_SECONDS, now).await?;
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
    throttle: &RequestThrottle,
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

/// Which of the state's request limits an extractor applies.
pub trait PerAddress {
    fn throttle(state: &super::AppState) -> &RequestThrottle;
}

/// Refuses with 429 an address over the `L` limit.
pub struct Limited<L>(std::marker::PhantomData<L>);

impl<L: PerAddress> axum::extract::FromRequestParts<super::AppState> for Limited<L> {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        let message = "Prea multe cereri. Reîncercați peste un minut.";
        refuse_if_over(state, L::throttle(state), parts, message).await?;
        Ok(Limited(std::marker::PhantomData))
    }
}

/// The directors' link pages.
pub enum Links {}
/// The calendar feeds.
pub enum Calendars {}
/// The enrolment links.
pub enum Enrolments {}

impl PerAddress for Links {
    fn throttle(state: &super::AppState) -> &RequestThrottle {
        &state.link_throttle
    }
}

impl PerAddress for Calendars {
    fn throttle(state: &super::AppState) -> &RequestThrottle {
        &state.calendar_throttle
    }
}

impl PerAddress for Enrolments {
    fn throttle(state: &super::AppState) -> &RequestThrottle {
        &state.enrolment_throttle
    }
}
