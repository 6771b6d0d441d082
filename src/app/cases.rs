//! The case register's writes made by hand, and the pieces every door shares: adding a case
//! with its schools, and writing one school's link to a case with the change it makes.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Actor, AppError, AppResult, Ctx, Tx};
use crate::db;
use crate::domain::case_import::{CaseFacts, CaseKey, LinkFacts, PlannedCase};
use crate::domain::case_number::CaseNumber;
use crate::domain::cases::{CaseStatus, StoredCase};
use crate::domain::change::{CaseRef, Change};
use crate::domain::den::DenStep;

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
    let mut tx = ctx.begin().await?;
    let before = stored(&tx, id).await?;
    db::cases::set_status(tx.db(), id, status, now).await?;
    let case = CaseRef::of(&before);
    tx.record(match status {
        CaseStatus::Active => Change::CaseReopened { case, reason },
        CaseStatus::Closed => Change::CaseClosed { case, reason },
    });
    ctx.commit(tx, actor).await?;
    Ok(StoredCase {
        active: status == CaseStatus::Active,
        ..before
    })
}

async fn stored(tx: &Tx, id: i32) -> AppResult<StoredCase> {
    let (case, _) = db::cases::for_page(tx.db(), id)
        .await?
        .ok_or(AppError::NotFound("Dosarul"))?;
    Ok(case)
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
    let mut tx = ctx.begin().await?;
    if let Some(existing) = db::cases::find_by_key(tx.db(), &key).await? {
        return Err(AppError::Duplicate {
            message: format!("Dosarul {} de la {} există deja.", key.number, court.name),
            existing: format!("/cases/{}", existing.id),
        });
    }
    let mut links: Vec<(String, LinkFacts)> = Vec::new();
    for (code, role) in &new.schools {
        let pj = pj_of(&tx, code).await?;
        if !links.iter().any(|(c, _)| c == &pj) {
            links.push((pj, role_facts(role.as_deref())));
        }
    }
    let planned = PlannedCase {
        key,
        parts,
        facts: new.facts.clone(),
        row: 0,
    };
    let case = add_case(&mut tx, &planned, "manual", links, now).await?;
    if let Some(on) = new.facts.next_hearing {
        super::hearings::ensure_on(&mut tx, &case, on, now).await?;
    }
    ctx.commit(tx, actor).await?;
    Ok(case.id)
}

/// The PJ an obligation of this unit is recorded at (an attached unit's goes to its PJ).
async fn pj_of(tx: &Tx, code: &str) -> AppResult<String> {
    let school = db::schools::find(tx.db(), code.trim())
        .await?
        .ok_or_else(|| {
            AppError::invalid("school", format!("unitatea cu codul {code} nu există"))
        })?;
    Ok(if school.record.is_pj() {
        school.record.code
    } else {
        school.record.pj_code
    })
}

fn role_facts(role: Option<&str>) -> LinkFacts {
    LinkFacts {
        role: role
            .map(|r| r.trim().chars().take(100).collect::<String>())
            .filter(|r| !r.is_empty()),
        ..LinkFacts::default()
    }
}

/// Stores a new active case with its schools, in the caller's transaction.
pub(super) async fn add_case(
    tx: &mut Tx,
    planned: &PlannedCase,
    source: &str,
    links: Vec<(String, LinkFacts)>,
    now: DateTime<Utc>,
) -> AppResult<StoredCase> {
    let id = db::cases::insert_case(tx.db(), planned, source, now).await?;
    for (code, facts) in &links {
        db::cases::insert_link(tx.db(), id, code, facts, now).await?;
    }
    let case = StoredCase {
        id,
        court: planned.key.court.clone(),
        number: planned.key.number.clone(),
        year: i32::from(planned.parts.year),
        facts: CaseFacts {
            next_hearing: None,
            ..planned.facts.clone()
        },
        active: true,
        source: source.to_string(),
    };
    tx.record(Change::CaseAdded {
        case: case.clone(),
        schools: links,
    });
    Ok(case)
}

