use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::session::Staff;
use super::{AppState, WebError};
use crate::views::layout::Chrome;
use crate::db::schools::{self as queries, ActiveFilter, SchoolFilter};
use crate::domain::school::SiiirCode;
use crate::views::schools::{SchoolDetailView, SchoolListView};

#[derive(Debug, Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    locality: Option<String>,
    area: Option<String>,
    status: Option<String>,
    active: Option<String>,
    page: Option<String>,
}

impl ListParams {
    /// Unknown or empty values mean "no filter" rather than an error page.
    fn into_filter(self) -> SchoolFilter {
        let non_empty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let one_of = |v: Option<String>, allowed: &[&str]| non_empty(v).map(|s| s.to_uppercase()).filter(|s| allowed.contains(&s.as_str()));
        SchoolFilter {
            query: non_empty(self.q).map(|q| q.chars().take(100).collect()),
            locality: non_empty(self.locality),
            area: one_of(self.area, &["URBAN", "RURAL"]),
            status: one_of(self.status, &["PJ", "AR"]),
            active: match self.active.as_deref() {
                Some("inactiv") => ActiveFilter::Inactive,
                Some("toate") => ActiveFilter::All,
                _ => ActiveFilter::Active,
            },
            page: self.page.and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    }
}

pub async fn list(State(state): State<AppState>, staff: Staff, chrome: Chrome, Query(params): Query<ListParams>) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let filter = params.into_filter();
    let page = queries::search(&state.db, &filter).await?;
    let localities = queries::localities(&state.db).await?;
    let body = crate::views::schools::list(&chrome, SchoolListView { page: &page, filter: &filter, localities: &localities });
    Ok(render(&chrome, body))
}

pub async fn detail(State(state): State<AppState>, staff: Staff, chrome: Chrome, Path(code): Path<String>) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let code = SiiirCode::from_exact(&code).ok_or(WebError::NotFound)?;
    let school = queries::find(&state.db, code.as_str()).await?.ok_or(WebError::NotFound)?;
    let parent = if school.record.status == "AR" { queries::find(&state.db, &school.record.pj_code).await? } else { None };
    let units = if school.record.status == "PJ" { queries::attached_units(&state.db, code.as_str()).await? } else { Vec::new() };
    let updated_at = crate::views::format_datetime(school.updated_at, state.config.timezone);
    let view = SchoolDetailView { school: &school, parent: parent.as_ref(), units: &units, updated_at };
    Ok(render(&chrome, crate::views::schools::detail(&chrome, view)))
}
