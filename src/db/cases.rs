//! Court cases and the schools in them: the write side of the case import and the queries
//! behind the case pages.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use super::DbResult;
use super::entities::{case_school, court_case, hearing, school};
use crate::domain::case_import::{CaseFacts, CaseKey, LinkFacts, PlannedCase};
use crate::domain::cases::{CaseLink, CaseStatus, Hearing, StoredCase};
use crate::domain::den::CaseAccess;

pub const PAGE_SIZE: u64 = 50;

/// The columns a stored case is made of, in `CaseRow` order (whole-table reads take only
/// these, not the bookkeeping ones).
const CASE_COLUMNS: [court_case::Column; 10] = [
    court_case::Column::Id,
    court_case::Column::Court,
    court_case::Column::Number,
    court_case::Column::Year,
    court_case::Column::Category,
    court_case::Column::Stage,
    court_case::Column::Object,
    court_case::Column::NextHearing,
    court_case::Column::Status,
    court_case::Column::Source,
];

type CaseRow = (
    i32,
    String,
    String,
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    String,
    String,
);

fn case_from(row: CaseRow) -> StoredCase {
    let (id, court, number, year, category, stage, object, next_hearing, status, source) = row;
    StoredCase {
        id,
        court,
        number,
        year,
        facts: CaseFacts {
            category,
            stage,
            object,
            next_hearing,
        },
        active: CaseStatus::parse(&status) == CaseStatus::Active,
        source,
    }
}

fn stored_case(m: court_case::Model) -> StoredCase {
    case_from((
        m.id,
        m.court,
        m.number,
        m.year,
        m.category,
        m.stage,
        m.object,
        m.next_hearing,
        m.status,
        m.source,
    ))
}

/// The columns of a link, in `LinkRow` order: ids, school, then the facts.
const LINK_COLUMNS: [case_school::Column; 12] = [
    case_school::Column::Id,
    case_school::Column::CaseId,
    case_school::Column::SchoolCode,
    case_school::Column::Role,
    case_school::Column::OpposingParty,
    case_school::Column::AccessRequestedOn,
    case_school::Column::AccessApprovedOn,
    case_school::Column::Notes,
    case_school::Column::AccessEmail,
    case_school::Column::AccessPhone,
    case_school::Column::AccessRefusedOn,
    case_school::Column::AccessRefusalReason,
];

type LinkRow = (
    i32,
    i32,
    String,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
);

/// A link row as (id, case id, school code, facts).
fn link_from(row: LinkRow) -> (i32, i32, String, LinkFacts) {
    let (id, case_id, school, role, opposing_party, requested, approved, notes, email, phone) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9,
    );
    let (refused_on, refusal_reason) = (row.10, row.11);
    let facts = LinkFacts {
        role,
        opposing_party,
        access_requested_on: requested,
        access_approved_on: approved,
        notes,
        access_email: email,
        access_phone: phone,
        access_refused_on: refused_on,
        access_refusal_reason: refusal_reason,
    };
    (id, case_id, school, facts)
}

fn link_facts(m: &case_school::Model) -> LinkFacts {
    link_from((
        m.id,
        m.case_id,
        m.school_code.clone(),
        m.role.clone(),
        m.opposing_party.clone(),
        m.access_requested_on,
        m.access_approved_on,
        m.notes.clone(),
        m.access_email.clone(),
        m.access_phone.clone(),
        m.access_refused_on,
        m.access_refusal_reason.clone(),
    ))
    .3
}

/// The stored case with this identity, if any.
pub async fn find_by_key<C: ConnectionTrait>(
    db: &C,
    key: &CaseKey,
) -> DbResult<Option<StoredCase>> {
    Ok(court_case::Entity::find()
        .filter(court_case::Column::Court.eq(key.court.as_str()))
        .filter(court_case::Column::Number.eq(key.number.as_str()))
        .one(db)
        .await?
        .map(stored_case))
}

