//! The case register's writes made by hand.

use super::{Actor, AppError, AppResult, Ctx, audit};
use crate::db;
use crate::domain::case_import::{CaseFacts, CaseKey, LinkFacts, PlannedCase};
use crate::domain::case_number::CaseNumber;
use crate::domain::cases::{CaseStatus, StoredCase};

/// Closes or reopens a case; a school whose cases are all closed is blocked again.
pub async fn set_status(
    ctx: Ctx<'_>,
    actor: &Actor,
    id: i32,
    status: CaseStatus,
    reason: &str,
) -> AppResult<StoredCase> {
    let reason: String = reason.trim().chars().take(500).collect();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "scrieți motivul (de exemplu hotărâre definitivă, renunțare, conexare)",
        ));
    }
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let (before, _) = db::cases::find(&txn, id, ctx.today())
        .await?
        .ok_or(AppError::NotFound("Dosarul"))?;
    db::cases::set_status(&txn, id, status, now).await?;
    let after = StoredCase {
        active: status == CaseStatus::Active,
        ..before.clone()
    };
    let action = match status {
        CaseStatus::Active => format!("redeschidere dosar: {reason}"),
        CaseStatus::Closed => format!("închidere dosar: {reason}"),
    };
    let key = id.to_string();
    audit(
        &txn,
        now,
        actor,
        &action,
        ("court_case", &key),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// A case typed in by hand: parsed at the door, checked here by the same rules as an import.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The court as chosen (portal code or name).
    pub court: String,
    /// The number however typed (`Dosar nr. 1234 / 97 / 2025`).
    pub number: String,
    pub facts: CaseFacts,
    /// SIIIR codes with the school's role in the case.
    pub schools: Vec<(String, Option<String>)>,
}

/// Adds a case by hand: same identity rule as the import, (court, normalised number); a
/// duplicate is refused naming the stored case. An attached unit's row goes to its PJ.
pub async fn create(ctx: Ctx<'_>, actor: &Actor, new: NewCase) -> AppResult<i32> {
    let court = crate::domain::courts::find(&new.court)
        .ok_or_else(|| AppError::invalid("court", "alegeți instanța din listă"))?;
    let parts = CaseNumber::parse(&new.number).map_err(|e| AppError::invalid("number", e))?;
    if new.schools.is_empty() {
        return Err(AppError::invalid("school", "adăugați cel puțin o unitate"));
    }
    let key = CaseKey {
        court: court.code.to_string(),
        number: parts.to_string(),
    };
    let now = ctx.now();
    let txn = ctx.begin().await?;
    if let Some(existing) = db::cases::find_by_key(&txn, &key).await? {
        return Err(AppError::Duplicate {
            message: format!("Dosarul {} de la {} există deja.", key.number, court.name),
            existing: format!("/cases/{}", existing.id),
        });
    }
    let mut schools = Vec::new();
    for (code, role) in &new.schools {
        let school = db::schools::find(&txn, code.trim()).await?.ok_or_else(|| {
            AppError::invalid("school", format!("unitatea cu codul {code} nu există"))
        })?;
        let pj = if school.record.is_pj() {
            school.record.code
        } else {
            school.record.pj_code
        };
        if !schools.iter().any(|(c, _)| c == &pj) {
            schools.push((pj, role.clone()));
        }
    }
    let planned = PlannedCase {
        key: key.clone(),
        parts,
        facts: new.facts.clone(),
        row: 0,
    };
    let id = db::cases::insert_case(&txn, &planned, "manual", now).await?;
    for (code, role) in &schools {
        let link = LinkFacts {
            role: role.clone(),
            ..LinkFacts::default()
        };
        db::cases::insert_link(&txn, id, code, &link, now).await?;
    }
    if let Some(on) = new.facts.next_hearing {
        super::hearings::ensure_on(&txn, id, on, now).await?;
    }
    let after = serde_json::json!({
        "instanta": key.court, "numar": key.number, "fapte": new.facts, "unitati": schools,
    });
    let entity = id.to_string();
    audit(
        &txn,
        now,
        actor,
        "dosar adăugat",
        ("court_case", &entity),
        None::<&()>,
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Changes a case's own facts (category, stage, object); the hearings have their own forms.
pub async fn edit(ctx: Ctx<'_>, actor: &Actor, id: i32, facts: CaseFacts) -> AppResult<StoredCase> {
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let (before, _) = db::cases::find(&txn, id, ctx.today())
        .await?
        .ok_or(AppError::NotFound("Dosarul"))?;
    let merged = CaseFacts {
        next_hearing: before.facts.next_hearing,
        ..facts
    };
    db::cases::update_facts(&txn, id, &merged, now).await?;
    let after = StoredCase {
        facts: merged,
        ..before.clone()
    };
    let entity = id.to_string();
    audit(
        &txn,
        now,
        actor,
        "dosar modificat",
        ("court_case", &entity),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The court refused electronic access in one (case, school): the date (not before the
/// request, not in the future) and the reason.
pub async fn refuse_access(
    ctx: Ctx<'_>,
    actor: &Actor,
    case_id: i32,
    school: &str,
    on: chrono::NaiveDate,
    reason: &str,
) -> AppResult<()> {
    let reason: String = reason.trim().chars().take(500).collect();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "scrieți motivul respingerii"));
    }
    if on > ctx.today() {
        return Err(AppError::invalid("on", "data nu poate fi în viitor"));
    }
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let (_, link) = db::cases::find_link(&txn, case_id, school)
        .await?
        .ok_or(AppError::NotFound("Unitatea în dosar"))?;
    let requested = link
        .access_requested_on
        .ok_or(crate::domain::den::StepRefusal::NoRequest)?;
    if on < requested {
        return Err(AppError::invalid(
            "on",
            "respingerea nu poate fi înaintea cererii",
        ));
    }
    db::cases::set_access_refused(&txn, case_id, school, on, &reason, now).await?;
    let after = serde_json::json!({"unitate": school, "respins": on, "motiv": reason});
    let entity = case_id.to_string();
    audit(
        &txn,
        now,
        actor,
        "acces electronic respins",
        ("court_case", &entity),
        None::<&()>,
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
