use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::outcome;
use super::session::{CheckedForm, Editor, Staff};
use super::{AppState, WebError};
use crate::app::{self, Actor, AppError};
use crate::db;
use crate::domain::cases::CaseFilter;
use crate::domain::cases::{CaseLink, CaseStatus, HearingFacts, HearingSource, normalise_time};
use crate::domain::school::SiiirCode;
use crate::views::cases::{CaseDetailView, CaseListView};
use crate::views::layout::Chrome;

#[derive(Debug, Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
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
            query: non_empty(self.q).map(|q| q.chars().take(100).collect()),
            today: chrono::NaiveDate::default(),
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
    let filter = CaseFilter {
        today: super::register_view::today(&state),
        ..params.into_filter()
    };
    let snapshot = super::register_view::snapshot(&state).await?;
    let page = snapshot
        .cases
        .search(&filter, &snapshot.schools, db::cases::PAGE_SIZE);
    let (courts, stages, categories) = (
        &snapshot.cases.courts,
        &snapshot.cases.stages,
        &snapshot.cases.categories,
    );
    let view = CaseListView {
        page: &page,
        filter: &filter,
        courts,
        stages,
        categories,
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
    // The page's reads are independent: they run side by side on the pool.
    let (found, audit, hearings, snapshot) = tokio::try_join!(
        async { Ok::<_, WebError>(db::cases::for_page(&state.db, id).await?) },
        super::history::of_record(&state, None, Some(id)),
        async { Ok(db::hearings::of_case(&state.db, id).await?) },
        async { Ok(super::register_view::snapshot(&state).await?) },
    )?;
    let (mut case, check) = found.ok_or(WebError::NotFound)?;
    let today = super::register_view::today(&state);
    case.facts.next_hearing = crate::domain::cases::next_hearing(&hearings, today);
    // The links come with the snapshot (every change to them is audited, which renews it).
    let links = snapshot
        .cases
        .get(id)
        .map_or(&[][..], |entry| entry.links.as_slice());
    let mut mismatches = std::collections::HashMap::new();
    let links: Vec<CaseLink> = links
        .iter()
        .cloned()
        .map(|(school_code, facts)| {
            let designee = snapshot.designees.current_of(&school_code);
            let declared = facts.declared();
            let mismatch =
                crate::domain::designee::contact_mismatch(&declared, designee.map(|d| &d.facts));
            if let Some(mismatch) = mismatch {
                mismatches.insert(school_code.clone(), mismatch);
            }
            CaseLink {
                case_id: id,
                school_name: snapshot.schools.name_of(&school_code),
                school_code,
                facts,
            }
        })
        .collect();
    let view = CaseDetailView {
        portal: crate::views::portal::check_line(
            check.as_ref(),
            crate::domain::portal::covered(&case.court),
            state.config.timezone,
        ),
        case: &case,
        links: &links,
        hearings: &hearings,
        mismatches: &mismatches,
        today,
        history: &super::history::lines(&state, &snapshot, &audit).await?,
        timezone: state.config.timezone,
    };
    Ok(render(&chrome, crate::views::cases::detail(&chrome, view)))
}

#[derive(Deserialize)]
pub struct StatusForm {
    active: String,
    #[serde(default)]
    reason: String,
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
    let result = app::cases::set_status(state.ctx(), &actor, id, status, &form.reason).await;
    let text = result.map(|_| match status {
        CaseStatus::Active => "Dosarul a fost redeschis.".to_string(),
        CaseStatus::Closed => "Dosarul a fost marcat ca închis.".to_string(),
    });
    outcome(text, &format!("/cases/{id}"))
}

#[derive(Deserialize)]
pub struct HearingForm {
    on: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    panel: String,
    #[serde(default)]
    stage: String,
}

/// A one-line form field (already typed text, see `session::typed_form`): white space runs
/// as one space, cut to `limit` characters; empty is none.
pub(super) fn optional(text: &str, limit: usize) -> Option<String> {
    let line = crate::domain::text::one_line(text);
    Some(line.chars().take(limit).collect::<String>()).filter(|t| !t.is_empty())
}

/// A field of several lines (a summary): trimmed, cut to `limit` characters; empty is none.
fn optional_lines(text: &str, limit: usize) -> Option<String> {
    Some(text.trim().chars().take(limit).collect::<String>()).filter(|t| !t.is_empty())
}

impl HearingForm {
    fn facts(&self) -> Result<HearingFacts, AppError> {
        let on = crate::domain::dates::parse_text(&self.on)
            .map_err(|e| AppError::invalid("on", format!("data termenului: {e}")))?;
        let time = normalise_time(&self.time).map_err(|e| AppError::invalid("time", e))?;
        Ok(HearingFacts {
            on,
            time,
            panel: optional(&self.panel, 50).unwrap_or_default(),
            stage: optional(&self.stage, 50),
            ..Default::default()
        })
    }
}

