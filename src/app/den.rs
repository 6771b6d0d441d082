//! Steps towards the D.E.N. account: the same rule from the staff page, the director's link
//! and the imports (`domain::den::SchoolProcedure::check`).

use chrono::{DateTime, NaiveDate, Utc};

use super::cases::{LinkEvent, save_link, with_access};
use super::{Actor, AppError, AppResult, Ctx, Tx, pj};
use crate::db;
use crate::domain::change::{CaseRef, Change};
use crate::domain::den::{AcceptedStep, DenStep, StepClaim, StepRefusal};
use crate::domain::designee::AccessContact;

/// Records one step of a PJ after checking it against the school's procedure; an access
/// step also sets the date on the case it is about.
pub async fn record_step(
    ctx: Ctx<'_>,
    actor: &Actor,
    school: &str,
    claim: StepClaim,
    note: Option<&str>,
    contact: Option<&AccessContact>,
) -> AppResult<AcceptedStep> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let school = pj(tx.db(), school).await?;
    let step = StepInput {
        claim,
        note,
        contact,
    };
    let accepted = apply_step(&mut tx, actor, &school, step, ctx.today(), now).await?;
    ctx.commit(tx, actor).await?;
    Ok(accepted)
}

/// A step as a door states it: the claim, a note, and for an access request the contact it
/// declared.
pub(super) struct StepInput<'a> {
    pub claim: StepClaim,
    pub note: Option<&'a str>,
    pub contact: Option<&'a AccessContact>,
}

/// Checks and writes one step inside the caller's transaction (also used by links, imports).
pub(super) async fn apply_step(
    tx: &mut Tx,
    actor: &Actor,
    school: &str,
    input: StepInput<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<AcceptedStep> {
    let procedure = db::den::procedure_of(tx.db(), school).await?;
    let accepted = procedure.check(input.claim, today)?;
    let case = match accepted.case {
        Some(case_id) => {
            Some(set_access(tx, school, case_id, &accepted, input.contact, now).await?)
        }
        None => None,
    };
    let note: Option<String> = input
        .note
        .map(|n| n.trim().chars().take(1000).collect::<String>())
        .filter(|n| !n.is_empty());
    let new = db::den::NewStep {
        school,
        step: accepted.step,
        on: accepted.on,
        source: actor.step_source(),
        actor: &actor.name(),
        note: note.as_deref(),
        now,
    };
    let step = db::den::insert_step(tx.db(), &new).await?;
    tx.record(Change::StepRecorded {
        school: school.to_string(),
        step,
        case,
    });
    Ok(accepted)
}

/// Sets an access step's date (and a request's declared contact) on the case it is about.
async fn set_access(
    tx: &mut Tx,
    school: &str,
    case_id: i32,
    accepted: &AcceptedStep,
    contact: Option<&AccessContact>,
    now: DateTime<Utc>,
) -> AppResult<CaseRef> {
    let (case, _) = db::cases::for_page(tx.db(), case_id)
        .await?
        .ok_or(AppError::NotFound("Dosarul"))?;
    let case = CaseRef::of(&case);
    let (id, link) = db::cases::find_link(tx.db(), case_id, school)
        .await?
        .ok_or(AppError::NotFound("Unitatea în dosar"))?;
    let contact = contact.map(|c| (c.email.clone(), c.phone.clone()));
    let after = with_access(&link, accepted.step, accepted.on, contact);
    let event = match accepted.step {
        DenStep::AccessRequested => LinkEvent::Requested,
        _ => LinkEvent::Approved,
    };
    save_link(tx, &case, school, Some((id, link)), after, event, now).await?;
    Ok(case)
}

/// An import's step dates for one school, oldest step first: each is checked like any other
/// step; one already reached is skipped quietly (lists are re-imported), any other refusal
/// is returned with the step it concerns and nothing of it is written.
pub(super) async fn catch_up(
    tx: &mut Tx,
    actor: &Actor,
    school: &str,
    mut steps: Vec<(DenStep, NaiveDate)>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<Result<usize, (DenStep, StepRefusal)>> {
    steps.sort();
    let mut added = 0;
    for (step, on) in steps {
        let procedure = db::den::procedure_of(tx.db(), school).await?;
        if already_reached(&procedure, step) {
            continue;
        }
        let claim = StepClaim {
            step,
            on,
            case: None,
        };
        if let Err(refusal) = procedure.check(claim, today) {
            return Ok(Err((step, refusal)));
        }
        let input = StepInput {
            claim,
            note: None,
            contact: None,
        };
        apply_step(tx, actor, school, input, today, now).await?;
        added += 1;
    }
    Ok(Ok(added))
}

/// A list that says "requested on …" for a school whose request is on record adds nothing.
fn already_reached(procedure: &crate::domain::den::SchoolProcedure, step: DenStep) -> bool {
    let has = |f: fn(&crate::domain::den::CaseAccess) -> bool| procedure.cases.iter().any(f);
    match step {
        DenStep::AccessRequested => has(|c| c.requested()),
        DenStep::AccessApproved => has(|c| c.approved().is_some()),
        _ => procedure.effective_step() >= step,
    }
}
