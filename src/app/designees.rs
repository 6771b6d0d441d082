//! The school's designee: recorded by staff from the internal decision, by the director
//! through a link, or from the legal department's list; confirmed by the first two.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

use super::{Actor, AppError, AppResult, Ctx, Tx, pj};
use crate::db;
use crate::domain::change::Change;
use crate::domain::designee::{self, DesigneeFacts, FieldProblem, StoredDesignee};
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
    let mut tx = ctx.begin().await?;
    let school = pj(tx.db(), school).await?;
    let recorded = write(&mut tx, actor, &school, &facts, now, true).await?;
    warnings.extend(shared_contact(tx.db(), &school, &facts).await?);
    ctx.commit(tx, actor).await?;
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
    tx: &mut Tx,
    actor: &Actor,
    school: &str,
    facts: &DesigneeFacts,
    now: DateTime<Utc>,
    write: bool,
) -> AppResult<Recorded> {
    let before = db::designees::current(tx.db(), school).await?;
    let confirmed_by = confirms(actor);
    if let Some(current) = before.as_ref().filter(|b| &b.facts == facts) {
        if let (true, Some(by), None) = (write, confirmed_by, current.confirmed_at) {
            db::designees::mark_confirmed(tx.db(), current.id, by, now).await?;
            tx.record(Change::DesigneeConfirmed {
                school: school.to_string(),
                designee: StoredDesignee {
                    confirmed_at: Some(now),
                    confirmed_by: Some(by.to_string()),
                    ..current.clone()
                },
            });
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
    let id = db::designees::replace_current(tx.db(), &new, before.as_ref().map(|b| b.id)).await?;
    // Queued mail went to the old person or asked to confirm the old data.
    db::outbox::cancel_queued(tx.db(), Some(&[school.to_string()]), DESIGNEE_ITEMS).await?;
    tx.record(Change::DesigneeNamed {
        school: school.to_string(),
        before,
        after: StoredDesignee {
            id,
            school_code: school.to_string(),
            facts: facts.clone(),
            valid_from: now,
            valid_to: None,
            confirmed_at: confirmed_by.map(|_| now),
            confirmed_by: confirmed_by.map(str::to_string),
            recorded_by: actor.name(),
            anonymised_at: None,
        },
    });
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
    let mut tx = ctx.begin().await?;
    let school = pj(tx.db(), school).await?;
    let current = db::designees::current(tx.db(), &school)
        .await?
        .ok_or_else(|| AppError::invalid("designee", "unitatea nu are o persoană desemnată"))?;
    db::designees::save_evidence(tx.db(), current.id, &evidence, &actor.name(), now).await?;
    tx.record(Change::EvidenceRecorded {
        school,
        designee_id: current.id,
        evidence: evidence.clone(),
    });
    ctx.commit(tx, actor).await?;
    Ok(evidence)
}