/// Stores a new active case; returns its id.
pub async fn insert_case<C: ConnectionTrait>(
    db: &C,
    case: &PlannedCase,
    source: &str,
    now: DateTime<Utc>,
) -> DbResult<i32> {
    let parts = &case.parts;
    let model = court_case::ActiveModel {
        court: Set(case.key.court.clone()),
        number: Set(case.key.number.clone()),
        sequence: Set(parts.sequence as i32),
        court_number: Set(parts.court_code as i32),
        year: Set(i32::from(parts.year)),
        stars: Set(i32::from(parts.stars)),
        suffix: Set(parts.suffix.clone()),
        category: Set(case.facts.category.clone()),
        stage: Set(case.facts.stage.clone()),
        object: Set(case.facts.object.clone()),
        next_hearing: Set(case.facts.next_hearing),
        status: Set(CaseStatus::Active.as_str().into()),
        source: Set(source.into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(court_case::Entity::insert(model)
        .exec(db)
        .await?
        .last_insert_id)
}

/// Replaces a case's facts (category, stage, object, next hearing).
pub async fn update_facts<C: ConnectionTrait>(
    db: &C,
    id: i32,
    facts: &CaseFacts,
    now: DateTime<Utc>,
) -> DbResult<()> {
    court_case::Entity::update_many()
        .col_expr(
            court_case::Column::Category,
            Expr::value(facts.category.clone()),
        )
        .col_expr(court_case::Column::Stage, Expr::value(facts.stage.clone()))
        .col_expr(
            court_case::Column::Object,
            Expr::value(facts.object.clone()),
        )
        .col_expr(
            court_case::Column::NextHearing,
            Expr::value(facts.next_hearing),
        )
        .col_expr(court_case::Column::UpdatedAt, Expr::value(now))
        .filter(court_case::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The link of a school to a case: its id and facts.
pub async fn find_link<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    school: &str,
) -> DbResult<Option<(i32, LinkFacts)>> {
    Ok(case_school::Entity::find()
        .filter(case_school::Column::CaseId.eq(case_id))
        .filter(case_school::Column::SchoolCode.eq(school))
        .one(db)
        .await?
        .map(|m| (m.id, link_facts(&m))))
}

pub async fn insert_link<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    school: &str,
    facts: &LinkFacts,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let model = case_school::ActiveModel {
        case_id: Set(case_id),
        school_code: Set(school.to_string()),
        role: Set(facts.role.clone()),
        opposing_party: Set(facts.opposing_party.clone()),
        access_requested_on: Set(facts.access_requested_on),
        access_approved_on: Set(facts.access_approved_on),
        access_email: Set(facts.access_email.clone()),
        access_phone: Set(facts.access_phone.clone()),
        access_refused_on: Set(facts.access_refused_on),
        access_refusal_reason: Set(facts.access_refusal_reason.clone()),
        notes: Set(facts.notes.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    case_school::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn update_link<C: ConnectionTrait>(
    db: &C,
    id: i32,
    facts: &LinkFacts,
    now: DateTime<Utc>,
) -> DbResult<()> {
    case_school::Entity::update_many()
        .col_expr(case_school::Column::Role, Expr::value(facts.role.clone()))
        .col_expr(
            case_school::Column::OpposingParty,
            Expr::value(facts.opposing_party.clone()),
        )
        .col_expr(
            case_school::Column::AccessRequestedOn,
            Expr::value(facts.access_requested_on),
        )
        .col_expr(
            case_school::Column::AccessApprovedOn,
            Expr::value(facts.access_approved_on),
        )
        .col_expr(case_school::Column::Notes, Expr::value(facts.notes.clone()))
        .col_expr(
            case_school::Column::AccessEmail,
            Expr::value(facts.access_email.clone()),
        )
        .col_expr(
            case_school::Column::AccessPhone,
            Expr::value(facts.access_phone.clone()),
        )
        .col_expr(
            case_school::Column::AccessRefusedOn,
            Expr::value(facts.access_refused_on),
        )
        .col_expr(
            case_school::Column::AccessRefusalReason,
            Expr::value(facts.access_refusal_reason.clone()),
        )
        .col_expr(case_school::Column::UpdatedAt, Expr::value(now))
        .filter(case_school::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

// ---- reading ----

/// The next hearing of each case, derived from its hearings as of `today`.
async fn with_next_hearings<C: ConnectionTrait>(
    db: &C,
    cases: &mut [StoredCase],
    today: NaiveDate,
) -> DbResult<()> {
    let ids: Vec<i32> = cases.iter().map(|c| c.id).collect();
    let next = super::hearings::next_of(db, &ids, today).await?;
    for case in cases {
        case.facts.next_hearing = next.get(&case.id).copied();
    }
    Ok(())
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i32,
    today: NaiveDate,
) -> DbResult<Option<(StoredCase, Vec<CaseLink>)>> {
    let Some(mut case) = super::by_key(db, court_case::Entity::find_by_id(id))
        .await?
        .map(stored_case)
    else {
        return Ok(None);
    };
    with_next_hearings(db, std::slice::from_mut(&mut case), today).await?;
    let links = links_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok(Some((case, links)))
}

/// One case as its page reads it: the case and the last portal check (its links come with
/// the register snapshot).
pub async fn for_page<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> DbResult<Option<(StoredCase, Option<crate::domain::portal::PortalCheck>)>> {
    let model = super::by_key(db, court_case::Entity::find_by_id(id)).await?;
    Ok(model.map(|model| {
        let check = portal_check_of(&model);
        (stored_case(model), check)
    }))
}

/// The links of these cases with school names, grouped by case.
async fn links_of<C: ConnectionTrait>(
    db: &C,
    case_ids: &[i32],
) -> DbResult<HashMap<i32, Vec<CaseLink>>> {
    // Past a thousand cases, reading every link and every name (side by side) beats two
    // thousand-value IN lists.
    let many = case_ids.len() > 1000;
    let (mut rows, names) = if many {
        let (mut rows, names) = tokio::try_join!(
            super::bulk::columns(db, case_school::Entity::find(), &LINK_COLUMNS),
            all_school_names(db)
        )?;
        let wanted: std::collections::HashSet<i32> = case_ids.iter().copied().collect();
        rows.retain(|r: &LinkRow| wanted.contains(&r.1));
        (rows, names)
    } else {
        let query = case_school::Entity::find()
            .filter(case_school::Column::CaseId.is_in(case_ids.iter().copied()));
        let rows: Vec<LinkRow> = super::bulk::columns(db, query, &LINK_COLUMNS).await?;
        let mut codes: Vec<String> = rows.iter().map(|r| r.2.clone()).collect();
        codes.sort_unstable();
        codes.dedup();
        let names = school_names(db, &codes).await?;
        (rows, names)
    };
    rows.sort_unstable_by_key(|r| r.0);
    let mut grouped: HashMap<i32, Vec<CaseLink>> = HashMap::new();
    for row in rows {
        let (_, case_id, school_code, facts) = link_from(row);
        let school_name = names
            .get(&school_code)
            .cloned()
            .unwrap_or_else(|| school_code.clone());
        grouped.entry(case_id).or_default().push(CaseLink {
            case_id,
            facts,
            school_code,
            school_name,
        });
    }
    Ok(grouped)
}

/// The name of every unit (long, else short, else the code).
async fn all_school_names<C: ConnectionTrait>(db: &C) -> DbResult<HashMap<String, String>> {
    use school::Column;
    let columns = [Column::Code, Column::LongName, Column::ShortName];
    let rows: Vec<(String, Option<String>, Option<String>)> =
        super::bulk::columns(db, school::Entity::find(), &columns).await?;
    Ok(rows
        .into_iter()
        .map(|(code, long, short)| (long.or(short).unwrap_or_else(|| code.clone()), code))
        .map(|(name, code)| (code, name))
        .collect())
}

/// The names of these units (long, else short, else the code).
pub(super) async fn school_names<C: ConnectionTrait>(
    db: &C,
    codes: &[String],
) -> DbResult<HashMap<String, String>> {
    if codes.len() > 1000 {
        return all_school_names(db).await;
    }
    let mut names = HashMap::new();
    for chunk in codes.chunks(500) {
        let rows: Vec<(String, Option<String>, Option<String>)> = school::Entity::find()
            .select_only()
            .column(school::Column::Code)
            .column(school::Column::LongName)
            .column(school::Column::ShortName)
            .filter(school::Column::Code.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(rows.into_iter().map(|(code, long, short)| {
            let name = long.or(short).unwrap_or_else(|| code.clone());
            (code, name)
        }));
    }
    Ok(names)
}

/// A school's cases with its own role and access data in each.
pub async fn of_school<C: ConnectionTrait>(
    db: &C,
    school: &str,
    today: NaiveDate,
) -> DbResult<Vec<(StoredCase, LinkFacts)>> {
    let links = case_school::Entity::find()
        .filter(case_school::Column::SchoolCode.eq(school))
        .all(db)
        .await?;
    let ids: Vec<i32> = links.iter().map(|l| l.case_id).collect();
    let found = court_case::Entity::find()
        .filter(court_case::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let mut by_id: HashMap<i32, court_case::Model> = found.into_iter().map(|c| (c.id, c)).collect();
    let mut cases: Vec<(StoredCase, LinkFacts)> = links
        .iter()
        .filter_map(|link| {
            by_id
                .remove(&link.case_id)
                .map(|case| (stored_case(case), link_facts(link)))
        })
        .collect();
    let ids: Vec<i32> = cases.iter().map(|(c, _)| c.id).collect();
    let next = super::hearings::next_of(db, &ids, today).await?;
    for (case, _) in &mut cases {
        case.facts.next_hearing = next.get(&case.id).copied();
    }
    crate::domain::register::school_case_order(&mut cases);
    Ok(cases)
}

/// Hearings of active cases between `from` and `to` (inclusive), soonest first.
pub async fn hearings_between<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
    limit: u64,
) -> DbResult<Vec<Hearing>> {
    let found = super::hearings::between(db, from, to, limit).await?;
    with_cases(db, found).await
}

/// Removed hearings of active cases between `from` and `to` (the calendar cancels them).
pub async fn removed_hearings_between<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
) -> DbResult<Vec<Hearing>> {
    let found = super::hearings::removed_between(db, from, to).await?;
    with_cases(db, found.into_iter().map(|(h, _)| h).collect()).await
}

/// Hearings with their case's number, court and schools (active cases only).
async fn with_cases<C: ConnectionTrait>(
    db: &C,
    found: Vec<crate::domain::cases::HearingRecord>,
) -> DbResult<Vec<Hearing>> {
    let mut ids: Vec<i32> = found.iter().map(|h| h.case_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut cases: HashMap<i32, court_case::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = court_case::Entity::find()
            .filter(court_case::Column::Id.is_in(chunk.iter().copied()))
            .filter(court_case::Column::Status.eq(CaseStatus::Active.as_str()))
            .all(db)
            .await?;
        cases.extend(rows.into_iter().map(|c| (c.id, c)));
    }
    let links = links_of(db, &cases.keys().copied().collect::<Vec<_>>()).await?;
    Ok(found
        .into_iter()
        .filter_map(|h| {
            let case = cases.get(&h.case_id)?;
            let schools = links
                .get(&h.case_id)
                .map(|own| {
                    own.iter()
                        .map(|l| (l.school_code.clone(), l.school_name.clone()))
                        .collect()
                })
                .unwrap_or_default();
            Some(Hearing {
                hearing_id: h.id,
                on: h.facts.on,
                time: h.facts.time,
                stage: h.facts.stage.or_else(|| case.stage.clone()),
                case_id: case.id,
                number: case.number.clone(),
                court: case.court.clone(),
                schools,
            })
        })
        .collect())
}

/// Marks a case pending or closed.
pub async fn set_status<C: ConnectionTrait>(
    db: &C,
    id: i32,
    status: CaseStatus,
    now: DateTime<Utc>,
) -> DbResult<()> {
    court_case::Entity::update_many()
        .col_expr(court_case::Column::Status, Expr::value(status.as_str()))
        .col_expr(court_case::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            court_case::Column::ClosedAt,
            Expr::value((status == CaseStatus::Closed).then_some(now)),
        )
        .filter(court_case::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Takes a school out of a case (its history stays in the change log).
pub async fn delete_link<C: ConnectionTrait>(db: &C, case_id: i32, school: &str) -> DbResult<()> {
    case_school::Entity::delete_many()
        .filter(case_school::Column::CaseId.eq(case_id))
        .filter(case_school::Column::SchoolCode.eq(school))
        .exec(db)
        .await?;
    Ok(())
}

/// Every school's electronic access per case (for the board).
pub async fn access_of_all<C: ConnectionTrait>(db: &C) -> DbResult<Vec<(String, CaseAccess)>> {
    let links = async {
        use case_school::Column;
        let columns = [
            Column::SchoolCode,
            Column::CaseId,
            Column::AccessRequestedOn,
            Column::AccessApprovedOn,
            Column::AccessRefusedOn,
        ];
        type Row = (
            String,
            i32,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<NaiveDate>,
        );
        let rows: Vec<Row> =
            super::bulk::columns(db, case_school::Entity::find(), &columns).await?;
        Ok::<_, super::DbError>(rows)
    };
    let cases = async {
        use court_case::Column;
        let columns = [Column::Id, Column::Number, Column::Status];
        let rows: Vec<(i32, String, String)> =
            super::bulk::columns(db, court_case::Entity::find(), &columns).await?;
        Ok::<_, super::DbError>(rows)
    };
    let (links, cases) = tokio::try_join!(links, cases)?;
    let cases: HashMap<i32, (String, bool)> = cases
        .into_iter()
        .map(|(id, number, status)| {
            (
                id,
                (number, CaseStatus::parse(&status) == CaseStatus::Active),
            )
        })
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|(school, case_id, requested_on, approved_on, refused_on)| {
            let (number, active) = cases.get(&case_id)?;
            Some((
                school,
                CaseAccess {
                    case_id,
                    number: number.clone(),
                    active: *active,
                    requested_on,
                    approved_on,
                    refused_on,
                },
            ))
        })
        .collect())
}

/// Every case with its links (each with all its facts: the school page lists them without
/// reading them again) and its hearings (not the removed ones), for the register.
pub async fn register_sources<C: ConnectionTrait>(db: &C) -> DbResult<Vec<CaseSourceRow>> {
    use crate::domain::register::HearingEntry;
    let links = async {
        let mut rows: Vec<LinkRow> =
            super::bulk::columns(db, case_school::Entity::find(), &LINK_COLUMNS).await?;
        rows.sort_unstable_by_key(|r| r.0);
        let mut links: HashMap<i32, Vec<(String, LinkFacts)>> = HashMap::new();
        for row in rows {
            let (_, case_id, school, facts) = link_from(row);
            links.entry(case_id).or_default().push((school, facts));
        }
        Ok::<_, super::DbError>(links)
    };
    let hearings = async {
        use hearing::Column;
        let columns = [
            Column::Id,
            Column::CaseId,
            Column::OnDate,
            Column::Time,
            Column::Stage,
        ];
        let shown = hearing::Entity::find().filter(Column::RemovedAt.is_null());
        let rows: Vec<(i32, i32, NaiveDate, String, Option<String>)> =
            super::bulk::columns(db, shown, &columns).await?;
        let mut hearings: HashMap<i32, Vec<HearingEntry>> = HashMap::new();
        for (id, case_id, on, time, stage) in rows {
            hearings.entry(case_id).or_default().push(HearingEntry {
                id,
                on,
                time,
                stage,
            });
        }
        Ok::<_, super::DbError>(hearings)
    };
    let cases = super::bulk::columns(db, court_case::Entity::find(), &CASE_COLUMNS);
    let (mut links, mut hearings, cases): (_, _, Vec<CaseRow>) =
        tokio::try_join!(links, hearings, cases)?;
    Ok(cases
        .into_iter()
        .map(|row| {
            let case = case_from(row);
            let id = case.id;
            (
                case,
                links.remove(&id).unwrap_or_default(),
                hearings.remove(&id).unwrap_or_default(),
            )
        })
        .collect())
}

/// A case, its links and its hearings.
pub type CaseSourceRow = (
    StoredCase,
    Vec<(String, LinkFacts)>,
    Vec<crate::domain::register::HearingEntry>,
);

/// The last check a stored case row carries.
pub(super) fn portal_check_of(
    case: &court_case::Model,
) -> Option<crate::domain::portal::PortalCheck> {
    let state = case
        .portal_state
        .as_deref()
        .and_then(crate::domain::portal::CheckState::parse)?;
    Some(crate::domain::portal::PortalCheck {
        at: case.portal_checked_at?,
        state,
        note: case.portal_note.clone().unwrap_or_default(),
        misses: case.portal_misses,
    })
}