/// Changes a case's own facts (category, stage, object); the hearings have their own forms.
pub async fn edit(ctx: Ctx<'_>, actor: &Actor, id: i32, facts: CaseFacts) -> AppResult<StoredCase> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let before = stored(&tx, id).await?;
    let facts = CaseFacts {
        next_hearing: before.facts.next_hearing,
        ..facts
    };
    let after = save_facts(&mut tx, &before, facts, now).await?;
    ctx.commit(tx, actor).await?;
    Ok(after)
}

/// Replaces a stored case's facts in the caller's transaction; records the change when what
/// people see of the case (category, stage, object) changed.
pub(super) async fn save_facts(
    tx: &mut Tx,
    before: &StoredCase,
    facts: CaseFacts,
    now: DateTime<Utc>,
) -> AppResult<StoredCase> {
    if facts == before.facts {
        return Ok(before.clone());
    }
    db::cases::update_facts(tx.db(), before.id, &facts, now).await?;
    let seen = |f: &CaseFacts| (f.category.clone(), f.stage.clone(), f.object.clone());
    if seen(&facts) != seen(&before.facts) {
        tx.record(Change::CaseEdited {
            case: CaseRef::of(before),
            before: before.facts.clone(),
            after: facts.clone(),
        });
    }
    Ok(StoredCase {
        facts,
        ..before.clone()
    })
}

/// What a change to one school's link in a case is, for the change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkEvent {
    /// Its role, notes or contacts (a list's data, or the case page).
    Edited,
    Requested,
    Approved,
    Refused,
}

/// Writes one school's link to a case (new when `before` is none) and records the change.
pub(super) async fn save_link(
    tx: &mut Tx,
    case: &CaseRef,
    school: &str,
    before: Option<(i32, LinkFacts)>,
    after: LinkFacts,
    event: LinkEvent,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let before = match before {
        Some((id, before)) => {
            if before == after {
                return Ok(());
            }
            db::cases::update_link(tx.db(), id, &after, now).await?;
            before
        }
        None => {
            db::cases::insert_link(tx.db(), case.id, school, &after, now).await?;
            tx.record(Change::CaseSchoolAdded {
                case: case.clone(),
                school: school.to_string(),
                facts: after,
            });
            return Ok(());
        }
    };
    let (case, school) = (case.clone(), school.to_string());
    tx.record(match event {
        LinkEvent::Edited => Change::CaseSchoolChanged {
            case,
            school,
            before,
            after,
        },
        LinkEvent::Requested => Change::AccessRequested {
            case,
            school,
            before,
            after,
        },
        LinkEvent::Approved => Change::AccessApproved {
            case,
            school,
            before,
            after,
        },
        LinkEvent::Refused => Change::AccessRefused {
            case,
            school,
            before,
            after,
        },
    });
    Ok(())
}

/// A link's facts once an access step is recorded on it: a new request replaces a refused
/// one (its refusal stays in the history), and carries the contact it declared.
pub(super) fn with_access(
    link: &LinkFacts,
    step: DenStep,
    on: NaiveDate,
    contact: Option<(Option<String>, Option<String>)>,
) -> LinkFacts {
    let mut after = link.clone();
    match step {
        DenStep::AccessRequested => {
            after.access_requested_on = Some(on);
            after.access_approved_on = None;
            after.access_refused_on = None;
            after.access_refusal_reason = None;
            if let Some((email, phone)) = contact {
                after.access_email = email;
                after.access_phone = phone;
            }
        }
        DenStep::AccessApproved => after.access_approved_on = Some(on),
        _ => {}
    }
    after
}

/// Changes one school's link to a case by `change` (which may refuse) and records it.
async fn change_link(
    ctx: Ctx<'_>,
    actor: &Actor,
    (case_id, school): (i32, &str),
    event: LinkEvent,
    change: impl FnOnce(&LinkFacts) -> AppResult<LinkFacts>,
) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let case = CaseRef::of(&stored(&tx, case_id).await?);
    let (id, link) = db::cases::find_link(tx.db(), case_id, school)
        .await?
        .ok_or(AppError::NotFound("Unitatea în dosar"))?;
    let after = change(&link)?;
    save_link(&mut tx, &case, school, Some((id, link)), after, event, now).await?;
    ctx.commit(tx, actor).await?;
    Ok(())
}

