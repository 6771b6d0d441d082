use axum::extract::State;
use axum::response::Response;

use super::chrome::render;
use super::session::Staff;
use super::{AppState, WebError};
use crate::domain::board::BoardFilter;
use crate::domain::den::StatusKind;
use crate::views::layout::Chrome;
use crate::views::overview::OverviewView;

/// Overdue schools listed on the overview; the full list is one click away.
const OVERDUE_SHOWN: usize = 25;

pub async fn overview(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let snapshot = super::register_view::snapshot(&state).await?;
    let filter = BoardFilter {
        status: Some(StatusKind::Overdue),
        ..BoardFilter::default()
    };
    let overdue: Vec<_> = snapshot.board.filter(&filter).collect();
    let view = OverviewView {
        campaign: snapshot.campaign.as_ref(),
        days_to_deadline: snapshot.board.days_to_deadline(),
        counts: &snapshot.counts,
        progress: snapshot.progress,
        chart: &snapshot.chart,
        dead_mail: super::register_view::dead_mail(&state).await?,
        overdue_total: overdue.len(),
        overdue: overdue.into_iter().take(OVERDUE_SHOWN).collect(),
        hearings: &snapshot.hearings,
    };
    Ok(render(
        &chrome,
        crate::views::overview::overview(&chrome, view),
    ))
}
