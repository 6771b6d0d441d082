//! The courts' portal: the sync of the active cases (hearings, outcomes, stage), discovery of
//! the schools' cases the register does not hold, and the legal department's choices about
//! both. The portal is an actor like any other: each change is recorded in its name.

use std::time::Duration;

use chrono::{Datelike, Timelike};
use sea_orm::ConnectionTrait;

use super::{Actor, AppError, AppResult, Ctx};
use crate::config::PortalConfig;
use crate::db;
use crate::domain::calendar::is_working_day;
use crate::domain::case_import::{CaseKey, LinkFacts, PlannedCase};
use crate::domain::case_number::CaseNumber;
use crate::domain::cases::{HearingSource, StoredCase};
use crate::domain::change::{CaseRef, Change};
use crate::domain::courts::{self, Court};
use crate::domain::portal::{
    self, CaseUpdate, ChangeLine, CheckState, ErrorLine, HearingChange, MAX_NEW_HEARINGS,
    NOT_FOUND_FLAG_AFTER, PortalCase, PortalCheck, PortalSettings, RunRecord, Suggestion,
    SuggestionStatus, SyncSummary,
};
use crate::portal::{CaseQuery, Client, PortalError};

/// The portal as the audit trail names it.
pub const PORTAL: Actor = Actor::System("portal.just.ro");

/// The local time the daily sync starts at, on working days.
pub const SYNC_AT: (u32, u32) = (6, 30);

#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only the case with this number.
    pub case: Option<String>,
    /// Ask and report, write nothing.
    pub dry_run: bool,
}

/// The client and its pace, as one value.
pub struct Portal<'a> {
    pub client: &'a Client,
    pub config: &'a PortalConfig,
}

impl Portal<'_> {
    /// One question, retried with growing waits while the failure may pass.
    async fn ask(&self, query: &CaseQuery) -> Result<Vec<PortalCase>, PortalError> {
        let mut attempt = 0;
        loop {
            match self.client.search(query).await {
                Err(e) if e.is_transient() && attempt < self.config.retries => {
                    let wait = self.config.pace_ms.max(200) << (attempt + 1).min(6);
                    tracing::info!(attempt, error = %e, "portal answer failed; trying again");
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                    attempt += 1;
                }
                answer => return answer,
            }
        }
    }

    async fn pause(&self) {
        tokio::time::sleep(Duration::from_millis(self.config.pace_ms)).await;
    }
}

/// Asks the portal about every active case at a court it covers (or the one named), one after
/// the other, and brings the register up to date. A failed case is left as it was.
pub async fn sync(
    ctx: Ctx<'_>,
    portal: &Portal<'_>,
    options: &SyncOptions,
) -> AppResult<SyncSummary> {
    let cases = cases_to_check(ctx, options.case.as_deref()).await?;
    let mut summary = SyncSummary::default();
    let started_at = ctx.now();
    if !options.dry_run {
        let run = RunRecord {
            started_at,
            finished_at: None,
            summary: SyncSummary::default(),
        };
        db::settings::set_portal_last_run(ctx.db, &run, started_at).await?;
    }
    for (i, case) in cases.iter().enumerate() {
        if i > 0 {
            portal.pause().await;
        }
        let query = CaseQuery {
            number: Some(case.number.clone()),
            court: Some(case.court.clone()),
            ..CaseQuery::default()
        };
        summary.checked += 1;
        match portal.ask(&query).await {
            Ok(answer) => match portal::find_in(&answer, &case.court, &case.number) {
                Some(found) => found_case(ctx, case, found, options.dry_run, &mut summary).await?,
                None => missing_case(ctx, case, options.dry_run, &mut summary).await?,
            },
            Err(error) => failed_case(ctx, case, &error, options.dry_run, &mut summary).await?,
        }
    }
    if !options.dry_run {
        let run = RunRecord {
            started_at,
            finished_at: Some(ctx.now()),
            summary: SyncSummary {
                changes: summary.changes.iter().take(50).cloned().collect(),
                errors: summary.errors.iter().take(50).cloned().collect(),
                ..summary.clone()
            },
        };
        db::settings::set_portal_last_run(ctx.db, &run, ctx.now()).await?;
    }
    Ok(summary)
}

