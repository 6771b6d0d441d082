use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::app::AppError;
use crate::db::DbError;

tokio::task_local! {
    /// The id of the request being served, for its log lines and its error page.
    pub static REQUEST_ID: String;
}

/// The current request's id (empty outside a request).
pub fn request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// Errors a handler can end with. Users see a generic Romanian page; internals go to the log
/// under the request id, which the page shows.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("pagina nu există")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("fișierul depășește limita de 20 MiB")]
    TooLarge,
    #[error("nu aveți dreptul să faceți această operație")]
    Forbidden,
    #[error("baza de date: {0}")]
    Db(#[from] DbError),
    #[error("eroare internă: {0}")]
    Internal(String),
    #[error("{}", .0.chain())]
    App(AppError),
}

/// The one mapping of use-case errors to HTTP.
impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(_) => WebError::NotFound,
            AppError::Forbidden(_) => WebError::Forbidden,
            AppError::Invalid { message, .. }
            | AppError::Conflict(message)
            | AppError::Duplicate { message, .. } => WebError::BadRequest(message),
            unexpected @ AppError::Unexpected { .. } => WebError::App(unexpected),
        }
    }
}

impl WebError {
    /// The database is busy (another writer held it past the wait): worth retrying soon.
    fn is_busy(&self) -> bool {
        match self {
            WebError::Db(DbError::Busy(_)) => true,
            WebError::App(e) => e.is_busy(),
            _ => false,
        }
    }
}

/// Seconds a client is asked to wait when the database is busy.
const BUSY_RETRY_SECONDS: &str = "5";

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if self.is_busy() {
            tracing::warn!(request_id = %request_id(), "database busy: 503");
            let page = crate::views::errors::error_page(
                "Serviciu ocupat",
                "Baza de date este ocupată cu o altă operație. Reîncercați peste câteva secunde.",
                None,
            );
            let headers = [(axum::http::header::RETRY_AFTER, BUSY_RETRY_SECONDS)];
            return (StatusCode::SERVICE_UNAVAILABLE, headers, page).into_response();
        }
        let (status, title, message, request_id) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Pagina nu există",
                self.to_string(),
                None,
            ),
            WebError::BadRequest(m) => {
                (StatusCode::BAD_REQUEST, "Cerere invalidă", m.clone(), None)
            }
            WebError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Fișier prea mare",
                self.to_string(),
                None,
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Acces interzis",
                self.to_string(),
                None,
            ),
            WebError::Db(_) | WebError::Internal(_) | WebError::App(_) => {
                let id = Some(request_id())
                    .filter(|id| !id.is_empty())
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                tracing::error!(request_id = %id, error = %self, "request failed");
                let message = "A apărut o eroare neprevăzută. Încercați din nou; dacă problema persistă, transmiteți codul de mai jos administratorului.";
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Eroare",
                    message.to_string(),
                    Some(id),
                )
            }
        };
        let page = crate::views::errors::error_page(title, &message, request_id.as_deref());
        (status, page).into_response()
    }
}
