use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::outcome;
use super::register_view::{snapshot, today};
use super::session::{CheckedForm, Editor, NoFields, Staff};
use super::{AppState, WebError};
use crate::app::{self, Actor, AppError};
use crate::db;
use crate::db::schools::{self as queries, PAGE_SIZE};
use crate::domain::board::BoardFilter;
use crate::domain::den::{DenStep, StatusKind, StepClaim};
use crate::domain::designee::{AccessContact, DesigneeFacts};
use crate::domain::school::{ActiveFilter, SchoolFilter};
use crate::domain::school::{SiiirCode, UnitStatus};
use crate::register::Snapshot;
use crate::views::layout::Chrome;
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
            .and_then(|s| UnitStatus::parse(&s))
            .map(|s| s.as_str().to_string());
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
        from_index(&snapshot, &filter.schools)
    };
    let view = SchoolListView {
        rows: &rows,
        total,
        page,
        pages,
        filter: &filter,
        localities: snapshot.schools.localities(),
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
            unit_status: UnitStatus::Pj.as_str().into(),
            locality: row.school.locality.clone(),
            area: row.school.area.clone(),
            active: true,
            den: Some((row.status, row.school.designee.clone())),
        })
        .collect();
    (rows, total, page, pages)
}

/// Every other filter applies to all units, held in the snapshot.
fn from_index(snapshot: &Snapshot, filter: &SchoolFilter) -> ListPage {
    let found = snapshot.schools.search(filter, PAGE_SIZE);
    let rows = found
        .rows
        .into_iter()
        .map(|s| SchoolListRow {
            code: s.code.clone(),
            name: s.name.clone(),
            unit_status: s.status.clone(),
            locality: s.locality.clone(),
            area: s.area.clone(),
            active: s.active,
            den: snapshot
                .board
                .get(&s.code)
                .map(|row| (row.status, row.school.designee.clone())),
        })
        .collect();
    (rows, found.total, found.page, found.pages)
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
    // The page's reads are independent: they run side by side on the pool.
    let (school, snapshot, audit, mails) = tokio::try_join!(
        async { Ok::<_, WebError>(queries::find(&state.db, code).await?) },
        async { Ok(snapshot(&state).await?) },
        super::history::of_record(&state, Some(code), None),
        async { Ok(db::outbox::for_school(&state.db, code, 50).await?) },
    )?;
    // Steps, cases and designees come with the snapshot (every change to them is audited,
    // which renews it); the audit trail and the mail are read for this page.
    let steps = snapshot.steps.get(code).map_or(&[][..], Vec::as_slice);
    let designees = snapshot.designees.history_of(code);
    let school = school.ok_or(WebError::NotFound)?;
    let parent = if school.record.unit_status() == Some(UnitStatus::Ar) {
        snapshot.schools.get(&school.record.pj_code)
    } else {
        None
    };
    let units = if school.record.is_pj() {
        snapshot.schools.units_of(code)
    } else {
        Vec::new()
    };
    // The board knows whether there is an extension; its reason is read only then.
    let extended = snapshot
        .board
        .get(code)
        .is_some_and(|row| row.school.extension.is_some());
    let extension = match &snapshot.campaign {
        Some(campaign) if extended => db::den::extension_of(&state.db, campaign.id, code).await?,
        _ => None,
    };
    let tz = state.config.timezone;
    // The same steps and cases serve the timeline, the list and the rules.
    let cases = snapshot.cases.of_school(&snapshot.schools, code);
    let procedure = crate::domain::den::SchoolProcedure::of(steps, &cases);
    let view = SchoolDetailView {
        school: &school,
        parent,
        units: &units,
        updated_at: crate::views::format_datetime(school.updated_at, tz),
        board: snapshot.board.get(code),
        campaign: snapshot.campaign.as_ref(),
        extension: extension.as_ref(),
        designees: &designees,
        steps,
        gaps: &procedure.gaps(),
        cazier: snapshot.designees.evidence_of(code),
        cases: &cases,
        history: &super::history::lines(&state, &snapshot, &audit).await?,
        mails: &mails,
        today: today(&state),
        timezone: tz,
    };
    Ok(render(
        &chrome,
        crate::views::schools::detail(&chrome, view),
    ))
}

#[derive(Deserialize)]
pub struct StepForm {
    step: String,
    on: String,
    #[serde(default)]
    case: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    access_email: String,
    #[serde(default)]
    access_phone: String,
}

/// The contact an access request declared, as typed in a form.
pub(super) fn parse_contact(email: &str, phone: &str) -> Result<AccessContact, AppError> {
    crate::domain::designee::check_contact(email, phone)
        .map_err(|p| AppError::invalid(p.field.key(), p.message))
}

pub async fn record_step(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, StepForm>,
) -> Result<Response, WebError> {
    let code = school_code(&code)?;
    let back = format!("/schools/{code}");
    let claim = match parse_claim(&form.step, &form.on, &form.case) {
        Ok(claim) => claim,
        Err(message) => return outcome(Err(message), &back),
    };
    let contact = match parse_contact(&form.access_email, &form.access_phone) {
        Ok(contact) => contact,
        Err(message) => return outcome(Err(message), &back),
    };
    let actor = Actor::Staff(staff.account.email.clone());
    let note = Some(form.note.as_str());
    let result =
        app::den::record_step(state.ctx(), &actor, &code, claim, note, Some(&contact)).await;
    outcome(
        result.map(|a| format!("Pas înregistrat: {}.", a.step.label())),
        &back,
    )
}

