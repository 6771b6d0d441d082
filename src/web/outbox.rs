use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::redirect_with;
use super::session::{CsrfForm, Editor, Staff};
use super::{AppState, WebError};
use crate::db;
use crate::views::layout::{Chrome, Flash, FlashKind};
use crate::views::outbox::{OutboxView, STATUSES};

#[derive(Deserialize)]
pub struct Params {
    status: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let status = params
        .status
        .as_deref()
        .and_then(|s| STATUSES.iter().map(|(k, _)| *k).find(|k| *k == s));
    let rows = db::outbox::recent(&state.db, status, 200).await?;
    let counts = db::outbox::counts(&state.db).await?;
    let transport = match &state.config.smtp_url {
        Some(_) => "releu SMTP".to_string(),
        None => format!("fișiere .eml în {}", state.config.outbox_dir.display()),
    };
    let view = OutboxView {
        counts: &counts,
        status,
        rows: &rows,
        transport: &transport,
        timezone: state.config.timezone,
    };
    Ok(render(&chrome, crate::views::outbox::outbox(&chrome, view)))
}

pub async fn retry(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Path(id): Path<i32>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let txn = db::begin_write(&state.db).await?;
    let retried = db::outbox::retry_dead(&txn, id, state.clock.now()).await?;
    if retried {
        let entry = db::audit::AuditEntry::change(
            state.clock.now(),
            &staff.account.email,
            "reîncercare mesaj",
            "outbox",
            &id.to_string(),
            None::<&()>,
            None::<&()>,
        );
        db::audit::record(&txn, entry).await?;
    }
    txn.commit().await.map_err(db::DbError::from)?;
    let flash = if retried {
        Flash {
            kind: FlashKind::Success,
            text: "Mesajul a fost pus din nou în coadă.".into(),
        }
    } else {
        Flash {
            kind: FlashKind::Error,
            text: "Doar mesajele nelivrate pot fi reîncercate.".into(),
        }
    };
    Ok(redirect_with(&flash, "/outbox?status=pending"))
}
