//! The change log as people read it: the audit trail (filters, pages, xlsx) and the history
//! of one school or case. Sentences name people by name and schools by name and code.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, TimeZone};

use super::chrome::render;
use super::session::Editor;
use super::{AppState, WebError};
use crate::db;
use crate::db::changes::ChangeFilter;
use crate::domain::case_number::CaseNumber;
use crate::domain::change::{ChangeGroup, ChangeRecord};
use crate::domain::report_table::{Report, Table, Value, col};
use crate::domain::school::{SchoolFilter, SiiirCode};
use crate::register::Snapshot;
use crate::views::changes::{ChangeLine, TrailFilter, TrailView};
use crate::views::layout::Chrome;

/// Changes per page of the audit trail.
const PAGE: u64 = 50;
/// Changes in one download of the trail.
const DOWNLOAD: u64 = 20_000;
/// Changes a school's or a case's page shows.
pub const ON_PAGE: u64 = 30;

/// Staff e-mail → name, read again at most every [`NAMES_AGE`] (a renamed person's old name
/// may show that long).
async fn staff_names(state: &AppState) -> Result<Arc<HashMap<String, String>>, WebError> {
    if let Some(names) = state.staff_names.fresh(NAMES_AGE) {
        return Ok(names);
    }
    let names: HashMap<String, String> = db::staff::all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.email, u.name))
        .collect();
    Ok(state.staff_names.put(names))
}

const NAMES_AGE: std::time::Duration = std::time::Duration::from_secs(30);

/// E-mail → name, and when it was read.
type ReadNames = Option<(std::time::Instant, Arc<HashMap<String, String>>)>;

/// The staff names the history pages use, with when they were read.
#[derive(Default)]
pub struct StaffNames(std::sync::Mutex<ReadNames>);

impl StaffNames {
    fn lock(&self) -> std::sync::MutexGuard<'_, ReadNames> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self, age: std::time::Duration) -> Option<Arc<HashMap<String, String>>> {
        self.lock()
            .as_ref()
            .filter(|(at, _)| at.elapsed() < age)
            .map(|(_, names)| Arc::clone(names))
    }

    fn put(&self, names: HashMap<String, String>) -> Arc<HashMap<String, String>> {
        let names = Arc::new(names);
        *self.lock() = Some((std::time::Instant::now(), Arc::clone(&names)));
        names
    }
}

/// Changes as lines of a page.
pub async fn lines(
    state: &AppState,
    snapshot: &Snapshot,
    records: &[ChangeRecord],
) -> Result<Vec<ChangeLine>, WebError> {
    let staff = staff_names(state).await?;
    let name = |code: &str| snapshot.schools.name_of(code);
    Ok(records
        .iter()
        .map(|r| {
            let who = crate::domain::change::actor_name(&r.actor, &staff);
            let described = r.describe(&who, &name);
            ChangeLine {
                version: r.version,
                when: crate::views::format_datetime(r.at, state.config.timezone),
                sentence: described.sentence,
                fields: described.fields,
                school: r.change.school().map(str::to_string),
                case: r.change.case(),
                batch: r.batch,
                is_import: matches!(
                    r.change,
                    crate::domain::change::Change::ImportApplied { .. }
                ),
            }
        })
        .collect())
}

/// A school's or a case's latest changes, import rows included.
pub async fn of_record(
    state: &AppState,
    school: Option<&str>,
    case: Option<i32>,
) -> Result<Vec<ChangeRecord>, WebError> {
    let filter = ChangeFilter {
        school: school.map(str::to_string),
        cases: case.map(|id| vec![id]),
        with_import_rows: true,
        ..ChangeFilter::default()
    };
    Ok(db::changes::matching(&state.db, &filter, ON_PAGE).await?)
}

#[derive(Debug, serde::Deserialize, Default)]
pub struct TrailParams {
    de_la: Option<String>,
    pana_la: Option<String>,
    unitate: Option<String>,
    dosar: Option<String>,
    cine: Option<String>,
    tip: Option<String>,
    import: Option<String>,
    inainte: Option<String>,
}