/// The active cases the portal can be asked about; with a number, that case or why not.
async fn cases_to_check(ctx: Ctx<'_>, number: Option<&str>) -> AppResult<Vec<StoredCase>> {
    let number = number
        .map(|n| CaseNumber::parse(n).map(|p| p.to_string()))
        .transpose()
        .map_err(|e| AppError::invalid("case", e))?;
    let ids = db::portal::active_case_ids(ctx.db, number.as_deref()).await?;
    let mut cases = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some((case, _)) = db::cases::find(ctx.db, id, ctx.today()).await? {
            cases.push(case);
        }
    }
    let all = cases.len();
    cases.retain(|c| portal::covered(&c.court));
    if number.is_some() && cases.is_empty() {
        return Err(if all == 0 {
            AppError::NotFound("Dosarul activ cu acest număr")
        } else {
            AppError::invalid(
                "case",
                "instanța acestui dosar nu este în serviciul portal.just.ro",
            )
        });
    }
    Ok(cases)
}

/// What the answer changes in the stored case, read in `db` (a transaction or not), and how
/// many of its new hearings were refused (past [`MAX_NEW_HEARINGS`]).
async fn plan<C: ConnectionTrait>(
    db: &C,
    case: &StoredCase,
    found: &PortalCase,
) -> AppResult<(CaseUpdate, usize)> {
    let hearings = db::hearings::known_of_case(db, case.id).await?;
    Ok(portal::compare(case, &hearings, found).capped(MAX_NEW_HEARINGS))
}

async fn found_case(
    ctx: Ctx<'_>,
    case: &StoredCase,
    found: &PortalCase,
    dry_run: bool,
    summary: &mut SyncSummary,
) -> AppResult<()> {
    let (update, refused) = if dry_run {
        plan(ctx.db, case, found).await?
    } else {
        apply_found(ctx, case, found).await?
    };
    if refused > 0 {
        summary.errors.push(ErrorLine {
            case: case.number.clone(),
            error: format!(
                "portalul a trimis {} termene noi pentru un singur dosar; s-au păstrat primele {MAX_NEW_HEARINGS}, celelalte {refused} au fost refuzate",
                refused + MAX_NEW_HEARINGS
            ),
        });
    }
    if update.is_empty() {
        summary.unchanged += 1;
    } else {
        summary.changed += 1;
    }
    summary.new_hearings += update.new_hearings();
    summary.updated_hearings += update.updated_hearings();
    summary
        .changes
        .extend(update.lines().into_iter().map(|change| ChangeLine {
            case: case.number.clone(),
            court: case.court.clone(),
            change,
        }));
    Ok(())
}

/// Writes what the answer changes, each change recorded in the portal's name, in one
/// transaction.
async fn apply_found(
    ctx: Ctx<'_>,
    case: &StoredCase,
    found: &PortalCase,
) -> AppResult<(CaseUpdate, usize)> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let (update, refused) = plan(tx.db(), case, found).await?;
    let case_ref = CaseRef::of(case);
    if let Some((before, after)) = &update.facts {
        db::portal::set_case_facts(tx.db(), case.id, after, now).await?;
        tx.record(Change::CaseEdited {
            case: case_ref.clone(),
            before: before.clone(),
            after: after.clone(),
        });
    }
    for change in &update.hearings {
        match change {
            HearingChange::New(facts) => {
                let id = db::hearings::insert(tx.db(), case.id, facts, HearingSource::Portal, now)
                    .await?;
                db::hearings::keep_portal_key(tx.db(), id, &portal::hearing_key(facts)).await?;
                tx.record(Change::HearingAdded {
                    case: case_ref.clone(),
                    hearing: crate::domain::cases::HearingRecord {
                        id,
                        case_id: case.id,
                        facts: facts.clone(),
                        source: HearingSource::Portal,
                    },
                });
            }
            HearingChange::Updated { id, before, after } => {
                db::hearings::confirm(tx.db(), *id, after, HearingSource::Portal, now).await?;
                db::hearings::keep_portal_key(tx.db(), *id, &portal::hearing_key(after)).await?;
                tx.record(Change::HearingChanged {
                    case: case_ref.clone(),
                    id: *id,
                    before: before.clone(),
                    after: after.clone(),
                });
            }
        }
    }
    let check = PortalCheck {
        at: now,
        state: CheckState::Found,
        note: portal::found_note(found),
        misses: 0,
    };
    db::portal::record_check(tx.db(), case.id, &check).await?;
    ctx.commit(tx, &PORTAL).await?;
    Ok((update, refused))
}

