//! Who is asking: the session cookie, the extractors that require a login and a role, and
//! the CSRF checks.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::AppState;
use crate::auth::tokens::constant_time_eq;
use crate::db::staff::Session;
use crate::domain::staff::Role;
use crate::domain::staff::StaffUser;

/// Cookie names: `__Host-` (Secure, whole host) when served over HTTPS.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-isj_session"
    } else {
        "isj_session"
    }
}

pub fn login_csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-isj_login"
    } else {
        "isj_login"
    }
}

/// `Set-Cookie` for a value that lives as long as the browser session.
pub fn set_cookie(name: &str, value: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("isj_invalid=; Max-Age=0"))
}

pub fn clear_cookie(name: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("isj_invalid=; Max-Age=0"))
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(prefix.as_str())
                .map(str::to_string)
        })
        .filter(|v| !v.is_empty())
}

/// Why a request does not reach a protected handler.
pub enum Denied {
    /// Not logged in (or the session expired): go to the login page.
    Login,
    /// Logged in, but the role does not allow this.
    Forbidden,
    /// The database failed while checking.
    Unavailable,
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        match self {
            Denied::Login => Redirect::to("/login").into_response(),
            Denied::Forbidden => super::WebError::Forbidden.into_response(),
            Denied::Unavailable => {
                let retry = [(header::RETRY_AFTER, "5")];
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    retry,
                    "serviciu indisponibil",
                )
                    .into_response()
            }
        }
    }
}

/// A staff member with a full (two-factor) session.
pub struct Staff {
    pub session: Session,
    pub account: StaffUser,
}

impl Staff {
    pub fn check_csrf(&self, sent: &str) -> Result<(), super::WebError> {
        if constant_time_eq(sent, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(super::WebError::Forbidden)
        }
    }

    pub fn chrome_user(&self) -> crate::views::layout::SignedIn {
        crate::views::layout::SignedIn {
            name: self.account.name.clone(),
            role: self.account.role.label().to_string(),
            csrf: self.session.csrf_token.clone(),
            can_write: self.account.role.can_write(),
            is_admin: self.account.role == Role::Admin,
        }
    }
}

/// Sessions checked in the last moment, so a page's burst of reads asks the database once.
/// Writes never use it. A request that may change an account or a session empties it;
/// another replica's reads see a logout or a disabled account within [`SessionCache::TTL`].
#[derive(Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<
        std::collections::HashMap<String, (std::time::Instant, Session, StaffUser)>,
    >,
}

impl SessionCache {
    const TTL: std::time::Duration = std::time::Duration::from_secs(2);
    /// Beyond this many sessions the cache starts over (a guard, not a limit on users).
    const MAX_ENTRIES: usize = 10_000;

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<
        '_,
        std::collections::HashMap<String, (std::time::Instant, Session, StaffUser)>,
    > {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, cookie: &str) -> Option<(Session, StaffUser)> {
        let entries = self.lock();
        let (at, session, account) = entries.get(cookie)?;
        (at.elapsed() < Self::TTL).then(|| (session.clone(), account.clone()))
    }

    fn put(&self, cookie: &str, session: &Session, account: &StaffUser) {
        let mut entries = self.lock();
        if entries.len() >= Self::MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            cookie.to_string(),
            (std::time::Instant::now(), session.clone(), account.clone()),
        );
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// Empties the session cache after any request that may change a session or an account.
pub async fn forget_sessions_after_changes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = request.method();
    let writes = method != axum::http::Method::GET && method != axum::http::Method::HEAD;
    // Only a change of sessions or accounts can make a cached session wrong: signing in or
    // out, one's own security settings, an administrator's change of an account. A change of
    // data (a hearing, a step) leaves every session as it was, so the other people's next
    // pages keep their cached check.
    let path = request.uri().path();
    let about_accounts = ["/login", "/logout", "/setup/", "/account/", "/users"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let response = next.run(request).await;
    if writes && about_accounts {
        state.sessions.clear();
    }
    response
}

async fn session_of(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<(Session, StaffUser)>, Denied> {
    let Some(value) = cookie(&parts.headers, session_cookie_name(state.secure_cookies)) else {
        return Ok(None);
    };
    let key = crate::auth::tokens::token_hash(&value);
    // Only reads take a cached check: a write always asks the database, so an account
    // disabled or signed out on another replica a moment ago changes nothing.
    let reads = matches!(parts.method, Method::GET | Method::HEAD);
    if reads
        && let Some(hit) = state.sessions.get(&key)
        && !crate::app::sign_in::is_expired(&hit.0, state.clock.now())
    {
        return Ok(Some(hit));
    }
    let found = crate::app::sign_in::current(state.ctx(), &value)
        .await
        .map_err(|e| {
            tracing::error!(error = %e.chain(), "session check failed");
            Denied::Unavailable
        })?;
    if let Some((session, account)) = &found {
        state.sessions.put(&key, session, account);
    }
    Ok(found)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Denied;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await? {
            Some((session, account)) if session.full => Ok(Staff { session, account }),
            _ => Err(Denied::Login),
        }
    }
}

/// A staff member allowed to change data (admin, juridic).
pub struct Editor(pub Staff);

impl FromRequestParts<AppState> for Editor {
    type Rejection = Denied;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if staff.account.role.can_write() {
            Ok(Editor(staff))
        } else {
            Err(Denied::Forbidden)
        }
    }
}

