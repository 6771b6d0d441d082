use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::board::{Snapshot, snapshot, today};
use super::chrome::render;
use super::flash::redirect_with;
use super::session::{Editor, Staff};
use super::{AppState, WebError};
use crate::db::schools::{self as queries, ActiveFilter, PAGE_SIZE, SchoolFilter};
use crate::db::{self, DbError};
use crate::domain::board::BoardFilter;
use crate::domain::den::{DenStep, StatusKind};
use crate::domain::designee::{self, DesigneeFacts};
use crate::domain::school::SiiirCode;
use crate::views::layout::{Chrome, Flash, FlashKind};
use crate::views::schools::{SchoolDetailView, SchoolListFilter, SchoolListRow, SchoolListView};

#[derive(Debug, Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    locality: Option<String>,
    area: Option<String>,
    /// `PJ`/`AR`, or a D.E.N. status (`overdue`, `depasit`…) for scripts.
    status: Option<String>,
    /// A D.E.N. status slug.
    stare: Option<String>,
    /// `da`: only PJ with active cases.
    dosare: Option<String>,
    active: Option<String>,
    page: Option<String>,
}

impl ListParams {
    /// Unknown or empty values mean "no filter" rather than an error page.
    pub(super) fn into_filter(self) -> SchoolListFilter {
        let non_empty =
            |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let unit_status = non_empty(self.status.clone())
            .map(|s| s.to_uppercase())
            .filter(|s| s == "PJ" || s == "AR");
        let den_status = non_empty(self.stare)
            .or(non_empty(self.status))
            .and_then(|s| StatusKind::parse(&s));
        SchoolListFilter {
            schools: SchoolFilter {
                query: non_empty(self.q).map(|q| q.chars().take(100).collect()),
                locality: non_empty(self.locality),
                area: non_empty(self.area)
                    .map(|s| s.to_uppercase())
                    .filter(|s| s == "URBAN" || s == "RURAL"),
                status: unit_status,
                active: match self.active.as_deref() {
                    Some("inactiv") => ActiveFilter::Inactive,
                    Some("toate") => ActiveFilter::All,
                    _ => ActiveFilter::Active,
                },
                page: self.page.and_then(|p| p.parse().ok()).unwrap_or(1),
            },
            den_status,
            with_cases: self.dosare.as_deref() == Some("da"),
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
    let snapshot = snapshot(&state).await?;
    let (rows, total, page, pages) = if filter.den_status.is_some() || filter.with_cases {
        from_board(&snapshot, &filter)
    } else {
        from_database(&state, &snapshot, &filter.schools).await?
    };
    let view = SchoolListView {
        rows: &rows,
        total,
        page,
        pages,
        filter: &filter,
        localities: &snapshot.localities,
    };
    Ok(render(&chrome, crate::views::schools::list(&chrome, view)))
}

type ListPage = (Vec<SchoolListRow>, u64, u64, u64);

/// Campaign filters apply to PJ on the in-memory board.
fn from_board(snapshot: &Snapshot, filter: &SchoolListFilter) -> ListPage {
    let board_filter = BoardFilter {
        status: filter.den_status,
        with_cases: filter.with_cases,
        query: filter.schools.query.clone(),
        locality: filter.schools.locality.clone(),
        area: filter.schools.area.clone(),
    };
    let matching: Vec<_> = snapshot.board.filter(&board_filter).collect();
    let total = matching.len() as u64;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filter.schools.page.clamp(1, pages);
    let rows = matching
        .into_iter()
        .skip(((page - 1) * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .map(|row| SchoolListRow {
            code: row.school.code.clone(),
            name: row.school.name.clone(),
            unit_status: "PJ".into(),
            locality: row.school.locality.clone(),
            area: row.school.area.clone(),
            active: true,
            den: Some((row.status, row.school.designee.clone())),
        })
        .collect();
    (rows, total, page, pages)
}

async fn from_database(
    state: &AppState,
    snapshot: &Snapshot,
    filter: &SchoolFilter,
) -> Result<ListPage, DbError> {
    let found = queries::search(&state.db, filter).await?;
    let rows = found
        .schools
        .into_iter()
        .map(|s| {
            let den = snapshot
                .board
                .get(&s.record.code)
                .map(|row| (row.status, row.school.designee.clone()));
            SchoolListRow {
                name: s.record.display_name().to_string(),
                code: s.record.code,
                unit_status: s.record.status,
                locality: s.record.locality,
                area: s.record.area,
                active: s.active,
                den,
            }
        })
        .collect();
    Ok((rows, found.total, found.page, found.pages))
}

pub async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let code = SiiirCode::from_exact(&code).ok_or(WebError::NotFound)?;
    let code = code.as_str();
    let school = queries::find(&state.db, code)
        .await?
        .ok_or(WebError::NotFound)?;
    let parent = if school.record.status == "AR" {
        queries::find(&state.db, &school.record.pj_code).await?
    } else {
        None
    };
    let units = if school.record.status == "PJ" {
        queries::attached_units(&state.db, code).await?
    } else {
        Vec::new()
    };
    let snapshot = snapshot(&state).await?;
    let extension = match &snapshot.campaign {
        Some(campaign) => db::den::extension_of(&state.db, campaign.id, code).await?,
        None => None,
    };
    let tz = state.config.timezone;
    let audit = db::audit::for_entity(&state.db, "school", code, 50).await?;
    let view = SchoolDetailView {
        school: &school,
        parent: parent.as_ref(),
        units: &units,
        updated_at: crate::views::format_datetime(school.updated_at, tz),
        board: snapshot.board.get(code),
        campaign: snapshot.campaign.as_ref(),
        extension: extension.as_ref(),
        designees: &db::designees::history(&state.db, code).await?,
        steps: &db::den::steps_of(&state.db, code).await?,
        cases: &db::cases::of_school(&state.db, code).await?,
        audit: &audit,
        mails: &db::outbox::for_school(&state.db, code, 50).await?,
        today: today(&state),
        timezone: tz,
    };
    Ok(render(
        &chrome,
        crate::views::schools::detail(&chrome, view),
    ))
}

/// The PJ a form posts to, or 404.
async fn pj_code(state: &AppState, code: &str) -> Result<String, WebError> {
    let code = SiiirCode::from_exact(code).ok_or(WebError::NotFound)?;
    let school = queries::find(&state.db, code.as_str())
        .await?
        .ok_or(WebError::NotFound)?;
    if school.record.status == "PJ" {
        Ok(school.record.code)
    } else {
        Err(WebError::BadRequest(
            "Obligațiile se înregistrează la unitatea PJ.".into(),
        ))
    }
}

fn back_to(code: &str, result: Result<String, String>) -> Response {
    let flash = match result {
        Ok(text) => Flash {
            kind: FlashKind::Success,
            text,
        },
        Err(text) => Flash {
            kind: FlashKind::Error,
            text,
        },
    };
    redirect_with(&flash, &format!("/schools/{code}"))
}

fn parse_date(text: &str, what: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::dates::parse_text(text).map_err(|e| format!("{what}: {e}"))
}

#[derive(Deserialize)]
pub struct StepForm {
    csrf: String,
    step: String,
    on: String,
    #[serde(default)]
    note: String,
}

pub async fn record_step(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Path(code): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let code = pj_code(&state, &code).await?;
    let Some(step) = DenStep::parse(&form.step) else {
        return Ok(back_to(&code, Err("Alegeți pasul.".into())));
    };
    let on = match parse_date(&form.on, "Data pasului") {
        Ok(on) if on <= today(&state) => on,
        Ok(_) => {
            return Ok(back_to(
                &code,
                Err("Data pasului nu poate fi în viitor.".into()),
            ));
        }
        Err(e) => return Ok(back_to(&code, Err(e))),
    };
    let note = Some(form.note.trim())
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(1000).collect::<String>());
    let txn = db::begin_write(&state.db).await?;
    let new = db::den::NewStep {
        school: &code,
        step,
        on,
        source: db::den::StepSource::Staff,
        actor: &staff.account.email,
        note: note.as_deref(),
        now: state.clock.now(),
    };
    match db::den::record_step(&txn, new).await {
        Ok(()) => {
            txn.commit().await.map_err(DbError::from)?;
            Ok(back_to(
                &code,
                Ok(format!("Pas înregistrat: {}.", step.label())),
            ))
        }
        Err(db::den::StepError::Db(e)) => Err(e.into()),
        Err(refused) => Ok(back_to(&code, Err(refused.to_string()))),
    }
}

#[derive(Deserialize)]
pub struct DesigneeForm {
    csrf: String,
    full_name: String,
    function: String,
    #[serde(default)]
    decision_number: String,
    #[serde(default)]
    decision_date: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

pub async fn record_designee(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Path(code): Path<String>,
    Form(form): Form<DesigneeForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let code = pj_code(&state, &code).await?;
    let optional =
        |s: &str| Some(s.trim().chars().take(200).collect::<String>()).filter(|s| !s.is_empty());
    let decision_date = match optional(&form.decision_date)
        .map(|d| parse_date(&d, "Data deciziei"))
        .transpose()
    {
        Ok(date) => date,
        Err(e) => return Ok(back_to(&code, Err(e))),
    };
    let typed = DesigneeFacts {
        full_name: form.full_name.chars().take(200).collect(),
        function: form.function.chars().take(100).collect(),
        decision_number: optional(&form.decision_number),
        decision_date,
        email: optional(&form.email),
        phone: optional(&form.phone),
    };
    let (facts, warnings) = match designee::check(typed) {
        Ok(checked) => checked,
        Err(errors) => {
            return Ok(back_to(
                &code,
                Err(errors
                    .into_iter()
                    .map(|p| p.message)
                    .collect::<Vec<_>>()
                    .join("; ")),
            ));
        }
    };
    let txn = db::begin_write(&state.db).await?;
    let recorder = db::designees::Recorder {
        actor: &staff.account.email,
        action: "persoană desemnată",
        confirmed_by: Some("staff"),
        now: state.clock.now(),
    };
    let outcome = db::designees::record(&txn, &code, &facts, &recorder, true).await?;
    txn.commit().await.map_err(DbError::from)?;
    let mut text = match outcome {
        db::designees::Recorded::Unchanged => {
            "Datele persoanei desemnate sunt deja acestea; nimic de schimbat.".to_string()
        }
        _ => format!("Persoana desemnată înregistrată: {}.", facts.full_name),
    };
    for warning in warnings {
        text.push_str(&format!(" Atenție: {}.", warning.message));
    }
    Ok(back_to(&code, Ok(text)))
}

#[derive(Deserialize)]
pub struct ExtensionForm {
    csrf: String,
    until: String,
    reason: String,
}

pub async fn extend(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Path(code): Path<String>,
    Form(form): Form<ExtensionForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let code = pj_code(&state, &code).await?;
    let Some(campaign) = db::den::active_campaign(&state.db).await? else {
        return Ok(back_to(
            &code,
            Err("Nu există o campanie activă; stabiliți întâi termenul-limită în Setări.".into()),
        ));
    };
    let until = match parse_date(&form.until, "Noul termen") {
        Ok(until) if until > campaign.deadline => until,
        Ok(_) => {
            return Ok(back_to(
                &code,
                Err("Prelungirea trebuie să fie după termenul campaniei.".into()),
            ));
        }
        Err(e) => return Ok(back_to(&code, Err(e))),
    };
    let reason: String = form.reason.trim().chars().take(1000).collect();
    if reason.is_empty() {
        return Ok(back_to(&code, Err("Scrieți motivul prelungirii.".into())));
    }
    let txn = db::begin_write(&state.db).await?;
    db::den::set_extension(
        &txn,
        campaign.id,
        &code,
        until,
        &reason,
        &staff.account.email,
        state.clock.now(),
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(back_to(
        &code,
        Ok(format!(
            "Termen prelungit până la {}.",
            until.format("%d.%m.%Y")
        )),
    ))
}
