//! The portal's suggestions: list, accept, dismiss.

use axum::extract::{Path, State};
use axum::response::Response;

use super::chrome::render;
use super::flash::outcome;
use super::session::{CheckedForm, Editor, NoFields, Staff};
use super::{AppState, WebError};
use crate::app::{self, Actor};
use crate::db;
use crate::views::layout::Chrome;

pub async fn suggestions(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let list = db::portal::open_suggestions(&state.db).await?;
    Ok(render(
        &chrome,
        crate::views::portal::suggestions(&chrome, &list),
    ))
}

/// Creates the suggested case (with its school and hearings) and opens it.
#[derive(serde::Deserialize)]
pub struct AcceptForm {
    /// The school an inspectorate's case is about (its suggestion names none).
    #[serde(default)]
    school: String,
}

pub async fn accept(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, AcceptForm>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let school = Some(form.school.trim()).filter(|s| !s.is_empty());
    match app::portal::accept(state.ctx(), &actor, id, school).await {
        Ok(case_id) => outcome(
            Ok("Dosarul a fost adăugat în registru.".into()),
            &format!("/cases/{case_id}"),
        ),
        Err(e) => outcome(Err(e), "/cases/suggestions"),
    }
}

pub async fn dismiss(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), NoFields {}): CheckedForm<Editor, NoFields>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::portal::dismiss(state.ctx(), &actor, id).await;
    outcome(
        result.map(|()| "Sugestia a fost respinsă; nu va mai fi propusă.".into()),
        "/cases/suggestions",
    )
}