/// An administrator.
pub struct Admin(pub Staff);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Denied;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if staff.account.role == Role::Admin {
            Ok(Admin(staff))
        } else {
            Err(Denied::Forbidden)
        }
    }
}

/// A session that passed the password and waits for the second factor.
pub struct Pending {
    pub session: Session,
    pub account: StaffUser,
}

impl FromRequestParts<AppState> for Pending {
    type Rejection = Denied;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_of(parts, state).await? {
            Some((session, account)) if !session.full => Ok(Pending { session, account }),
            _ => Err(Denied::Login),
        }
    }
}

/// Refuses state-changing requests that a browser marks as coming from another site.
pub async fn reject_cross_site(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if unsafe_method && is_cross_site(request.headers()) {
        return super::WebError::Forbidden.into_response();
    }
    next.run(request).await
}

/// Browsers that send `Sec-Fetch-Site` are believed (only same-origin or user-typed requests
/// pass); for the others, a foreign or opaque `Origin` is refused.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
        _ => false,
    }
}

/// A guard that names a signed-in staff member (`Staff`, `Editor`, `Admin`).
pub trait SignedIn: FromRequestParts<AppState, Rejection = Denied> + Send {
    fn staff(&self) -> &Staff;
}

impl SignedIn for Staff {
    fn staff(&self) -> &Staff {
        self
    }
}

impl SignedIn for Editor {
    fn staff(&self) -> &Staff {
        &self.0
    }
}

impl SignedIn for Admin {
    fn staff(&self) -> &Staff {
        &self.0
    }
}

#[derive(serde::Deserialize)]
struct WithCsrf<T> {
    csrf: String,
    #[serde(flatten)]
    fields: T,
}

/// A form posted by a signed-in staff member, whose CSRF token was checked before the
/// handler runs: a handler that takes it cannot forget the check.
pub struct CheckedForm<G, T>(pub G, pub T);

impl<G, T> axum::extract::FromRequest<AppState> for CheckedForm<G, T>
where
    G: SignedIn,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let guard = G::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let request = axum::extract::Request::from_parts(parts, body);
        let axum::Form(raw) = axum::Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form: WithCsrf<T> = typed_form(raw).map_err(IntoResponse::into_response)?;
        guard
            .staff()
            .check_csrf(&form.csrf)
            .map_err(IntoResponse::into_response)?;
        Ok(CheckedForm(guard, form.fields))
    }
}

/// Fields holding secrets, passed on exactly as sent: a password is checked against what
/// was typed when it was set.
const SECRET_FIELDS: &[&str] = &[
    "csrf",
    "password",
    "current",
    "new",
    "again",
    "code",
    "current_code",
    "sealed_secret",
];

/// A form's fields read into `T` after every typed value went through the one rule for
/// typed text (`domain::text::typed`): NFC, invisible characters gone, a control character
/// refused with the field named.
pub fn typed_form<T: serde::de::DeserializeOwned>(
    fields: Vec<(String, String)>,
) -> Result<T, super::WebError> {
    let mut typed = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let value = if SECRET_FIELDS.contains(&name.as_str()) {
            value
        } else {
            crate::domain::text::typed(&value)
                .map_err(|e| super::WebError::BadRequest(format!("Câmpul „{name}”: {e}.")))?
        };
        typed.push((name, value));
    }
    let encoded = serde_urlencoded::to_string(&typed)
        .map_err(|e| super::WebError::BadRequest(e.to_string()))?;
    serde_urlencoded::from_str(&encoded)
        .map_err(|e| super::WebError::BadRequest(format!("Formular incomplet: {e}.")))
}

/// A form with no field but the CSRF token.
#[derive(serde::Deserialize)]
pub struct NoFields {}
