//! The page frame's data for each request, and rendering that consumes the flash message.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::{AppState, flash};
use crate::views::layout::Chrome;

impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Chrome {
            inspectorate: crate::domain::county::inspectorate_name(&state.config.county),
            flash: flash::take(&parts.headers),
            user: None,
        })
    }
}

/// For pages that show a secret (QR, link): no `Referer` leaves them.
pub fn no_referrer(response: &mut Response) {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
}

/// Sends a page; when it showed the flash message, the message cookie is removed.
pub fn render(chrome: &Chrome, body: Markup) -> Response {
    let mut response = body.into_response();
    if chrome.flash.is_some() {
        response
            .headers_mut()
            .append(header::SET_COOKIE, flash::clear());
    }
    response
}
