//! Hearings: added by hand (or from a list), outcomes recorded on the same hearing later,
//! corrected or deleted when they were typed wrong. A hearing that came from portal.just.ro is
//! never deleted: it is corrected, or marked wrong, and the next sync does not bring it back.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::{Actor, AppError, AppResult, Ctx, Tx};
use crate::db;
use crate::domain::cases::{HearingFacts, HearingRecord, HearingSource, StoredCase};
use crate::domain::change::{CaseRef, Change};

/// Adds a hearing to a case, or completes the stored one with the same date, time and panel
/// (an outcome filled in later lands on the same hearing; nothing stated erases anything).
/// A hearing deleted earlier and typed in again by hand is shown again.
pub async fn record(
    ctx: Ctx<'_>,
    actor: &Actor,
    case_id: i32,
    facts: HearingFacts,
    source: HearingSource,
) -> AppResult<HearingRecord> {
    check(&facts)?;
    let mut tx = ctx.begin().await?;
    let case = case_ref(&tx, case_id).await?;
    let hearing = write(&mut tx, &case, facts, source, ctx.now()).await?;
    ctx.commit(tx, actor).await?;
    Ok(hearing)
}

/// Writes one hearing in the caller's transaction (see [`record`]); returns it as stored (a
/// hearing removed earlier that a list or the portal names again stays removed).
pub(super) async fn write(
    tx: &mut Tx,
    case: &CaseRef,
    facts: HearingFacts,
    source: HearingSource,
    now: DateTime<Utc>,
) -> AppResult<HearingRecord> {
    match db::hearings::find_same(tx.db(), case.id, &facts).await? {
        Some((stored, false)) => {
            let merged = stored.facts.overlaid_by(&facts);
            if merged != stored.facts {
                db::hearings::update(tx.db(), stored.id, &merged, now).await?;
                tx.record(Change::HearingChanged {
                    case: case.clone(),
                    id: stored.id,
                    before: stored.facts.clone(),
                    after: merged.clone(),
                });
            }
            Ok(HearingRecord {
                facts: merged,
                ..stored
            })
        }
        Some((stored, true)) if source == HearingSource::Manual => {
            let merged = stored.facts.overlaid_by(&facts);
            db::hearings::restore(tx.db(), stored.id, &merged, now).await?;
            let hearing = HearingRecord {
                facts: merged,
                ..stored
            };
            tx.record(Change::HearingAdded {
                case: case.clone(),
                hearing: hearing.clone(),
            });
            Ok(hearing)
        }
        Some((stored, true)) => Ok(stored),
        None => {
            let id = db::hearings::insert(tx.db(), case.id, &facts, source, now).await?;
            let hearing = HearingRecord {
                id,
                case_id: case.id,
                facts,
                source,
            };
            tx.record(Change::HearingAdded {
                case: case.clone(),
                hearing: hearing.clone(),
            });
            Ok(hearing)
        }
    }
}

/// Records an outcome on a stored hearing.
pub async fn record_outcome(
    ctx: Ctx<'_>,
    actor: &Actor,
    hearing_id: i32,
    outcome: HearingFacts,
) -> AppResult<HearingRecord> {
    let stored = db::hearings::find(ctx.db, hearing_id)
        .await?
        .ok_or(AppError::NotFound("Termenul"))?;
    if outcome.outcome.is_none() {
        return Err(AppError::invalid("outcome", "scrieți soluția"));
    }
    let facts = HearingFacts {
        on: stored.facts.on,
        time: stored.facts.time.clone(),
        panel: stored.facts.panel.clone(),
        ..outcome
    };
    record(ctx, actor, stored.case_id, facts, stored.source).await
}

