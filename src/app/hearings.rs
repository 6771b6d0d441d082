//! Hearings: added by hand (or from a list), outcomes recorded on the same hearing later.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::DatabaseTransaction;

use super::{Actor, AppError, AppResult, Ctx, audit};
use crate::db;
use crate::domain::cases::{HearingFacts, HearingRecord, HearingSource};

/// Adds a hearing to a case, or completes the stored one with the same date, time and panel
/// (an outcome filled in later lands on the same hearing; nothing stated erases anything).
pub async fn record(
    ctx: Ctx<'_>,
    actor: &Actor,
    case_id: i32,
    facts: HearingFacts,
    source: HearingSource,
) -> AppResult<HearingRecord> {
    check(&facts)?;
    let now = ctx.now();
    let txn = ctx.begin().await?;
    if db::cases::find(&txn, case_id, ctx.today()).await?.is_none() {
        return Err(AppError::NotFound("Dosarul"));
    }
    let stored = db::hearings::find_same(&txn, case_id, &facts).await?;
    let (id, before, after) = match stored {
        Some(stored) => {
            let merged = stored.facts.overlaid_by(&facts);
            db::hearings::update(&txn, stored.id, &merged, now).await?;
            (stored.id, Some(stored.facts), merged)
        }
        None => {
            let id = db::hearings::insert(&txn, case_id, &facts, source, now).await?;
            (id, None, facts)
        }
    };
    let action = if before.is_some() {
        "termen de judecată completat"
    } else {
        "termen de judecată adăugat"
    };
    let key = case_id.to_string();
    audit(
        &txn,
        now,
        actor,
        action,
        ("court_case", &key),
        before.as_ref(),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    db::hearings::find(ctx.db, id)
        .await?
        .ok_or(AppError::NotFound("Termenul"))
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

/// A list's hearing date for a case: added unless the case already has a hearing that day
/// (a hearing entered by hand with its time and panel stays as it is).
pub(super) async fn ensure_on(
    txn: &DatabaseTransaction,
    case_id: i32,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let known = db::hearings::of_case(txn, case_id).await?;
    if known.iter().any(|h| h.facts.on == on) {
        return Ok(false);
    }
    let facts = HearingFacts {
        on,
        ..Default::default()
    };
    db::hearings::insert(txn, case_id, &facts, HearingSource::Import, now).await?;
    Ok(true)
}
