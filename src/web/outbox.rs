use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::outcome;
use super::session::{CheckedForm, Editor, NoFields, Staff};
use super::{AppState, WebError};
use crate::app::{self, Actor};
use crate::db;
use crate::domain::outbox::OutboxStatus;
use crate::views::layout::Chrome;
use crate::views::outbox::OutboxView;

#[derive(Deserialize)]
pub struct Params {
    status: Option<String>,
    before: Option<String>,
}

/// Mails per page, newest first (the status filters narrow it; older pages by id).
const OUTBOX_PAGE: u64 = 50;

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let status = params.status.as_deref().and_then(OutboxStatus::parse);
    let before = params.before.and_then(|b| b.trim().parse().ok());
    let rows = db::outbox::recent(&state.db, status, before, OUTBOX_PAGE).await?;
    let older = (rows.len() as u64 == OUTBOX_PAGE)
        .then(|| rows.last().map(|row| row.id))
        .flatten();
    let counts = super::register_view::outbox_counts(&state).await?;
    let transport = match &state.config.smtp_url {
        Some(_) => "releu SMTP".to_string(),
        None => format!("fișiere .eml în {}", state.config.outbox_dir.display()),
    };
    let view = OutboxView {
        counts: &counts,
        status,
        rows: &rows,
        older,
        first_page: before.is_none(),
        transport: &transport,
        timezone: state.config.timezone,
    };
    Ok(render(&chrome, crate::views::outbox::outbox(&chrome, view)))
}

pub async fn retry(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), NoFields {}): CheckedForm<Editor, NoFields>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::outbox::retry(state.ctx(), &actor, id).await;
    outcome(
        result.map(|()| "Mesajul a fost pus din nou în coadă.".into()),
        "/outbox?status=pending",
    )
}