fn trimmed(value: Option<String>) -> String {
    value
        .map(|s| s.trim().chars().take(120).collect::<String>())
        .unwrap_or_default()
}

impl TrailParams {
    fn typed(self) -> (TrailFilter, Option<i64>) {
        let filter = TrailFilter {
            from: trimmed(self.de_la),
            to: trimmed(self.pana_la),
            school: trimmed(self.unitate),
            case: trimmed(self.dosar),
            actor: trimmed(self.cine),
            kind: trimmed(self.tip),
            import: self.import.and_then(|b| b.trim().parse().ok()),
        };
        let before = self.inainte.and_then(|v| v.trim().parse().ok());
        (filter, before)
    }
}

/// The typed filters resolved against the register: a school by code or by a name only one
/// school has, a case by its number however typed; or why a filter cannot be applied.
async fn resolve(
    state: &AppState,
    snapshot: &Snapshot,
    typed: &TrailFilter,
) -> Result<Result<ChangeFilter, String>, WebError> {
    let tz = state.config.timezone;
    let day = |text: &str, what: &str| -> Result<Option<NaiveDate>, String> {
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("„{text}” nu este o dată ({what})"))
    };
    let start = |d: NaiveDate| tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN));
    let mut filter = ChangeFilter {
        batch: typed.import,
        ..ChangeFilter::default()
    };
    match (day(&typed.from, "de la"), day(&typed.to, "până la")) {
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
        (Ok(from), Ok(to)) => {
            filter.from = from.and_then(|d| start(d).earliest()).map(|t| t.to_utc());
            filter.until = to
                .and_then(|d| start(d + Duration::days(1)).earliest())
                .map(|t| t.to_utc());
        }
    }
    if !typed.school.is_empty() {
        match school_code(snapshot, &typed.school) {
            Ok(code) => filter.school = Some(code),
            Err(problem) => return Ok(Err(problem)),
        }
    }
    if !typed.case.is_empty() {
        let Ok(number) = CaseNumber::parse(&typed.case) else {
            return Ok(Err(format!("„{}” nu este un număr de dosar", typed.case)));
        };
        let ids: Vec<i32> = snapshot.cases.with_number(&number.to_string());
        if ids.is_empty() {
            return Ok(Err(format!("Niciun dosar cu numărul {number}")));
        }
        filter.cases = Some(ids);
    }
    if !typed.actor.is_empty() {
        let folded = crate::domain::text::fold(&typed.actor);
        let named: Vec<String> = staff_names(state)
            .await?
            .iter()
            .filter(|(_, name)| crate::domain::text::fold(name).contains(&folded))
            .map(|(email, _)| email.clone())
            .collect();
        filter.actor = Some((typed.actor.clone(), named));
    }
    if !typed.kind.is_empty() {
        match ChangeGroup::parse(&typed.kind) {
            Some(group) => filter.kinds = Some(group.kinds()),
            None => return Ok(Err("Alegeți felul modificării din listă".into())),
        }
    }
    // An import's rows stay under its line, unless the filter is about one record or batch.
    filter.with_import_rows =
        filter.school.is_some() || filter.cases.is_some() || filter.batch.is_some();
    Ok(Ok(filter))
}

/// A school by its code, or by a name (folded) only one school matches.
fn school_code(snapshot: &Snapshot, text: &str) -> Result<String, String> {
    if let Some(code) = SiiirCode::from_exact(text) {
        return Ok(code.as_str().to_string());
    }
    let found = snapshot.schools.search(
        &SchoolFilter {
            query: Some(text.to_string()),
            active: crate::domain::school::ActiveFilter::All,
            page: 1,
            ..SchoolFilter::default()
        },
        2,
    );
    match found.total {
        0 => Err(format!("Nicio unitate nu se potrivește cu „{text}”")),
        1 => Ok(found.rows[0].code.clone()),
        n => Err(format!(
            "{n} unități se potrivesc cu „{text}”; scrieți codul SIIIR"
        )),
    }
}

