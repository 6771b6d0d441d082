//! One-time messages carried to the next page in a short-lived cookie.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::views::layout::{Flash, FlashKind};

const COOKIE: &str = "isj_flash";

/// `Set-Cookie` value carrying a message (hex-encoded UTF-8, so any text survives).
pub fn set(flash: &Flash) -> HeaderValue {
    let kind = match flash.kind {
        FlashKind::Success => 's',
        FlashKind::Error => 'e',
    };
    let value = format!(
        "{COOKIE}={kind}{}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict",
        hex::encode(&flash.text)
    );
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("isj_flash=; Max-Age=0"))
}

/// `Set-Cookie` value that removes the message once shown.
pub fn clear() -> HeaderValue {
    HeaderValue::from_static("isj_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
}

/// A 303 to `target` that carries a message to the next page.
pub fn redirect_with(message: &Flash, target: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response = axum::response::Redirect::to(target).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set(message));
    response
}

/// The message in the request's cookies, if any.
pub fn take(headers: &HeaderMap) -> Option<Flash> {
    let cookies = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok());
    let value = cookies.flat_map(|c| c.split(';')).find_map(|pair| {
        let pair = pair.trim();
        pair.strip_prefix("__Host-isj_flash=")
            .or_else(|| pair.strip_prefix("isj_flash="))
    })?;
    let (kind, text) = value.split_at_checked(1)?;
    let kind = match kind {
        "s" => FlashKind::Success,
        "e" => FlashKind::Error,
        _ => return None,
    };
    let text = String::from_utf8(hex::decode(text).ok()?).ok()?;
    Some(Flash { kind, text })
}

/// Back to `target` with a use case's outcome: its success text, or the broken rule's
/// message; a missing record or a failure of the system becomes the error page.
pub fn outcome(
    result: crate::app::AppResult<String>,
    target: &str,
) -> Result<axum::response::Response, super::WebError> {
    use crate::app::AppError;
    let flash = match result {
        Ok(text) => {
            let done = Flash {
                kind: FlashKind::Success,
                text,
            };
            return Ok(redirect_with(&done, target));
        }
        Err(AppError::Invalid { message, .. } | AppError::Conflict(message)) => Flash {
            kind: FlashKind::Error,
            text: message,
        },
        // The existing record is where the person wanted to go anyway.
        Err(AppError::Duplicate { message, existing }) => {
            let flash = Flash {
                kind: FlashKind::Error,
                text: message,
            };
            return Ok(redirect_with(&flash, &existing));
        }
        Err(other) => return Err(other.into()),
    };
    Ok(redirect_with(&flash, target))
}

/// Gives the message cookie `Secure` and the `__Host-` prefix when the service is reached over HTTPS (the message
/// is set deep in handlers that do not know how the service is reached).
pub async fn mark_secure(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        let marked = match cookie.to_str() {
            Ok(text) if text.starts_with(COOKIE) && !text.contains("; Secure") => {
                HeaderValue::from_str(&format!("__Host-{text}; Secure")).unwrap_or(cookie)
            }
            _ => cookie,
        };
        headers.append(header::SET_COOKIE, marked);
    }
    response
}