/// A step as typed in a form (staff page or director's link).
pub(super) fn parse_claim(step: &str, on: &str, case: &str) -> Result<StepClaim, AppError> {
    let step = DenStep::parse(step).ok_or_else(|| AppError::invalid("step", "alegeți pasul"))?;
    let on = crate::domain::dates::parse_text(on)
        .map_err(|e| AppError::invalid("on", format!("data pasului: {e}")))?;
    let case = match case.trim() {
        "" => None,
        id => Some(
            id.parse()
                .map_err(|_| AppError::invalid("case", "alegeți dosarul"))?,
        ),
    };
    Ok(StepClaim { step, on, case })
}

#[derive(Deserialize)]
pub struct DesigneeForm {
    full_name: String,
    function: String,
    /// Which function, when the list says "altă funcție".
    #[serde(default)]
    function_other: String,
    #[serde(default)]
    decision_number: String,
    #[serde(default)]
    decision_date: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

impl DesigneeForm {
    /// The chosen function; "altă funcție" carries the text typed beside it.
    fn function(&self) -> String {
        let other = self.function_other.trim();
        if self.function.trim() == crate::domain::designee::OTHER_FUNCTION {
            format!("{}: {other}", crate::domain::designee::OTHER_FUNCTION)
        } else {
            self.function.clone()
        }
    }

    /// The same form posted to a director's link (read as loose fields).
    pub(super) fn from_fields<'a>(field: &impl Fn(&str) -> &'a str) -> DesigneeForm {
        DesigneeForm {
            full_name: field("full_name").to_string(),
            function: field("function").to_string(),
            function_other: field("function_other").to_string(),
            decision_number: field("decision_number").to_string(),
            decision_date: field("decision_date").to_string(),
            email: field("email").to_string(),
            phone: field("phone").to_string(),
        }
    }

    /// The typed facts; only a decision date that is no date is refused here.
    pub(super) fn facts(&self) -> Result<DesigneeFacts, AppError> {
        let optional = |s: &str| super::cases::optional(s, 200);
        let decision_date = optional(&self.decision_date)
            .map(|d| crate::domain::dates::parse_text(&d))
            .transpose()
            .map_err(|e| AppError::invalid("decision_date", format!("data deciziei: {e}")))?;
        Ok(DesigneeFacts {
            full_name: self.full_name.chars().take(200).collect(),
            function: self.function().chars().take(150).collect(),
            decision_number: optional(&self.decision_number),
            decision_date,
            email: optional(&self.email),
            phone: optional(&self.phone),
        })
    }
}

pub async fn record_designee(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, DesigneeForm>,
) -> Result<Response, WebError> {
    let code = school_code(&code)?;
    let back = format!("/schools/{code}");
    let actor = Actor::Staff(staff.account.email.clone());
    let result = match form.facts() {
        Ok(typed) => app::designees::record(state.ctx(), &actor, &code, typed).await,
        Err(e) => Err(e),
    };
    let text = result.map(|done| {
        let mut text = match done.recorded {
            app::designees::Recorded::Unchanged => {
                "Datele persoanei desemnate sunt deja acestea; persoana este confirmată."
                    .to_string()
            }
            _ => format!("Persoana desemnată înregistrată: {}.", done.facts.full_name),
        };
        for warning in done.warnings {
            text.push_str(&format!(" Atenție: {}.", warning.message));
        }
        text
    });
    outcome(text, &back)
}

#[derive(Deserialize)]
pub struct ExtensionForm {
    until: String,
    reason: String,
}

pub async fn extend(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, ExtensionForm>,
) -> Result<Response, WebError> {
    let code = school_code(&code)?;
    let back = format!("/schools/{code}");
    let until = match crate::domain::dates::parse_text(&form.until) {
        Ok(until) => until,
        Err(e) => {
            return outcome(
                Err(AppError::invalid("until", format!("noul termen: {e}"))),
                &back,
            );
        }
    };
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::campaign::extend(state.ctx(), &actor, &code, until, &form.reason).await;
    outcome(
        result.map(|e| format!("Termen prelungit până la {}.", e.until.format("%d.%m.%Y"))),
        &back,
    )
}

/// The SIIIR code in a form's path, or 404.
fn school_code(code: &str) -> Result<String, WebError> {
    Ok(SiiirCode::from_exact(code)
        .ok_or(WebError::NotFound)?
        .as_str()
        .to_string())
}

#[derive(Deserialize)]
pub struct CazierForm {
    certificate_number: String,
    issued_on: String,
}

/// Records the current designee's criminal-record certificate (number and issue date).
pub async fn record_cazier(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, CazierForm>,
) -> Result<Response, WebError> {
    let code = school_code(&code)?;
    let back = format!("/schools/{code}");
    let issued_on = match crate::domain::dates::parse_text(&form.issued_on) {
        Ok(day) => day,
        Err(e) => {
            return outcome(
                Err(AppError::invalid(
                    "issued_on",
                    format!("data eliberării: {e}"),
                )),
                &back,
            );
        }
    };
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::designees::record_cazier(
        state.ctx(),
        &actor,
        &code,
        &form.certificate_number,
        issued_on,
    )
    .await;
    outcome(
        result.map(|c| {
            format!(
                "Cazier înregistrat, valabil până la {}.",
                c.valid_until.format("%d.%m.%Y")
            )
        }),
        &back,
    )
}

/// Withdraws a school's extension: the campaign's deadline applies again.
pub async fn withdraw_extension(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CheckedForm(Editor(staff), NoFields {}): CheckedForm<Editor, NoFields>,
) -> Result<Response, WebError> {
    let code = school_code(&code)?;
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::campaign::withdraw_extension(state.ctx(), &actor, &code).await;
    outcome(
        result.map(|()| "Prelungirea a fost retrasă; se aplică termenul campaniei.".to_string()),
        &format!("/schools/{code}"),
    )
}