/// Adds a hearing to a case (or completes the one with the same date, time and panel).
pub async fn add_hearing(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, HearingForm>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let result = match form.facts() {
        Ok(facts) => {
            app::hearings::record(state.ctx(), &actor, id, facts, HearingSource::Manual).await
        }
        Err(e) => Err(e),
    };
    let text = result.map(|h| format!("Termen înregistrat: {}.", h.facts.on.format("%d.%m.%Y")));
    outcome(text, &format!("/cases/{id}"))
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    outcome: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    pronounced_on: String,
}

/// A shown hearing and its case's page (where its forms send one back), or 404.
async fn hearing_and_page(
    state: &AppState,
    id: i32,
) -> Result<(crate::domain::cases::HearingRecord, String), WebError> {
    let stored = db::hearings::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let back = format!("/cases/{}", stored.case_id);
    Ok((stored, back))
}

/// Records the outcome of a hearing.
pub async fn record_outcome(
    State(state): State<AppState>,
    Path(hearing): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, OutcomeForm>,
) -> Result<Response, WebError> {
    let (stored, back) = hearing_and_page(&state, hearing).await?;
    let pronounced_on = match optional(&form.pronounced_on, 20)
        .map(|d| crate::domain::dates::parse_text(&d))
        .transpose()
    {
        Ok(day) => day,
        Err(e) => {
            let refused = AppError::invalid("pronounced_on", format!("data pronunțării: {e}"));
            return outcome(Err(refused), &back);
        }
    };
    let facts = HearingFacts {
        on: stored.facts.on,
        outcome: optional(&form.outcome, 200),
        summary: optional_lines(&form.summary, 2000),
        pronounced_on,
        ..Default::default()
    };
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::hearings::record_outcome(state.ctx(), &actor, hearing, facts).await;
    outcome(result.map(|_| "Soluția a fost înregistrată.".into()), &back)
}

#[derive(Deserialize, Default)]
pub struct AgendaParams {
    days: Option<String>,
    page: Option<String>,
}

/// Hearings per agenda page.
const AGENDA_PAGE: usize = 100;

/// Days ahead the agenda shows by default.
const AGENDA_DAYS: i64 = 30;

/// `/hearings`: the coming hearings of active cases, by date.
pub async fn agenda(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
    Query(params): Query<AgendaParams>,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let days = params
        .days
        .and_then(|d| d.trim().parse::<i64>().ok())
        .map_or(AGENDA_DAYS, |d| d.clamp(1, 365));
    let from = super::register_view::today(&state);
    let to = from + chrono::Duration::days(days);
    let snapshot = super::register_view::snapshot(&state).await?;
    let (total, _) = snapshot.cases.agenda((from, to), &snapshot.schools, 0, 0);
    let pages = total.div_ceil(AGENDA_PAGE).max(1);
    let page = params
        .page
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let (_, hearings) = snapshot.cases.agenda(
        (from, to),
        &snapshot.schools,
        (page - 1) * AGENDA_PAGE,
        AGENDA_PAGE,
    );
    let view = crate::views::cases::AgendaView {
        hearings: &hearings,
        from,
        days,
        total,
        page,
        pages,
    };
    Ok(render(&chrome, crate::views::cases::agenda(&chrome, view)))
}

/// `/cases/new`: the form to add a case by hand.
pub async fn new_case(
    State(state): State<AppState>,
    Editor(staff): Editor,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let _ = &state;
    let chrome = chrome.signed_in(staff.chrome_user());
    Ok(render(&chrome, crate::views::cases::new_case(&chrome)))
}

#[derive(Deserialize)]
pub struct NewCaseForm {
    court: String,
    number: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    next_hearing: String,
    #[serde(default)]
    school1: String,
    #[serde(default)]
    role1: String,
    #[serde(default)]
    school2: String,
    #[serde(default)]
    role2: String,
    #[serde(default)]
    school3: String,
    #[serde(default)]
    role3: String,
}

impl NewCaseForm {
    fn parse(self) -> Result<app::cases::NewCase, AppError> {
        let next_hearing = optional(&self.next_hearing, 20)
            .map(|d| crate::domain::dates::parse_text(&d))
            .transpose()
            .map_err(|e| AppError::invalid("next_hearing", format!("termenul: {e}")))?;
        let schools = [
            (self.school1, self.role1),
            (self.school2, self.role2),
            (self.school3, self.role3),
        ]
        .into_iter()
        .filter_map(|(code, role)| optional(&code, 10).map(|code| (code, optional(&role, 50))))
        .collect();
        Ok(app::cases::NewCase {
            court: self.court,
            number: self.number.chars().take(60).collect(),
            facts: crate::domain::case_import::CaseFacts {
                category: optional(&self.category, 60),
                stage: optional(&self.stage, 60),
                object: optional(&self.object, 300),
                next_hearing,
            },
            schools,
        })
    }
}

pub async fn create_case(
    State(state): State<AppState>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, NewCaseForm>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let result = match form.parse() {
        Ok(new) => app::cases::create(state.ctx(), &actor, new).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => outcome(
            Ok("Dosarul a fost adăugat.".into()),
            &format!("/cases/{id}"),
        ),
        Err(e) => outcome(Err(e), "/cases/new"),
    }
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    object: String,
}

