use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::redirect_with;
use super::session::{Editor, Staff};
use super::{AppState, WebError};
use crate::db::{self, DbError};
use crate::views::layout::{Chrome, Flash, FlashKind};

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let campaign = db::den::active_campaign(&state.db).await?;
    Ok(render(
        &chrome,
        crate::views::settings::page(&chrome, campaign.as_ref()),
    ))
}

#[derive(Deserialize)]
pub struct CampaignForm {
    csrf: String,
    deadline: String,
    #[serde(default)]
    title: String,
}

/// Sets the campaign deadline (and title); creates the campaign the first time.
pub async fn set_campaign(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Form(form): Form<CampaignForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let error = |text: String| {
        redirect_with(
            &Flash {
                kind: FlashKind::Error,
                text,
            },
            "/settings",
        )
    };
    let deadline = match crate::domain::dates::parse_text(&form.deadline) {
        Ok(deadline) => deadline,
        Err(e) => return Ok(error(format!("Termenul-limită: {e}"))),
    };
    if deadline < super::board::today(&state) {
        return Ok(error("Termenul-limită nu poate fi în trecut.".into()));
    }
    let title: String = form.title.trim().chars().take(200).collect();
    let txn = db::begin_write(&state.db).await?;
    let campaign = db::den::set_campaign(
        &txn,
        deadline,
        Some(&title),
        &staff.account.email,
        state.clock.now(),
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    let text = format!(
        "Termenul-limită al campaniei este acum {}.",
        campaign.deadline.format("%d.%m.%Y")
    );
    Ok(redirect_with(
        &Flash {
            kind: FlashKind::Success,
            text,
        },
        "/settings",
    ))
}
