//! Personal data: the public information notice, the retention rule on *Setări*, and the
//! administrators' page that exports or erases what is stored about a person.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::chrome::render;
use super::flash::outcome;
use super::session::{Admin, CheckedForm, Staff};
use super::{AppState, WebError};
use crate::app::{self, Actor, AppError};
use crate::db;
use crate::domain::privacy::PrivacyForm;
use crate::views::layout::Chrome;
use crate::views::privacy::PrivacyPageView;

/// `/confidentialitate`: open to anyone (directors reach it from their links and mails).
pub async fn notice(State(state): State<AppState>) -> Result<Response, WebError> {
    let settings = db::settings::privacy(&state.db).await?;
    let inspectorate = crate::domain::county::inspectorate_name(&state.config.county);
    Ok(crate::views::privacy::notice(&inspectorate, &settings).into_response())
}

#[derive(Deserialize)]
pub struct SettingsForm {
    personal_years: String,
    certificate_months: String,
    #[serde(default)]
    dpo_name: String,
    #[serde(default)]
    dpo_email: String,
    #[serde(default)]
    dpo_phone: String,
}

/// Saves the retention rule and the data protection officer's contact (administrators).
pub async fn set_settings(
    State(state): State<AppState>,
    CheckedForm(Admin(staff), form): CheckedForm<Admin, SettingsForm>,
) -> Result<Response, WebError> {
    let typed = PrivacyForm {
        personal_years: &form.personal_years,
        certificate_months: &form.certificate_months,
        dpo_name: &form.dpo_name,
        dpo_email: &form.dpo_email,
        dpo_phone: &form.dpo_phone,
    };
    let result = match typed.checked() {
        Ok(settings) => {
            let actor = Actor::Staff(staff.account.email.clone());
            app::privacy::set_settings(state.ctx(), &actor, settings)
                .await
                .map(|_| "Regula pentru datele personale a fost salvată.".to_string())
        }
        Err(e) => Err(AppError::invalid(e.field, e.message)),
    };
    outcome(result, "/settings#date-personale")
}

/// The empty search page.
pub async fn page(
    State(state): State<AppState>,
    Admin(staff): Admin,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let view = PrivacyPageView {
        email: "",
        phone: "",
        export: None,
        error: None,
        timezone: state.config.timezone,
    };
    Ok(render(
        &chrome,
        crate::views::privacy::admin_page(&chrome, view),
    ))
}

#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

fn actor(staff: &Staff) -> Actor {
    Actor::Staff(staff.account.email.clone())
}

/// A search: what is stored about the person, on the page (audited like an export).
pub async fn search(
    State(state): State<AppState>,
    chrome: Chrome,
    CheckedForm(Admin(staff), form): CheckedForm<Admin, PersonForm>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let found = match app::privacy::subject(Some(&form.email), Some(&form.phone)) {
        Ok(subject) => app::privacy::export(state.ctx(), &actor(&staff), &subject).await,
        Err(e) => Err(e),
    };
    let (export, error) = match found {
        Ok(export) => (Some(export), None),
        Err(AppError::Invalid { message, .. }) => (None, Some(message)),
        Err(other) => return Err(other.into()),
    };
    let view = PrivacyPageView {
        email: &form.email,
        phone: &form.phone,
        export: export.as_ref(),
        error: error.as_deref(),
        timezone: state.config.timezone,
    };
    Ok(render(
        &chrome,
        crate::views::privacy::admin_page(&chrome, view),
    ))
}

#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    format: String,
}

/// The download: JSON or a workbook.
pub async fn export(
    State(state): State<AppState>,
    CheckedForm(Admin(staff), form): CheckedForm<Admin, ExportForm>,
) -> Result<Response, WebError> {
    let subject = app::privacy::subject(Some(&form.email), Some(&form.phone))?;
    let export = app::privacy::export(state.ctx(), &actor(&staff), &subject).await?;
    let tz = state.config.timezone;
    let day = export.generated_at.with_timezone(&tz).format("%Y-%m-%d");
    let (content_type, extension, bytes) = match form.format.as_str() {
        "json" => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(&export).map_err(|e| WebError::Internal(e.to_string()))?,
        ),
        "xlsx" => {
            let inspectorate = crate::domain::county::inspectorate_name(&state.config.county);
            let bytes = crate::excel::report_writer::xlsx(&export.report(tz), &inspectorate)
                .map_err(|e| WebError::Internal(e.to_string()))?;
            (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                bytes,
            )
        }
        _ => return Err(WebError::BadRequest("formatul este json sau xlsx".into())),
    };
    let disposition = format!("attachment; filename=\"date-personale-{day}.{extension}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    confirm: String,
}

/// Erases where no legal obligation keeps the data; says what was erased and what was kept.
pub async fn erase(
    State(state): State<AppState>,
    CheckedForm(Admin(staff), form): CheckedForm<Admin, EraseForm>,
) -> Result<Response, WebError> {
    let result = async {
        if form.confirm != "da" {
            return Err(AppError::invalid(
                "confirm",
                "bifați confirmarea verificării identității persoanei",
            ));
        }
        let subject = app::privacy::subject(Some(&form.email), Some(&form.phone))?;
        let summary = app::privacy::erase(state.ctx(), &actor(&staff), &subject, false).await?;
        let erased = summary
            .erased
            .iter()
            .map(|(what, n)| format!("{what}: {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let kept = summary
            .kept
            .iter()
            .map(|(what, n, why)| format!("{what}: {n} ({why})"))
            .collect::<Vec<_>>()
            .join("; ");
        Ok(if kept.is_empty() {
            format!("Șters: {erased}.")
        } else {
            format!("Șters: {erased}. Păstrat: {kept}.")
        })
    }
    .await;
    outcome(result, "/privacy")
}