/// The case is not in the answer: counted, flagged after a few runs, never closed.
async fn missing_case(
    ctx: Ctx<'_>,
    case: &StoredCase,
    dry_run: bool,
    summary: &mut SyncSummary,
) -> AppResult<()> {
    summary.not_found += 1;
    let misses = db::portal::check_of(ctx.db, case.id)
        .await?
        .map_or(0, |c| c.misses)
        + 1;
    let flag = (misses == NOT_FOUND_FLAG_AFTER).then(|| {
        format!("dosarul nu mai apare pe portal ({misses} verificări la rând); nu a fost închis")
    });
    if let Some(change) = &flag {
        summary.changes.push(ChangeLine {
            case: case.number.clone(),
            court: case.court.clone(),
            change: change.clone(),
        });
    }
    if dry_run {
        return Ok(());
    }
    let now = ctx.now();
    let check = PortalCheck {
        at: now,
        state: CheckState::NotFound,
        note: format!("Negăsit pe portal ({misses} verificări la rând)."),
        misses,
    };
    let mut tx = ctx.begin().await?;
    db::portal::record_check(tx.db(), case.id, &check).await?;
    if flag.is_some() {
        tx.record(Change::CaseMissingOnPortal {
            case: CaseRef::of(case),
            runs: misses,
        });
    }
    ctx.commit(tx, &PORTAL).await?;
    Ok(())
}

/// The question failed: nothing of the case changes; the failure is recorded and shown.
async fn failed_case(
    ctx: Ctx<'_>,
    case: &StoredCase,
    error: &PortalError,
    dry_run: bool,
    summary: &mut SyncSummary,
) -> AppResult<()> {
    tracing::warn!(case = %case.number, court = %case.court, error = %error, "portal check failed");
    summary.failed += 1;
    summary.errors.push(ErrorLine {
        case: case.number.clone(),
        error: error.to_string(),
    });
    if dry_run {
        return Ok(());
    }
    let misses = db::portal::check_of(ctx.db, case.id)
        .await?
        .map_or(0, |c| c.misses);
    let check = PortalCheck {
        at: ctx.now(),
        state: CheckState::Failed,
        note: format!("Eroare: {error}. Se reîncearcă la următoarea rulare."),
        misses,
    };
    Ok(db::portal::record_check(ctx.db, case.id, &check).await?)
}

/// Turns the daily sync on or off.
pub async fn set_enabled(ctx: Ctx<'_>, actor: &Actor, enabled: bool) -> AppResult<PortalSettings> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let before = db::settings::portal_settings(tx.db()).await?;
    let after = PortalSettings { enabled };
    db::settings::set_portal_settings(tx.db(), &after, &actor.name(), now).await?;
    let words = |on: bool| if on { "pornită" } else { "oprită" }.to_string();
    if before.enabled != enabled {
        tx.record(Change::SettingChanged {
            setting: "sincronizare zilnică cu portal.just.ro".into(),
            before: Some(words(before.enabled)),
            after: words(enabled),
        });
    }
    ctx.commit(tx, actor).await?;
    Ok(after)
}

/// What the heartbeat runs: the sync each working day from 06:30 local time, once, when the
/// legal department turned it on; discovery too on the first working day of the week.
pub async fn run_if_due(
    ctx: Ctx<'_>,
    portal: &Portal<'_>,
    county: &str,
) -> AppResult<Option<SyncSummary>> {
    let local = ctx.now().with_timezone(&ctx.timezone);
    let today = local.date_naive();
    if !db::settings::portal_settings(ctx.db).await?.enabled
        || !is_working_day(today)
        || (local.hour(), local.minute()) < SYNC_AT
    {
        return Ok(None);
    }
    let last = db::settings::portal_last_run(ctx.db).await?;
    if last.is_some_and(|run| {
        crate::domain::calendar::local_date(run.started_at, ctx.timezone) >= today
    }) {
        return Ok(None);
    }
    let summary = sync(ctx, portal, &SyncOptions::default()).await?;
    if first_working_day_of_week(today) {
        let courts = discovery_courts(county);
        let found = discover(ctx, portal, county, &courts, None).await?;
        tracing::info!(
            suggested = found.suggested,
            failed = found.failed,
            "portal discovery"
        );
    }
    Ok(Some(summary))
}

fn first_working_day_of_week(day: chrono::NaiveDate) -> bool {
    let monday = day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
    monday
        .iter_days()
        .take_while(|d| *d < day)
        .all(|d| !is_working_day(d))
}

