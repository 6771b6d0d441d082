//! `/reports`: the four reports for download, whole or as the filtered view of a list.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::chrome::render;
use super::session::Staff;
use super::{AppState, WebError};
use crate::domain::board::BoardFilter;
use crate::reports::{FileFormat, ReportFilter, ReportKind};
use crate::views::layout::Chrome;

pub async fn index(staff: Staff, chrome: Chrome) -> Response {
    let chrome = chrome.signed_in(staff.chrome_user());
    render(&chrome, crate::views::reports::index(&chrome))
}

/// `/reports/{report}.{xlsx|csv}` with the list's own query parameters as the filter.
pub async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path(file): Path<String>,
    Query(schools): Query<super::schools::ListParams>,
    Query(cases): Query<super::cases::ListParams>,
) -> Result<Response, WebError> {
    let (name, extension) = file.rsplit_once('.').ok_or(WebError::NotFound)?;
    let kind = ReportKind::parse(name).ok_or(WebError::NotFound)?;
    let format = match extension {
        "xlsx" => FileFormat::Xlsx,
        "csv" => FileFormat::Csv(b';'),
        _ => return Err(WebError::NotFound),
    };
    let list = schools.into_filter();
    let filter = ReportFilter {
        board: BoardFilter {
            status: list.den_status,
            with_cases: list.with_cases,
            query: list.schools.query,
            locality: list.schools.locality,
            area: list.schools.area,
        },
        cases: cases.into_filter(),
        with_hearings: false,
    };
    let now = state.clock.now();
    let inspectorate = crate::domain::county::inspectorate_name(&state.config.county);
    let register = super::register_view::snapshot(&state).await?;
    let request = crate::app::reports::ExportRequest {
        kind,
        filter: &filter,
        format,
        who: &staff.account.email,
        inspectorate: &inspectorate,
    };
    let (_, bytes) = crate::app::reports::export(state.ctx(), &register, request)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let day = now.with_timezone(&state.config.timezone).format("%Y-%m-%d");
    let disposition = format!(
        "attachment; filename=\"{}-{day}.{}\"",
        kind.name(),
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