pub async fn edit_case(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, EditForm>,
) -> Result<Response, WebError> {
    let facts = crate::domain::case_import::CaseFacts {
        category: optional(&form.category, 60),
        stage: optional(&form.stage, 60),
        object: optional(&form.object, 300),
        next_hearing: None,
    };
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::cases::edit(state.ctx(), &actor, id, facts).await;
    outcome(
        result.map(|_| "Dosarul a fost modificat.".into()),
        &format!("/cases/{id}"),
    )
}

#[derive(Deserialize)]
pub struct RefusalForm {
    school: String,
    on: String,
    reason: String,
}

/// The court refused a school's electronic access in this case.
pub async fn refuse_access(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, RefusalForm>,
) -> Result<Response, WebError> {
    let back = format!("/cases/{id}");
    let on = match crate::domain::dates::parse_text(&form.on) {
        Ok(on) => on,
        Err(e) => return outcome(Err(AppError::invalid("on", format!("data: {e}"))), &back),
    };
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::cases::refuse_access(
        state.ctx(),
        &actor,
        id,
        form.school.trim(),
        on,
        &form.reason,
    )
    .await;
    outcome(
        result.map(|()| "Respingerea accesului a fost înregistrată.".into()),
        &back,
    )
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    on: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    panel: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    pronounced_on: String,
}

impl CorrectionForm {
    fn facts(&self) -> Result<HearingFacts, AppError> {
        let base = HearingForm {
            on: self.on.clone(),
            time: self.time.clone(),
            panel: self.panel.clone(),
            stage: self.stage.clone(),
        }
        .facts()?;
        let pronounced_on = optional(&self.pronounced_on, 20)
            .map(|d| crate::domain::dates::parse_text(&d))
            .transpose()
            .map_err(|e| AppError::invalid("pronounced_on", format!("data pronunțării: {e}")))?;
        Ok(HearingFacts {
            outcome: optional(&self.outcome, 200),
            summary: optional_lines(&self.summary, 2000),
            pronounced_on,
            ..base
        })
    }
}

/// Corrects a hearing typed wrong (date, time, panel, stage, outcome).
pub async fn correct_hearing(
    State(state): State<AppState>,
    Path(hearing): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, CorrectionForm>,
) -> Result<Response, WebError> {
    let (_, back) = hearing_and_page(&state, hearing).await?;
    let actor = Actor::Staff(staff.account.email.clone());
    let result = match form.facts() {
        Ok(facts) => app::hearings::correct(state.ctx(), &actor, hearing, facts).await,
        Err(e) => Err(e),
    };
    let text = result.map(|h| {
        format!(
            "Termenul a fost corectat: {}.",
            h.facts.on.format("%d.%m.%Y")
        )
    });
    outcome(text, &back)
}

#[derive(Deserialize)]
pub struct RemovalForm {
    #[serde(default)]
    reason: String,
}

/// Deletes a hearing typed wrong (one from the portal is marked wrong instead).
pub async fn remove_hearing(
    State(state): State<AppState>,
    Path(hearing): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, RemovalForm>,
) -> Result<Response, WebError> {
    let (_, back) = hearing_and_page(&state, hearing).await?;
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::hearings::remove(state.ctx(), &actor, hearing, &form.reason).await;
    let text = result.map(|h| match h.source {
        HearingSource::Portal => format!(
            "Termenul din {} a fost marcat ca greșit; sincronizarea cu portalul nu îl mai aduce înapoi.",
            h.facts.on.format("%d.%m.%Y")
        ),
        _ => format!(
            "Termenul din {} a fost șters.",
            h.facts.on.format("%d.%m.%Y")
        ),
    });
    outcome(text, &back)
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    school: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    confirm: String,
}

/// Adds a school to a case.
pub async fn add_school(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, LinkForm>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let role = optional(&form.role, 100);
    let result = match optional(&form.school, 20) {
        Some(code) => app::cases::add_school(state.ctx(), &actor, id, &code, role.as_deref()).await,
        None => Err(AppError::invalid(
            "school",
            "scrieți codul SIIIR al unității",
        )),
    };
    let text = result.map(|code| format!("Unitatea {code} a fost adăugată în dosar."));
    outcome(text, &format!("/cases/{id}"))
}

/// Changes a school's role in a case.
pub async fn change_role(
    State(state): State<AppState>,
    Path((id, school)): Path<(i32, String)>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, LinkForm>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let role = optional(&form.role, 100);
    let result = app::cases::change_role(state.ctx(), &actor, id, &school, role.as_deref()).await;
    let text = result.map(|()| "Calitatea unității în dosar a fost schimbată.".to_string());
    outcome(text, &format!("/cases/{id}"))
}

/// Takes a school out of a case; a link with D.E.N. steps needs the confirmation.
pub async fn remove_school(
    State(state): State<AppState>,
    Path((id, school)): Path<(i32, String)>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, LinkForm>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let confirmed = form.confirm == "da";
    let result = app::cases::remove_school(state.ctx(), &actor, id, &school, confirmed).await;
    let text = result.map(|()| format!("Unitatea {school} a fost scoasă din dosar."));
    outcome(text, &format!("/cases/{id}"))
}