/// The court refused electronic access in one (case, school): the date (not before the
/// request, not in the future) and the reason. A new request may follow.
pub async fn refuse_access(
    ctx: Ctx<'_>,
    actor: &Actor,
    case_id: i32,
    school: &str,
    on: NaiveDate,
    reason: &str,
) -> AppResult<()> {
    let reason: String = reason.trim().chars().take(500).collect();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "scrieți motivul respingerii"));
    }
    if on > ctx.today() {
        return Err(AppError::invalid("on", "data nu poate fi în viitor"));
    }
    let refuse = |link: &LinkFacts| {
        let requested = link
            .access_requested_on
            .ok_or(crate::domain::den::StepRefusal::NoRequest)?;
        let refusal = if link.access_refused_on.is_some() {
            Some(
                "cererea de acces este deja respinsă; o cerere nouă se înregistrează ca pas D.E.N.",
            )
        } else if link.access_approved_on.is_some() {
            Some("accesul în acest dosar este deja aprobat")
        } else if on < requested {
            Some("respingerea nu poate fi înaintea cererii")
        } else {
            None
        };
        if let Some(message) = refusal {
            return Err(AppError::invalid("on", message));
        }
        Ok(LinkFacts {
            access_refused_on: Some(on),
            access_refusal_reason: Some(reason),
            ..link.clone()
        })
    };
    change_link(ctx, actor, (case_id, school), LinkEvent::Refused, refuse).await
}

/// Adds a school (or the PJ of an attached unit) to a case with its role.
pub async fn add_school(
    ctx: Ctx<'_>,
    actor: &Actor,
    case_id: i32,
    school: &str,
    role: Option<&str>,
) -> AppResult<String> {
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let case = stored(&tx, case_id).await?;
    let pj = pj_of(&tx, school).await?;
    if db::cases::find_link(tx.db(), case_id, &pj).await?.is_some() {
        return Err(AppError::invalid(
            "school",
            format!("unitatea {pj} este deja în dosar"),
        ));
    }
    let facts = role_facts(role);
    let case = CaseRef::of(&case);
    save_link(&mut tx, &case, &pj, None, facts, LinkEvent::Edited, now).await?;
    ctx.commit(tx, actor).await?;
    Ok(pj)
}

/// Changes a school's role in a case.
pub async fn change_role(
    ctx: Ctx<'_>,
    actor: &Actor,
    case_id: i32,
    school: &str,
    role: Option<&str>,
) -> AppResult<()> {
    let role = role_facts(role).role;
    let change = |link: &LinkFacts| {
        Ok(LinkFacts {
            role,
            ..link.clone()
        })
    };
    change_link(ctx, actor, (case_id, school), LinkEvent::Edited, change).await
}

/// Takes a school out of a case. A link that carries D.E.N. steps goes only when `confirmed`
/// (the refusal names them); its history stays in the change log.
pub async fn remove_school(
    ctx: Ctx<'_>,
    actor: &Actor,
    case_id: i32,
    school: &str,
    confirmed: bool,
) -> AppResult<()> {
    let mut tx = ctx.begin().await?;
    let case = stored(&tx, case_id).await?;
    let (_, link) = db::cases::find_link(tx.db(), case_id, school)
        .await?
        .ok_or(AppError::NotFound("Unitatea în dosar"))?;
    let steps = link.recorded_steps();
    if !steps.is_empty() && !confirmed {
        return Err(AppError::Conflict(format!(
            "Unitatea are în acest dosar {}. Confirmați scoaterea: pașii rămân în istoric, dar nu mai contează pentru contul D.E.N.",
            steps.join(", ")
        )));
    }
    let links = db::cases::find(tx.db(), case_id, NaiveDate::default())
        .await?
        .map_or(0, |(_, links)| links.len());
    if links <= 1 {
        return Err(AppError::invalid(
            "school",
            "dosarul trebuie să rămână cu cel puțin o unitate; închideți dosarul dacă nu mai privește nicio unitate",
        ));
    }
    db::cases::delete_link(tx.db(), case_id, school).await?;
    tx.record(Change::CaseSchoolRemoved {
        case: CaseRef::of(&case),
        school: school.to_string(),
        facts: link,
    });
    ctx.commit(tx, actor).await?;
    Ok(())
}
