//! `/search?q=`: schools, cases and designees from the header's search box.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::session::Staff;
use super::{AppState, WebError};
use crate::domain::cases::CaseFilter;
use crate::domain::school::{ActiveFilter, SchoolFilter};
use crate::views::layout::Chrome;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    q: Option<String>,
}

/// Rows shown per kind; the lists behind each kind have their own filters for more.
const LIMIT: usize = 20;

pub async fn search(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let query: String = params
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect();
    let snapshot = super::register_view::snapshot(&state).await?;
    let (mut schools, mut cases, mut designees) = (Vec::new(), Vec::new(), Vec::new());
    if !query.is_empty() {
        let filter = SchoolFilter {
            query: Some(query.clone()),
            active: ActiveFilter::All,
            page: 1,
            ..SchoolFilter::default()
        };
        // The first rows only: the box shows no totals, so nothing counts every match.
        schools = snapshot.schools.matching(&filter).take(LIMIT).collect();
        let filter = CaseFilter {
            query: Some(query.clone()),
            include_closed: true,
            today: super::register_view::today(&state),
            page: 1,
            ..CaseFilter::default()
        };
        cases = snapshot
            .cases
            .matching(&filter, &snapshot.schools)
            .take(LIMIT)
            .map(|e| (e.case.clone(), snapshot.cases.links(e, &snapshot.schools)))
            .collect();
        for d in snapshot.designees.find(&query, LIMIT) {
            let name = snapshot.schools.name_of(&d.school_code);
            designees.push((d.clone(), name));
        }
    }
    let view = crate::views::search::SearchView {
        query: &query,
        schools: &schools,
        cases: &cases,
        designees: &designees,
    };
    Ok(render(
        &chrome,
        crate::views::search::results(&chrome, view),
    ))
}
