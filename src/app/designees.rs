//! The school's designee: recorded by staff from the internal decision, by the director
//! through a link, or from the legal department's list; confirmed by the first two.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

use super::{Actor, AppError, AppResult, Ctx, audit, pj};
use crate::db;
use crate::domain::designee::{self, DesigneeFacts, FieldProblem};
use crate::domain::reminders::DESIGNEE_ITEMS;

/// What recording did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Inserted,
    Replaced,
    /// Same data as the current designee (confirmed again when the actor confirms).
    Unchanged,
}

/// The outcome and the warnings the rules raised (personal address, landline…).
#[derive(Debug, Clone)]
pub struct DesigneeOutcome {
    pub recorded: Recorded,
    pub facts: DesigneeFacts,
    pub warnings: Vec<FieldProblem>,
}

/// Staff and directors confirm what they record; an import only reports what a list says.
fn confirms(actor: &Actor) -> Option<&'static str> {
    match actor {
        Actor::Staff(_) | Actor::CommandLine => Some("staff"),
        Actor::DirectorLink => Some("link"),
        Actor::Import(_) | Actor::System(_) => None,
    }
}

/// Records a PJ's designee after the one rule for every door (`domain::designee::check`).
pub async fn record(
    ctx: Ctx<'_>,
    actor: &Actor,
    school: &str,
    typed: DesigneeFacts,
) -> AppResult<DesigneeOutcome> {
    let (facts, mut warnings) = designee::check(typed).map_err(problems)?;
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let school = pj(&txn, school).await?;
    let recorded = write(&txn, actor, &school, &facts, now, true).await?;
    warnings.extend(shared_contact(&txn, &school, &facts).await?);
    txn.commit().await?;
    Ok(DesigneeOutcome {
        recorded,
        facts,
        warnings,
    })
}

/// A warning when another school's current designee has the same e-mail **and** phone: the
/// notice allows one address for several accounts only with different phones.
pub(super) async fn shared_contact(
    txn: &DatabaseTransaction,
    school: &str,
    facts: &DesigneeFacts,
) -> AppResult<Option<FieldProblem>> {
    let (Some(email), Some(phone)) = (&facts.email, &facts.phone) else {
        return Ok(None);
    };
    let others = db::designees::sharing_contact(txn, school, email, phone).await?;
    Ok((!others.is_empty()).then(|| FieldProblem {
        field: designee::DesigneeField::Phone,
        value: phone.clone(),
        message: format!(
            "același e-mail și același telefon sunt trecute și la unitatea {}; o adresă poate servi mai multe conturi D.E.N. doar cu telefoane diferite",
            others.join(", ")
        ),
    }))
}

/// The field problems as one validation error (first field named).
pub fn problems(errors: Vec<FieldProblem>) -> AppError {
    let field = errors.first().map_or("designee", |p| p.field.key());
    let message = errors
        .into_iter()
        .map(|p| p.message)
        .collect::<Vec<_>>()
        .join("; ");
    AppError::invalid(field, message)
}

/// Writes checked facts in the caller's transaction: unchanged data changes nothing (but a
/// confirming actor confirms it), other data closes the current row and opens a new one.
/// `write` false only tells what would happen (dry-run imports).
pub(super) async fn write(
    txn: &DatabaseTransaction,
    actor: &Actor,
    school: &str,
    facts: &DesigneeFacts,
    now: DateTime<Utc>,
    write: bool,
) -> AppResult<Recorded> {
    let before = db::designees::current(txn, school).await?;
    let confirmed_by = confirms(actor);
    if let Some(current) = before.as_ref().filter(|b| &b.facts == facts) {
        if let (true, Some(by), None) = (write, confirmed_by, current.confirmed_at) {
            db::designees::mark_confirmed(txn, current.id, by, now).await?;
            let after =
                serde_json::json!({"confirmat_de": by, "persoana": current.facts.full_name});
            audit(
                txn,
                now,
                actor,
                "confirmare persoană desemnată",
                ("school", school),
                None::<&()>,
                Some(&after),
            )
            .await?;
        }
        return Ok(Recorded::Unchanged);
    }
    let recorded = if before.is_some() {
        Recorded::Replaced
    } else {
        Recorded::Inserted
    };
    if !write {
        return Ok(recorded);
    }
    let new = db::designees::NewDesignee {
        school,
        facts,
        confirmed_by,
        recorded_by: &actor.name(),
        now,
    };
    db::designees::replace_current(txn, &new, before.as_ref().map(|b| b.id)).await?;
    // Queued mail went to the old person or asked to confirm the old data.
    db::outbox::cancel_queued(txn, Some(&[school.to_string()]), DESIGNEE_ITEMS).await?;
    let action = match actor {
        Actor::DirectorLink => "persoană desemnată (link)",
        Actor::Import(_) => "import persoană desemnată",
        _ => "persoană desemnată",
    };
    audit(
        txn,
        now,
        actor,
        action,
        ("school", school),
        before.as_ref().map(|b| &b.facts),
        Some(facts),
    )
    .await?;
    Ok(recorded)
}

/// Records the criminal-record certificate of a PJ's current designee (number and issue
/// date; valid six months). Never a CNP, never the document.
pub async fn record_cazier(
    ctx: Ctx<'_>,
    actor: &Actor,
    school: &str,
    number: &str,
    issued_on: chrono::NaiveDate,
) -> AppResult<designee::CazierEvidence> {
    let evidence = designee::check_cazier(number, issued_on, ctx.today())
        .map_err(|m| AppError::invalid("certificate_number", m))?;
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let school = pj(&txn, school).await?;
    let current = db::designees::current(&txn, &school)
        .await?
        .ok_or_else(|| AppError::invalid("designee", "unitatea nu are o persoană desemnată"))?;
    db::designees::save_evidence(&txn, current.id, &evidence, &actor.name(), now).await?;
    audit(
        &txn,
        now,
        actor,
        "cazier judiciar",
        ("school", &school),
        None::<&()>,
        Some(&evidence),
    )
    .await?;
    txn.commit().await?;
    Ok(evidence)
}