/// Corrects a hearing typed wrong: its date, time, panel, stage or outcome become `facts`
/// (the calendar keeps its event, moved; reminders planned for the old day are withdrawn).
pub async fn correct(
    ctx: Ctx<'_>,
    actor: &Actor,
    hearing_id: i32,
    facts: HearingFacts,
) -> AppResult<HearingRecord> {
    check(&facts)?;
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let stored = db::hearings::find(tx.db(), hearing_id)
        .await?
        .ok_or(AppError::NotFound("Termenul"))?;
    if stored.facts == facts {
        return Ok(stored);
    }
    let identity = |f: &HearingFacts| (f.on, f.time.clone(), f.panel.clone());
    if identity(&stored.facts) != identity(&facts)
        && let Some((other, removed)) =
            db::hearings::find_same(tx.db(), stored.case_id, &facts).await?
        && other.id != stored.id
    {
        let message = if removed {
            "un termen la această dată, oră și complet a fost șters; adăugați-l din nou"
        } else {
            "dosarul are deja un termen la această dată, oră și complet"
        };
        return Err(AppError::invalid("on", message));
    }
    let case = case_ref(&tx, stored.case_id).await?;
    if stored.source == HearingSource::Portal {
        // The portal keeps reporting it under its own identity: remember that identity.
        let key = crate::domain::portal::hearing_key(&stored.facts);
        db::hearings::keep_portal_key(tx.db(), stored.id, &key).await?;
    }
    db::hearings::correct(tx.db(), stored.id, &facts, now).await?;
    withdraw_reminders(&tx, stored.case_id, stored.facts.on).await?;
    tx.record(Change::HearingChanged {
        case,
        id: stored.id,
        before: stored.facts.clone(),
        after: facts.clone(),
    });
    ctx.commit(tx, actor).await?;
    Ok(HearingRecord { facts, ..stored })
}

/// Deletes a hearing typed wrong, or marks wrong one that came from the portal: it leaves the
/// agenda, the reminders and the calendar (whose event is cancelled under the same UID).
pub async fn remove(
    ctx: Ctx<'_>,
    actor: &Actor,
    hearing_id: i32,
    reason: &str,
) -> AppResult<HearingRecord> {
    let reason: String = reason.trim().chars().take(500).collect();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "scrieți de ce se șterge termenul (de exemplu: introdus greșit)",
        ));
    }
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let stored = db::hearings::find(tx.db(), hearing_id)
        .await?
        .ok_or(AppError::NotFound("Termenul"))?;
    let case = case_ref(&tx, stored.case_id).await?;
    db::hearings::remove(tx.db(), stored.id, &actor.name(), &reason, now).await?;
    withdraw_reminders(&tx, stored.case_id, stored.facts.on).await?;
    tx.record(Change::HearingRemoved {
        case,
        hearing: stored.clone(),
        reason,
        wrong: stored.source == HearingSource::Portal,
    });
    ctx.commit(tx, actor).await?;
    Ok(stored)
}

/// Queued hearing reminders about this case on this day go back to the planner.
async fn withdraw_reminders(tx: &Tx, case_id: i32, on: NaiveDate) -> AppResult<()> {
    // Item keys are `hearing:{case}:{school}:{day}>{recipient}`.
    let like = format!("hearing:{case_id}:%:{on}>%");
    db::outbox::cancel_queued_items(tx.db(), &like).await?;
    Ok(())
}

/// The case a hearing belongs to, as changes name it.
pub(super) async fn case_ref(tx: &Tx, case_id: i32) -> AppResult<CaseRef> {
    let (case, _) = db::cases::for_page(tx.db(), case_id)
        .await?
        .ok_or(AppError::NotFound("Dosarul"))?;
    Ok(CaseRef::of(&case))
}

fn check(facts: &HearingFacts) -> AppResult<()> {
    if !(1990..=2100).contains(&facts.on.year()) {
        return Err(AppError::invalid(
            "on",
            "data termenului nu este plauzibilă",
        ));
    }
    if facts.pronounced_on.is_some_and(|p| p < facts.on) {
        return Err(AppError::invalid(
            "pronounced_on",
            "pronunțarea nu poate fi înaintea termenului",
        ));
    }
    Ok(())
}

/// A list's hearing date for a case: added unless the case already has (or had, and it was
/// removed) a hearing that day; a hearing entered by hand with its time and panel stays.
pub(super) async fn ensure_on(
    tx: &mut Tx,
    case: &StoredCase,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    if db::hearings::days_of_case(tx.db(), case.id)
        .await?
        .contains(&on)
    {
        return Ok(false);
    }
    let facts = HearingFacts {
        on,
        ..Default::default()
    };
    write(
        &mut *tx,
        &CaseRef::of(case),
        facts,
        HearingSource::Import,
        now,
    )
    .await?;
    Ok(true)
}
