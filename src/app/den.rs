//! Steps towards the D.E.N. account: the same rule from the staff page, the director's link
//! and the imports (`domain::den::SchoolProcedure::check`).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseTransaction;

use super::{Actor, AppResult, Ctx, audit, pj};
use crate::db;
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
    let txn = ctx.begin().await?;
    let school = pj(&txn, school).await?;
    let step = StepInput {
        claim,
        note,
        contact,
    };
    let accepted = apply_step(&txn, actor, &school, step, ctx.today(), now).await?;
    txn.commit().await?;
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
    txn: &DatabaseTransaction,
    actor: &Actor,
    school: &str,
    input: StepInput<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<AcceptedStep> {
    let procedure = db::den::procedure_of(txn, school).await?;
    let before = procedure.effective_step();
    let accepted = procedure.check(input.claim, today)?;
    if let Some(case) = accepted.case {
        db::cases::set_access_date(txn, case, school, accepted.step, accepted.on, now).await?;
        if let (DenStep::AccessRequested, Some(contact)) = (accepted.step, input.contact) {
            let (email, phone) = (contact.email.as_deref(), contact.phone.as_deref());
            db::cases::set_access_contact(txn, case, school, email, phone, now).await?;
        }
    }
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
    db::den::insert_step(txn, &new).await?;
    let after = serde_json::json!({
        "pas": accepted.step.as_str(), "data": accepted.on, "dosar": accepted.case, "nota": note,
    });
    let before = serde_json::json!({"pas": before.as_str()});
    audit(
        txn,
        now,
        actor,
        "pas D.E.N.",
        ("school", school),
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(accepted)
}

/// An import's step dates for one school, oldest step first: each is checked like any other
/// step; one already reached is skipped quietly (lists are re-imported), any other refusal
/// is returned with the step it concerns and nothing of it is written.
pub(super) async fn catch_up(
    txn: &DatabaseTransaction,
    actor: &Actor,
    school: &str,
    mut steps: Vec<(DenStep, NaiveDate)>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<Result<usize, (DenStep, StepRefusal)>> {
    steps.sort();
    let mut added = 0;
    for (step, on) in steps {
        let procedure = db::den::procedure_of(txn, school).await?;
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
        apply_step(txn, actor, school, input, today, now).await?;
        added += 1;
    }
    Ok(Ok(added))
}

/// A list that says "requested on …" for a school whose request is on record adds nothing.
fn already_reached(procedure: &crate::domain::den::SchoolProcedure, step: DenStep) -> bool {
    let has = |f: fn(&crate::domain::den::CaseAccess) -> bool| procedure.cases.iter().any(f);
    match step {
        DenStep::AccessRequested => has(|c| c.requested_on.is_some()),
        DenStep::AccessApproved => has(|c| c.approved_on.is_some() && c.requested_on.is_some()),
        _ => procedure.effective_step() >= step,
    }
}
