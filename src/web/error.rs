use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::DbError;

/// Errors a handler can end with. Users see a generic Romanian page; internals go to the log
/// under a request id.
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
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
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
            WebError::Db(_) | WebError::Internal(_) => {
                let id = uuid::Uuid::new_v4().to_string();
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