/// The courts discovery asks for a county: its tribunal, its judecătorii and its court of
/// appeal where known (Hunedoara), else the county's tribunal.
pub fn discovery_courts(county: &str) -> Vec<&'static Court> {
    const HUNEDOARA: &[&str] = &[
        "TribunalulHUNEDOARA",
        "JudecatoriaDEVA",
        "JudecatoriaHUNEDOARA",
        "JudecatoriaPETROSANI",
        "JudecatoriaHATEG",
        "JudecatoriaORASTIE",
        "JudecatoriaBRAD",
        "CurteadeApelALBAIULIA",
    ];
    if county.trim().eq_ignore_ascii_case("HD") {
        return HUNEDOARA.iter().filter_map(|c| courts::find(c)).collect();
    }
    crate::domain::county::county_name(county)
        .and_then(|name| courts::find(&format!("Tribunalul {name}")))
        .into_iter()
        .collect()
}

/// What a discovery run found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DiscoverySummary {
    pub asked: usize,
    pub suggested: usize,
    pub failed: usize,
    pub errors: Vec<ErrorLine>,
}

/// The most cases one answer holds: an answer of exactly this many is cut short by the
/// service (silently) and must be narrowed.
pub const ANSWER_CAP: usize = 1000;

/// The first registration day a narrowed search starts from.
fn earliest_registration() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default()
}

/// Every case a search finds, narrowing by registration date while the service cuts answers
/// at [`ANSWER_CAP`]; windows that cannot be narrowed further (one day still full) are
/// returned apart, never taken as complete.
async fn search_all(
    portal: &Portal<'_>,
    query: CaseQuery,
    today: chrono::NaiveDate,
    asked: &mut usize,
) -> Result<(Vec<PortalCase>, Vec<(chrono::NaiveDate, chrono::NaiveDate)>), PortalError> {
    if *asked > 0 {
        portal.pause().await;
    }
    *asked += 1;
    let answer = portal.ask(&query).await?;
    if answer.len() < ANSWER_CAP {
        return Ok((answer, Vec::new()));
    }
    let (from, to) = query.registered.unwrap_or((earliest_registration(), today));
    if from >= to {
        return Ok((answer, vec![(from, to)]));
    }
    let middle = from + chrono::Duration::days((to - from).num_days() / 2);
    let halves = [(from, middle), (middle + chrono::Duration::days(1), to)];
    let mut found: Vec<PortalCase> = Vec::new();
    let mut uncovered = Vec::new();
    for window in halves {
        let narrower = CaseQuery {
            registered: Some(window),
            ..query.clone()
        };
        let (cases, left) = Box::pin(search_all(portal, narrower, today, asked)).await?;
        for case in cases {
            if !found
                .iter()
                .any(|f| f.court == case.court && f.number == case.number)
            {
                found.push(case);
            }
        }
        uncovered.extend(left);
    }
    Ok((found, uncovered))
}

/// Searches each PJ of the county by name at these courts, and the inspectorate itself (cases
/// where it is sued beside or instead of a school); cases the register does not hold become
/// suggestions (a dismissed one stays dismissed). Only the party's role is kept.
pub async fn discover(
    ctx: Ctx<'_>,
    portal: &Portal<'_>,
    county: &str,
    at: &[&Court],
    school: Option<&str>,
) -> AppResult<DiscoverySummary> {
    let schools = db::portal::county_pjs(ctx.db, county, school).await?;
    let mut parties: Vec<(String, Vec<String>)> = schools
        .into_iter()
        .map(|(code, long, short)| (code, [long, short].into_iter().flatten().collect()))
        .collect();
    if school.is_none() {
        // The inspectorate as a party: its suggestions name no school until one is chosen.
        let isj = crate::domain::county::inspectorate_name(county);
        parties.push((String::new(), vec![isj]));
    }
    let mut summary = DiscoverySummary::default();
    for (code, names) in &parties {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let Some(name) = names.first() else { continue };
        for court in at {
            let query = CaseQuery {
                party: Some(portal::party_query(name)),
                court: Some(court.code.to_string()),
                ..CaseQuery::default()
            };
            let who = if code.is_empty() {
                "ISJ"
            } else {
                code.as_str()
            };
            match search_all(portal, query, ctx.today(), &mut summary.asked).await {
                Ok((answer, uncovered)) => {
                    for found in &answer {
                        if let Some(s) = Suggestion::from_answer(found, code, &names, ctx.today()) {
                            summary.suggested += usize::from(remember(ctx, &s).await?);
                        }
                    }
                    for (from, to) in uncovered {
                        summary.failed += 1;
                        summary.errors.push(ErrorLine {
                            case: format!("{who} @ {} {from}–{to}", court.code),
                            error: format!(
                                "portalul a întors {ANSWER_CAP} de dosare (limita lui) chiar pentru o singură zi; această parte nu a putut fi restrânsă și nu e completă"
                            ),
                        });
                    }
                }
                Err(error) => {
                    summary.failed += 1;
                    summary.errors.push(ErrorLine {
                        case: format!("{who} @ {}", court.code),
                        error: error.to_string(),
                    });
                }
            }
        }
    }
    Ok(summary)
}

