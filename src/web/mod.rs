//! HTTP: routes, state and the server loop. Handlers parse input, call one use case in
//! `app` (writes) or `db` queries (reads) and render a view; none opens a transaction.

mod auth;
mod cases;
mod chrome;
mod error;
mod flash;
mod health;
mod history;
mod imports;
mod links;
mod outbox;
mod overview;
mod portal;
mod privacy;
mod register_view;
mod reports;
mod schools;
mod search;
mod session;
mod settings;
mod staff;
pub mod throttle;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::auth::secret_key::SecretKey;
use crate::clock::Clock;
use crate::config::Config;

pub use error::WebError;
pub use staff::calendar_url;

/// Largest accepted upload (the importer's own limit; the request may carry a little more).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    /// Encrypts TOTP secrets at rest.
    pub key: Arc<SecretKey>,
    pub secure_cookies: bool,
    /// One import at a time: parsing is CPU and memory heavy.
    pub import_gate: Arc<tokio::sync::Semaphore>,
    /// The register the lists read, kept up to date change by change.
    pub register: Arc<crate::register::Register>,
    pub outbox_counts: Arc<register_view::OutboxCountsCache>,
    /// Staff names for the history pages' sentences.
    pub staff_names: Arc<history::StaffNames>,
    /// Per-address limits on directors' link pages, calendar feeds and enrolment links.
    pub link_throttle: Arc<throttle::RequestThrottle>,
    pub calendar_throttle: Arc<throttle::RequestThrottle>,
    pub enrolment_throttle: Arc<throttle::RequestThrottle>,
    /// Sessions checked a moment ago.
    pub sessions: Arc<session::SessionCache>,
    /// Counters and gauges for `/metrics`, shared with the heartbeat.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    /// What the use cases need from this state.
    pub fn ctx(&self) -> crate::app::Ctx<'_> {
        crate::app::Ctx {
            db: &self.db,
            clock: self.clock.as_ref(),
            timezone: self.config.timezone,
            register: Some(&self.register),
        }
    }

    /// The state of a server on this database: the register is read once and then follows
    /// the change log.
    pub async fn new(
        db: DatabaseConnection,
        config: Config,
        clock: Arc<dyn Clock>,
        key: SecretKey,
    ) -> anyhow::Result<Self> {
        let register =
            crate::register::Register::load(db.clone(), clock.clone(), config.timezone).await?;
        register.follow();
        Ok(AppState {
            register,
            outbox_counts: Arc::default(),
            staff_names: Arc::default(),
            db,
            secure_cookies: config.secure_cookies(),
            config: Arc::new(config),
            clock,
            key: Arc::new(key),
            import_gate: Arc::new(tokio::sync::Semaphore::new(1)),
            link_throttle: Arc::new(throttle::RequestThrottle::with_limit(
                "link",
                throttle::LINK_REQUESTS_PER_MINUTE,
            )),
            calendar_throttle: Arc::new(throttle::RequestThrottle::with_limit(
                "calendar",
                throttle::CALENDAR_REQUESTS_PER_MINUTE,
            )),
            enrolment_throttle: Arc::new(throttle::RequestThrottle::with_limit(
                "enrolment",
                throttle::ENROLMENT_REQUESTS_PER_MINUTE,
            )),
            sessions: Arc::default(),
            metrics: Arc::new(crate::metrics::Metrics::new()?),
        })
    }
}

