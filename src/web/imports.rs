use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::chrome::render;
use super::flash::redirect_with;
use super::session::{CheckedForm, Editor, NoFields, Staff};
use super::{AppState, MAX_UPLOAD_BYTES, WebError};
use crate::app::imports::CheckedUpload;
use crate::db;
use crate::import::{ImportError, ImportKind, ImportOptions, Silent};
use crate::views::imports::ImportsView;
use crate::views::layout::{Chrome, Flash, FlashKind};

pub async fn index(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let page = index_page(&state, &chrome, None).await?;
    Ok(render(&chrome, page))
}

async fn index_page(
    state: &AppState,
    chrome: &Chrome,
    refusal: Option<&str>,
) -> Result<maud::Markup, WebError> {
    let batches = db::imports::recent(&state.db, 20).await?;
    let batches: Vec<_> = batches
        .into_iter()
        .map(|b| {
            let when = crate::views::format_datetime(b.created_at, state.config.timezone);
            (b, when)
        })
        .collect();
    Ok(crate::views::imports::index(
        chrome,
        ImportsView {
            batches: &batches,
            county: &state.config.county,
            refusal,
        },
    ))
}

/// Receives the file and shows the dry-run result.
pub async fn upload(
    State(state): State<AppState>,
    Editor(staff): Editor,
    chrome: Chrome,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let (upload, csrf) = read_upload(multipart).await?;
    staff.check_csrf(&csrf)?;
    let options = ImportOptions {
        county: upload.county.clone(),
        dry_run: true,
        ..ImportOptions::default()
    };
    let _permit = state
        .import_gate
        .acquire()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let result = crate::import::run(
        upload.kind,
        state.ctx(),
        &upload.file_name,
        upload.bytes.clone(),
        &options,
        &Silent,
    )
    .await;
    let kind = upload.kind.as_str();
    match result {
        Ok(outcome) => {
            let id =
                crate::app::imports::hold_upload(state.ctx(), staff.account.id, &upload).await?;
            state.metrics.count_import(kind, "preview");
            Ok(render(
                &chrome,
                crate::views::imports::preview(&chrome, &id, &outcome.report),
            ))
        }
        Err(e) => refused(&state, &chrome, kind, e).await,
    }
}

/// Applies a checked upload, then shows the recorded import.
pub async fn apply(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(upload_id): Path<String>,
    CheckedForm(Editor(staff), NoFields {}): CheckedForm<Editor, NoFields>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let taken = crate::app::imports::take_upload(state.ctx(), &upload_id, staff.account.id).await?;
    let Some(upload) = taken else {
        let message = Flash { kind: FlashKind::Error, text: "Verificarea a expirat sau importul a fost deja aplicat; încărcați fișierul din nou.".into() };
        return Ok(redirect_with(&message, "/imports"));
    };
    let options = ImportOptions {
        county: upload.county.clone(),
        actor: staff.account.email.clone(),
        ..ImportOptions::default()
    };
    let _permit = state
        .import_gate
        .acquire()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let kind = upload.kind.as_str();
    let result = crate::import::run(
        upload.kind,
        state.ctx(),
        &upload.file_name,
        upload.bytes,
        &options,
        &Silent,
    )
    .await;
    match result {
        Ok(outcome) => {
            state.metrics.count_import(kind, "applied");
            let r = &outcome.report;
            let text = format!(
                "Import aplicat ({}): {} noi, {} actualizate, {} neschimbate, {} rânduri respinse.",
                crate::views::imports::kind_label(&r.kind),
                r.inserted,
                r.updated,
                r.unchanged,
                r.rejected_rows()
            );
            let target = outcome.batch_id.map_or_else(
                || "/imports".to_string(),
                |id| format!("/imports/batch/{id}"),
            );
            let done = Flash {
                kind: FlashKind::Success,
                text,
            };
            Ok(redirect_with(&done, &target))
        }
        Err(e) => refused(&state, &chrome, kind, e).await,
    }
}

pub async fn batch(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Path(id): Path<i32>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let batch = db::imports::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let when = crate::views::format_datetime(batch.created_at, state.config.timezone);
    Ok(render(
        &chrome,
        crate::views::imports::batch(&chrome, &batch, &when),
    ))
}

async fn refused(
    state: &AppState,
    chrome: &Chrome,
    kind: &str,
    error: ImportError,
) -> Result<Response, WebError> {
    if !error.is_refusal() {
        state.metrics.count_import(kind, "failed");
        return Err(WebError::Internal(error.to_string()));
    }
    state.metrics.count_import(kind, "refused");
    let page = index_page(state, chrome, Some(&error.to_string())).await?;
    let mut response = render(chrome, page);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// The uploaded file and the form's CSRF token.
async fn read_upload(mut multipart: Multipart) -> Result<(CheckedUpload, String), WebError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut county = None;
    let mut kind = ImportKind::Schools;
    let mut csrf = String::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let name = field
                    .file_name()
                    .map(sanitize_file_name)
                    .unwrap_or_else(|| "fișier".into());
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if bytes.len() > MAX_UPLOAD_BYTES {
                    return Err(WebError::TooLarge);
                }
                file = Some((name, bytes.to_vec()));
            }
            Some("csrf") => csrf = field.text().await.map_err(multipart_error)?,
            Some("kind") => {
                let text = field.text().await.map_err(multipart_error)?;
                kind = ImportKind::parse(text.trim())
                    .ok_or_else(|| WebError::BadRequest("Tip de import necunoscut.".into()))?;
            }
            Some("county") => {
                let text = field.text().await.map_err(multipart_error)?;
                county = Some(text.trim().to_uppercase()).filter(|c| !c.is_empty());
            }
            _ => {}
        }
    }
    let (file_name, bytes) =
        file.ok_or_else(|| WebError::BadRequest("Alegeți un fișier de importat.".into()))?;
    let county = county.filter(|_| kind == ImportKind::Schools);
    Ok((
        CheckedUpload {
            file_name,
            bytes,
            kind,
            county,
        },
        csrf,
    ))
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge
    } else {
        WebError::BadRequest(format!("Încărcare invalidă: {}", e.body_text()))
    }
}

/// Only the last path component, without control characters, at most 200 characters.
fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// An empty list to fill in, generated from the importer's own column list (CSV with BOM and
/// `;`, as Excel in Romanian settings opens it).
pub async fn template(_staff: Staff, Path(kind): Path<String>) -> Result<Response, WebError> {
    let (file_name, csv) = match kind.as_str() {
        "dosare" => (
            "sablon-dosare.csv",
            crate::domain::columns::template_csv(crate::domain::case_import::CASE_COLUMNS),
        ),
        "persoane-desemnate" => (
            "sablon-persoane-desemnate.csv",
            crate::domain::columns::template_csv(crate::domain::designee::DESIGNEE_COLUMNS),
        ),
        _ => return Err(WebError::NotFound),
    };
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok(axum::response::IntoResponse::into_response((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )))
}