pub async fn trail(
    State(state): State<AppState>,
    Editor(staff): Editor,
    chrome: Chrome,
    Query(params): Query<TrailParams>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let (typed, before) = params.typed();
    let snapshot = super::register_view::snapshot(&state).await?;
    let (lines, problem, older) = match resolve(&state, &snapshot, &typed).await? {
        Ok(filter) => {
            let filter = ChangeFilter { before, ..filter };
            let records = db::changes::matching(&state.db, &filter, PAGE).await?;
            let older = (records.len() as u64 == PAGE)
                .then(|| records.last().map(|r| r.version))
                .flatten();
            (lines(&state, &snapshot, &records).await?, None, older)
        }
        Err(problem) => (Vec::new(), Some(problem), None),
    };
    let view = TrailView {
        lines: &lines,
        filter: &typed,
        problem: problem.as_deref(),
        older,
        first_page: before.is_none(),
    };
    Ok(render(&chrome, crate::views::changes::trail(&chrome, view)))
}

/// The filtered trail as xlsx: one row per changed field (one per change without fields).
pub async fn trail_xlsx(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Query(params): Query<TrailParams>,
) -> Result<Response, WebError> {
    let (typed, _) = params.typed();
    let snapshot = super::register_view::snapshot(&state).await?;
    let filter = match resolve(&state, &snapshot, &typed).await? {
        Ok(filter) => filter,
        Err(problem) => return Err(WebError::BadRequest(problem)),
    };
    let records = db::changes::matching(&state.db, &filter, DOWNLOAD).await?;
    let lines = lines(&state, &snapshot, &records).await?;
    let now = state.clock.now();
    let tz = state.config.timezone;
    let mut rows = Vec::new();
    for line in &lines {
        let base = |field: &str, before: &str, after: &str| {
            vec![
                Value::text(&line.when),
                Value::text(&line.sentence),
                Value::text(field),
                Value::text(before),
                Value::text(after),
                Value::Code(line.school.clone().unwrap_or_default()),
            ]
        };
        if line.fields.is_empty() {
            rows.push(base("", "", ""));
        }
        for f in &line.fields {
            rows.push(base(f.label, &f.before, &f.after));
        }
    }
    let report = Report {
        name: "istoric".into(),
        title: "Istoric modificări".into(),
        filter: describe(&typed),
        generated_at: now.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string(),
        tables: vec![Table {
            sheet: "Istoric".into(),
            columns: vec![
                col("Când", 17.0),
                col("Ce s-a schimbat", 80.0),
                col("Câmp", 22.0),
                col("Înainte", 30.0),
                col("După", 30.0),
                col("Cod SIIIR", 12.0),
            ],
            rows,
        }],
        summary: None,
    };
    let inspectorate = crate::domain::county::inspectorate_name(&state.config.county);
    let bytes = crate::excel::report_writer::xlsx(&report, &inspectorate)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    crate::app::reports::record_export(
        state.ctx(),
        &staff.account.email,
        "istoric modificări",
        &report.filter,
    )
    .await?;
    let day = now.with_timezone(&tz).format("%Y-%m-%d");
    let disposition = format!("attachment; filename=\"istoric-{day}.xlsx\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The filter in words, for the sheet.
fn describe(filter: &TrailFilter) -> String {
    let mut parts = Vec::new();
    for (label, value) in [
        ("de la", &filter.from),
        ("până la", &filter.to),
        ("unitate", &filter.school),
        ("dosar", &filter.case),
        ("cine", &filter.actor),
    ] {
        if !value.is_empty() {
            parts.push(format!("{label}: {value}"));
        }
    }
    if let Some(group) = ChangeGroup::parse(&filter.kind) {
        parts.push(format!("tip: {}", group.label()));
    }
    if let Some(batch) = filter.import {
        parts.push(format!("importul nr. {batch}"));
    }
    if parts.is_empty() {
        "toate modificările".into()
    } else {
        parts.join("; ")
    }
}