pub fn router(state: AppState) -> Router {
    let upload_limit = DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024);
    let secure_flash = state.secure_cookies;
    let hsts = state.secure_cookies.then(|| {
        header_layer(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        )
    });
    Router::new()
        .route("/", get(overview::overview))
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(health::metrics))
        .route("/login", get(auth::login_page).post(auth::login_submit))
        .route("/login/totp", get(auth::code_page).post(auth::code_submit))
        .route("/logout", post(auth::logout))
        .route("/l/{token}", get(links::show).post(links::act))
        .route(
            "/setup/{token}",
            get(auth::enrolment_page).post(auth::enrolment_submit),
        )
        .route("/users", get(staff::users).post(staff::add_user))
        .route("/users/{id}/disable", post(staff::disable))
        .route("/users/{id}/role", post(staff::change_role))
        .route("/users/{id}/enable", post(staff::enable))
        .route("/users/{id}/reset-2fa", post(staff::reset_second_factor))
        .route("/account/security", get(staff::security))
        .route("/account/password", post(staff::change_password))
        .route("/account/totp", post(staff::replace_totp))
        .route("/account/recovery", post(staff::regenerate_recovery))
        .route("/account/calendar", post(staff::renew_calendar))
        .route("/calendar/{file}", get(staff::calendar_feed))
        .route("/audit", get(history::trail))
        .route("/audit.xlsx", get(history::trail_xlsx))
        .route("/reports", get(reports::index))
        .route("/reports/{file}", get(reports::download))
        .route("/outbox", get(outbox::page))
        .route("/outbox/{id}/retry", post(outbox::retry))
        .route("/settings", get(settings::page))
        .route("/settings/reminders", post(settings::set_reminders))
        .route("/settings/test-mail", post(settings::test_mail))
        .route("/settings/weekly-report", post(settings::set_weekly))
        .route("/settings/campaign", post(settings::set_campaign))
        .route("/settings/portal", post(settings::set_portal))
        .route("/settings/privacy", post(privacy::set_settings))
        .route("/privacy", get(privacy::page).post(privacy::search))
        .route("/privacy/export", post(privacy::export))
        .route("/privacy/erase", post(privacy::erase))
        .route("/confidentialitate", get(privacy::notice))
        .route("/static/app.css", get(static_css))
        .route("/search", get(search::search))
        .route("/schools", get(schools::list))
        .route("/schools/{code}", get(schools::detail))
        .route("/schools/{code}/step", post(schools::record_step))
        .route("/schools/{code}/designee", post(schools::record_designee))
        .route("/schools/{code}/extension", post(schools::extend))
        .route(
            "/schools/{code}/extension/withdraw",
            post(schools::withdraw_extension),
        )
        .route("/schools/{code}/cazier", post(schools::record_cazier))
        .route("/cases", get(cases::list))
        .route("/cases/new", get(cases::new_case).post(cases::create_case))
        .route("/cases/suggestions", get(portal::suggestions))
        .route("/cases/suggestions/{id}/accept", post(portal::accept))
        .route("/cases/suggestions/{id}/dismiss", post(portal::dismiss))
        .route("/cases/{id}", get(cases::detail))
        .route("/cases/{id}/edit", post(cases::edit_case))
        .route("/cases/{id}/status", post(cases::set_status))
        .route("/cases/{id}/hearings", post(cases::add_hearing))
        .route("/cases/{id}/access-refused", post(cases::refuse_access))
        .route("/hearings", get(cases::agenda))
        .route("/hearings/{id}/outcome", post(cases::record_outcome))
        .route("/hearings/{id}/correct", post(cases::correct_hearing))
        .route("/hearings/{id}/delete", post(cases::remove_hearing))
        .route("/cases/{id}/schools", post(cases::add_school))
        .route("/cases/{id}/schools/{code}/role", post(cases::change_role))
        .route(
            "/cases/{id}/schools/{code}/remove",
            post(cases::remove_school),
        )
        .route(
            "/imports",
            get(imports::index)
                .post(imports::upload)
                .layer(upload_limit),
        )
        .route("/imports/{upload_id}/apply", post(imports::apply))
        .route("/imports/batch/{id}", get(imports::batch))
        .route("/imports/template/{kind}", get(imports::template))
        .fallback(|| async { WebError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::forget_sessions_after_changes,
        ))
        .layer(axum::middleware::from_fn(session::reject_cross_site))
        .layer(tower::util::option_layer(hsts))
        .layer(tower::util::option_layer(
            secure_flash.then(|| axum::middleware::map_response(flash::mark_secure)),
        ))
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            health::count_request,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        .layer(axum::middleware::from_fn(with_request_id))
        .with_state(state)
}

/// The request's span names its id and the path without tokens and without the query string.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.as_str())
        .unwrap_or_default();
    tracing::debug_span!("request", request_id = %id, method = %request.method(), path = %redacted_path(request.uri().path()))
}

/// A request's id, made when it arrives.
#[derive(Clone)]
struct RequestId(String);

/// Gives each request an id: on its tracing span, in `X-Request-Id`, and on an error page.
async fn with_request_id(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let id = uuid::Uuid::new_v4().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = error::REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Link tokens are credentials: `/setup/abc…` is logged as `/setup/…`.
fn redacted_path(path: &str) -> String {
    for prefix in ["/setup/", "/l/", "/calendar/"] {
        if path.starts_with(prefix) {
            return format!("{prefix}…");
        }
    }
    path.to_string()
}

const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn static_css() -> impl axum::response::IntoResponse {
    let headers = [
        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=3600"),
    ];
    (headers, include_str!("../../static/app.css"))
}

/// `isj-tracker serve`: start, print the first administrator's link on an empty base, serve.
pub async fn serve(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let application = crate::startup::Application::build(config, clock).await?;
    let address = application.address();
    tracing::info!(%address, "isj-tracker pornit: http://{address}/");
    if let Some(link) = application.setup_link_if_empty().await? {
        // Printed, never logged: the link creates the first administrator (valid 1 hour, once).
        println!("Niciun cont încă. Creați primul administrator aici (valabil o oră): {link}");
    }
    application.run_until_stopped().await
}