/// Keeps a suggestion unless the case is tracked or it was suggested before.
async fn remember(ctx: Ctx<'_>, suggestion: &Suggestion) -> AppResult<bool> {
    let key = CaseKey {
        court: suggestion.court.clone(),
        number: suggestion.number.clone(),
    };
    let tx = ctx.begin().await?;
    if db::cases::find_by_key(tx.db(), &key).await?.is_some()
        || db::portal::suggested(tx.db(), suggestion).await?
    {
        return Ok(false);
    }
    // A suggestion is the portal's finding, not a change of the register.
    db::portal::insert_suggestion(tx.db(), suggestion, ctx.now()).await?;
    ctx.commit(tx, &PORTAL).await?;
    Ok(true)
}

/// Accepting a suggestion creates the case, the school's link and the hearings the portal
/// listed (or links the school when the case was added meanwhile). Returns the case id.
pub async fn accept(ctx: Ctx<'_>, actor: &Actor, id: i32, school: Option<&str>) -> AppResult<i32> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let mut stored = open_suggestion(tx.db(), id).await?;
    if stored.suggestion.school_code.is_empty() {
        // The inspectorate's case: the legal department names the school it is about.
        let code = school
            .ok_or_else(|| AppError::invalid("school", "scrieți codul SIIIR al unității vizate"))?;
        stored.suggestion.school_code = super::pj(tx.db(), code).await?;
    }
    let s = &stored.suggestion;
    let parts = CaseNumber::parse(&s.number).map_err(|e| AppError::invalid("number", e))?;
    let key = CaseKey {
        court: s.court.clone(),
        number: parts.to_string(),
    };
    let link = LinkFacts {
        role: s.role.clone(),
        ..LinkFacts::default()
    };
    let case_id = match db::cases::find_by_key(tx.db(), &key).await? {
        Some(existing) => {
            let link_before = db::cases::find_link(tx.db(), existing.id, &s.school_code).await?;
            if link_before.is_none() {
                let case = CaseRef::of(&existing);
                let edited = super::cases::LinkEvent::Edited;
                super::cases::save_link(&mut tx, &case, &s.school_code, None, link, edited, now)
                    .await?;
            }
            existing.id
        }
        None => {
            let planned = PlannedCase {
                key,
                parts,
                facts: crate::domain::case_import::CaseFacts {
                    category: s.category.clone(),
                    stage: s.stage.clone(),
                    object: s.object.clone(),
                    next_hearing: None,
                },
                row: 0,
            };
            let links = vec![(s.school_code.clone(), link)];
            let case = super::cases::add_case(&mut tx, &planned, "portal", links, now).await?;
            let case_ref = CaseRef::of(&case);
            for hearing in &s.hearings {
                let source = HearingSource::Portal;
                let stored =
                    super::hearings::write(&mut tx, &case_ref, hearing.clone(), source, now)
                        .await?;
                let key = portal::hearing_key(hearing);
                db::hearings::keep_portal_key(tx.db(), stored.id, &key).await?;
            }
            case.id
        }
    };
    db::portal::decide(tx.db(), id, SuggestionStatus::Accepted, &actor.name(), now).await?;
    ctx.commit(tx, actor).await?;
    Ok(case_id)
}

/// Dismissing keeps the suggestion, so discovery does not bring it back.
pub async fn dismiss(ctx: Ctx<'_>, actor: &Actor, id: i32) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let stored = open_suggestion(tx.db(), id).await?;
    db::portal::decide(tx.db(), id, SuggestionStatus::Dismissed, &actor.name(), now).await?;
    tx.record(Change::SuggestionDismissed {
        court: stored.suggestion.court.clone(),
        number: stored.suggestion.number.clone(),
    });
    ctx.commit(tx, actor).await?;
    Ok(())
}

async fn open_suggestion(
    txn: &sea_orm::DatabaseTransaction,
    id: i32,
) -> AppResult<crate::domain::portal::StoredSuggestion> {
    let stored = db::portal::find_suggestion(txn, id)
        .await?
        .ok_or(AppError::NotFound("Sugestia"))?;
    if stored.status != SuggestionStatus::Open {
        return Err(AppError::Conflict("Sugestia a fost deja tratată.".into()));
    }
    Ok(stored)
}
