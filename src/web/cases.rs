use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::outcome;
use super::session::{CheckedForm, Editor, Staff};
use super::{AppState, WebError};
use crate::app::{self, Actor};
use crate::db;
use crate::db::cases::CaseFilter;
use crate::db::entities::court_case;
use crate::domain::cases::CaseStatus;
use crate::domain::school::SiiirCode;
use crate::views::cases::{CaseDetailView, CaseListView};
use crate::views::layout::Chrome;

#[derive(Debug, Deserialize, Default)]
pub struct ListParams {
    court: Option<String>,
    stage: Option<String>,
    category: Option<String>,
    school: Option<String>,
    from: Option<String>,
    to: Option<String>,
    closed: Option<String>,
    page: Option<String>,
}

impl ListParams {
    /// Unparseable values are dropped (no filter) rather than failing the page.
    pub(super) fn into_filter(self) -> CaseFilter {
        let non_empty =
            |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let day = |v: Option<String>| {
            non_empty(v).and_then(|d| crate::domain::dates::parse_text(&d).ok())
        };
        CaseFilter {
            court: non_empty(self.court),
            stage: non_empty(self.stage),
            category: non_empty(self.category),
            school: non_empty(self.school)
                .and_then(|s| SiiirCode::from_exact(&s))
                .map(|c| c.as_str().to_string()),
            hearing_from: day(self.from),
            hearing_to: day(self.to),
            include_closed: self.closed.as_deref() == Some("da"),
            page: self.page.and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let filter = params.into_filter();
    let page = db::cases::search(&state.db, &filter).await?;
    let courts = db::cases::distinct_values(&state.db, court_case::Column::Court).await?;
    let stages = db::cases::distinct_values(&state.db, court_case::Column::Stage).await?;
    let categories = db::cases::distinct_values(&state.db, court_case::Column::Category).await?;
    let view = CaseListView {
        page: &page,
        filter: &filter,
        courts: &courts,
        stages: &stages,
        categories: &categories,
    };
    Ok(render(&chrome, crate::views::cases::list(&chrome, view)))
}

pub async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Path(id): Path<i32>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let (case, links) = db::cases::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let audit = db::audit::for_entity(&state.db, "court_case", &id.to_string(), 50).await?;
    let view = CaseDetailView {
        case: &case,
        links: &links,
        audit: &audit,
        timezone: state.config.timezone,
    };
    Ok(render(&chrome, crate::views::cases::detail(&chrome, view)))
}

#[derive(Deserialize)]
pub struct StatusForm {
    active: String,
}

/// Closes or reopens a case (a school whose cases are all closed is blocked again).
pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, StatusForm>,
) -> Result<Response, WebError> {
    let status = if form.active == "da" {
        CaseStatus::Active
    } else {
        CaseStatus::Closed
    };
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::cases::set_status(state.ctx(), &actor, id, status).await;
    let text = result.map(|_| match status {
        CaseStatus::Active => "Dosarul a fost redeschis.".to_string(),
        CaseStatus::Closed => "Dosarul a fost marcat ca închis.".to_string(),
    });
    outcome(text, &format!("/cases/{id}"))
}
