//! Court cases and the schools in them: the write side of the case import and the queries
//! behind the case pages.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::audit::{self, AuditEntry};
use super::entities::{case_school, court_case, school};
use super::{DbError, DbResult};
use crate::domain::case_import::{CaseFacts, CaseKey, CasePlan, LinkFacts, PlannedCase};
use crate::domain::den::DenStep;

pub const PAGE_SIZE: u64 = 50;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredCase {
    pub id: i32,
    pub court: String,
    pub number: String,
    pub year: i32,
    pub facts: CaseFacts,
    pub active: bool,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseLink {
    pub case_id: i32,
    pub school_code: String,
    pub school_name: String,
    pub facts: LinkFacts,
}

fn stored_case(m: court_case::Model) -> StoredCase {
    StoredCase {
        id: m.id,
        court: m.court,
        number: m.number,
        year: m.year,
        facts: CaseFacts {
            category: m.category,
            stage: m.stage,
            object: m.object,
            next_hearing: m.next_hearing,
        },
        active: m.status == "active",
        source: m.source,
    }
}

fn link_facts(m: &case_school::Model) -> LinkFacts {
    LinkFacts {
        role: m.role.clone(),
        opposing_party: m.opposing_party.clone(),
        access_requested_on: m.access_requested_on,
        access_approved_on: m.access_approved_on,
        notes: m.notes.clone(),
    }
}

/// Stated values replace stored ones; what a list leaves empty keeps what is stored (it may
/// have been entered by hand).
fn overlay<T: Clone>(stored: &Option<T>, stated: &Option<T>) -> Option<T> {
    stated.clone().or_else(|| stored.clone())
}

fn overlay_case(stored: &CaseFacts, stated: &CaseFacts) -> CaseFacts {
    CaseFacts {
        category: overlay(&stored.category, &stated.category),
        stage: overlay(&stored.stage, &stated.stage),
        object: overlay(&stored.object, &stated.object),
        next_hearing: overlay(&stored.next_hearing, &stated.next_hearing),
    }
}

fn overlay_link(stored: &LinkFacts, stated: &LinkFacts) -> LinkFacts {
    LinkFacts {
        role: overlay(&stored.role, &stated.role),
        opposing_party: overlay(&stored.opposing_party, &stated.opposing_party),
        access_requested_on: overlay(&stored.access_requested_on, &stated.access_requested_on),
        access_approved_on: overlay(&stored.access_approved_on, &stated.access_approved_on),
        notes: overlay(&stored.notes, &stated.notes),
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Applies a validated list inside the caller's transaction; counts are per row (link). A
/// row is `updated` when its link or, for the first row naming a case, the case changed.
/// In a dry run nothing is written but the counts are the same.
pub async fn apply_plan<C: ConnectionTrait>(
    db: &C,
    plan: &CasePlan,
    now: DateTime<Utc>,
    write: bool,
) -> DbResult<LinkCounts> {
    let mut counts = LinkCounts::default();
    let mut case_ids: HashMap<CaseKey, Option<i32>> = HashMap::new();
    // Row that first named each changed case: the case change is counted there.
    let mut changed_at: std::collections::HashSet<u32> = std::collections::HashSet::new();
    for case in &plan.cases {
        let (id, changed) = upsert_case(db, case, now, write).await?;
        case_ids.insert(case.key.clone(), id);
        if changed {
            changed_at.insert(case.row);
        }
    }
    for link in &plan.links {
        let case_changed = changed_at.contains(&link.row);
        let stored = match case_ids.get(&link.case).copied().flatten() {
            Some(case_id) => find_link(db, case_id, &link.school_code).await?,
            None => None,
        };
        match stored {
            None => {
                counts.inserted += 1;
                if let (true, Some(case_id)) = (write, case_ids.get(&link.case).copied().flatten())
                {
                    insert_link(db, case_id, &link.school_code, &link.facts, now).await?;
                }
            }
            Some(model) => {
                let merged = overlay_link(&link_facts(&model), &link.facts);
                let link_changed = merged != link_facts(&model);
                if link_changed && write {
                    update_link(db, model.id, &merged, now).await?;
                }
                if link_changed || case_changed {
                    counts.updated += 1
                } else {
                    counts.unchanged += 1
                }
            }
        }
    }
    Ok(counts)
}

/// Returns the case id (none for a new case in a dry run) and whether anything changed.
async fn upsert_case<C: ConnectionTrait>(
    db: &C,
    case: &PlannedCase,
    now: DateTime<Utc>,
    write: bool,
) -> DbResult<(Option<i32>, bool)> {
    let found = court_case::Entity::find()
        .filter(court_case::Column::Court.eq(case.key.court.as_str()))
        .filter(court_case::Column::Number.eq(case.key.number.as_str()))
        .one(db)
        .await?;
    match found {
        Some(model) => {
            let stored = stored_case(model);
            let merged = overlay_case(&stored.facts, &case.facts);
            let changed = merged != stored.facts;
            if changed && write {
                court_case::Entity::update_many()
                    .col_expr(court_case::Column::Category, Expr::value(merged.category))
                    .col_expr(court_case::Column::Stage, Expr::value(merged.stage))
                    .col_expr(court_case::Column::Object, Expr::value(merged.object))
                    .col_expr(
                        court_case::Column::NextHearing,
                        Expr::value(merged.next_hearing),
                    )
                    .col_expr(court_case::Column::UpdatedAt, Expr::value(now))
                    .filter(court_case::Column::Id.eq(stored.id))
                    .exec(db)
                    .await?;
            }
            Ok((Some(stored.id), changed))
        }
        None if !write => Ok((None, true)),
        None => {
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
                status: Set("active".into()),
                source: Set("import".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            let id = court_case::Entity::insert(model)
                .exec(db)
                .await?
                .last_insert_id;
            Ok((Some(id), true))
        }
    }
}

async fn find_link<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    school: &str,
) -> DbResult<Option<case_school::Model>> {
    Ok(case_school::Entity::find()
        .filter(case_school::Column::CaseId.eq(case_id))
        .filter(case_school::Column::SchoolCode.eq(school))
        .one(db)
        .await?)
}

async fn insert_link<C: ConnectionTrait>(
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

async fn update_link<C: ConnectionTrait>(
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
        .col_expr(case_school::Column::UpdatedAt, Expr::value(now))
        .filter(case_school::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The D.E.N. steps the access dates of a plan imply, per school (earliest date per step).
pub fn implied_steps(plan: &CasePlan) -> HashMap<String, Vec<(DenStep, NaiveDate)>> {
    let mut steps: HashMap<String, HashMap<DenStep, NaiveDate>> = HashMap::new();
    for link in &plan.links {
        let dated = [
            (DenStep::AccessRequested, link.facts.access_requested_on),
            (DenStep::AccessApproved, link.facts.access_approved_on),
        ];
        for (step, on) in dated {
            if let Some(on) = on {
                let entry = steps
                    .entry(link.school_code.clone())
                    .or_default()
                    .entry(step)
                    .or_insert(on);
                *entry = (*entry).min(on);
            }
        }
    }
    steps
        .into_iter()
        .map(|(school, steps)| (school, steps.into_iter().collect()))
        .collect()
}

// ---- reading ----

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseFilter {
    pub court: Option<String>,
    pub stage: Option<String>,
    pub category: Option<String>,
    /// A SIIIR code of the school.
    pub school: Option<String>,
    pub hearing_from: Option<NaiveDate>,
    pub hearing_to: Option<NaiveDate>,
    pub include_closed: bool,
    pub page: u64,
}

#[derive(Debug, Clone)]
pub struct CasePage {
    pub cases: Vec<(StoredCase, Vec<CaseLink>)>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// The cases a filter selects, in list order (soonest hearing first).
async fn filtered<C: ConnectionTrait>(
    db: &C,
    filter: &CaseFilter,
) -> DbResult<sea_orm::Select<court_case::Entity>> {
    let mut query = court_case::Entity::find();
    if let Some(court) = &filter.court {
        query = query.filter(court_case::Column::Court.eq(court.as_str()));
    }
    if let Some(stage) = &filter.stage {
        query = query.filter(court_case::Column::Stage.eq(stage.as_str()));
    }
    if let Some(category) = &filter.category {
        query = query.filter(court_case::Column::Category.eq(category.as_str()));
    }
    if let Some(from) = filter.hearing_from {
        query = query.filter(court_case::Column::NextHearing.gte(from));
    }
    if let Some(to) = filter.hearing_to {
        query = query.filter(court_case::Column::NextHearing.lte(to));
    }
    if !filter.include_closed {
        query = query.filter(court_case::Column::Status.eq("active"));
    }
    if let Some(school) = &filter.school {
        let ids: Vec<i32> = case_school::Entity::find()
            .select_only()
            .column(case_school::Column::CaseId)
            .filter(case_school::Column::SchoolCode.eq(school.as_str()))
            .into_tuple()
            .all(db)
            .await?;
        query = query.filter(court_case::Column::Id.is_in(ids));
    }
    Ok(query
        .order_by_asc(court_case::Column::NextHearing)
        .order_by_desc(court_case::Column::Year)
        .order_by_asc(court_case::Column::Id))
}

/// Every case the filter selects, with its schools (for reports).
pub async fn all_matching<C: ConnectionTrait>(
    db: &C,
    filter: &CaseFilter,
) -> DbResult<Vec<(StoredCase, Vec<CaseLink>)>> {
    let cases: Vec<StoredCase> = filtered(db, filter)
        .await?
        .all(db)
        .await?
        .into_iter()
        .map(stored_case)
        .collect();
    let mut links = links_of(db, &cases.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    Ok(cases
        .into_iter()
        .map(|c| {
            let own = links.remove(&c.id).unwrap_or_default();
            (c, own)
        })
        .collect())
}

pub async fn search<C: ConnectionTrait>(db: &C, filter: &CaseFilter) -> DbResult<CasePage> {
    let paginator = filtered(db, filter).await?.paginate(db, PAGE_SIZE);
    let total = paginator.num_items().await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let cases: Vec<StoredCase> = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(stored_case)
        .collect();
    let mut links = links_of(db, &cases.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    let cases = cases.into_iter().map(|c| {
        let own = links.remove(&c.id).unwrap_or_default();
        (c, own)
    });
    Ok(CasePage {
        cases: cases.collect(),
        total,
        page,
        pages,
    })
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> DbResult<Option<(StoredCase, Vec<CaseLink>)>> {
    let Some(case) = court_case::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(stored_case)
    else {
        return Ok(None);
    };
    let links = links_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    Ok(Some((case, links)))
}

/// The links of these cases with school names, grouped by case.
async fn links_of<C: ConnectionTrait>(
    db: &C,
    case_ids: &[i32],
) -> DbResult<HashMap<i32, Vec<CaseLink>>> {
    // Past a thousand cases, one read of every link beats a thousand-value IN list.
    let many = case_ids.len() > 1000;
    let mut query = case_school::Entity::find().order_by_asc(case_school::Column::Id);
    if !many {
        query = query.filter(case_school::Column::CaseId.is_in(case_ids.iter().copied()));
    }
    let mut rows = query.all(db).await?;
    if many {
        let wanted: std::collections::HashSet<i32> = case_ids.iter().copied().collect();
        rows.retain(|r| wanted.contains(&r.case_id));
    }
    let mut codes: Vec<String> = rows.iter().map(|r| r.school_code.clone()).collect();
    codes.sort_unstable();
    codes.dedup();
    let names = school_names(db, &codes).await?;
    let mut grouped: HashMap<i32, Vec<CaseLink>> = HashMap::new();
    for row in rows {
        let school_name = names
            .get(&row.school_code)
            .cloned()
            .unwrap_or_else(|| row.school_code.clone());
        grouped.entry(row.case_id).or_default().push(CaseLink {
            case_id: row.case_id,
            facts: link_facts(&row),
            school_code: row.school_code,
            school_name,
        });
    }
    Ok(grouped)
}

async fn school_names<C: ConnectionTrait>(
    db: &C,
    codes: &[String],
) -> DbResult<HashMap<String, String>> {
    let mut names = HashMap::new();
    if codes.len() > 1000 {
        let rows: Vec<(String, Option<String>, Option<String>)> = school::Entity::find()
            .select_only()
            .columns([
                school::Column::Code,
                school::Column::LongName,
                school::Column::ShortName,
            ])
            .into_tuple()
            .all(db)
            .await?;
        return Ok(rows
            .into_iter()
            .map(|(code, long, short)| (long.or(short).unwrap_or_else(|| code.clone()), code))
            .map(|(n, c)| (c, n))
            .collect());
    }
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
    cases.sort_by(|a, b| {
        (
            !a.0.active,
            a.0.facts.next_hearing.is_none(),
            a.0.facts.next_hearing,
        )
            .cmp(&(
                !b.0.active,
                b.0.facts.next_hearing.is_none(),
                b.0.facts.next_hearing,
            ))
    });
    Ok(cases)
}

/// Number of active cases per school.
pub async fn active_case_counts<C: ConnectionTrait>(db: &C) -> DbResult<HashMap<String, u32>> {
    // An IN list of active case ids is several times faster on SQLite than the join.
    let sql = "SELECT school_code, COUNT(*) FROM case_school \
               WHERE case_id IN (SELECT id FROM court_case WHERE status = 'active') GROUP BY school_code";
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await?;
    let mut counts = HashMap::with_capacity(rows.len());
    for row in rows {
        let school: String = row.try_get_by_index(0)?;
        let count: i64 = row.try_get_by_index(1)?;
        counts.insert(school, u32::try_from(count).unwrap_or(u32::MAX));
    }
    Ok(counts)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hearing {
    pub on: NaiveDate,
    pub case_id: i32,
    pub number: String,
    pub court: String,
    pub schools: Vec<(String, String)>,
}

/// Active cases with a next hearing between `from` and `to` (inclusive), soonest first.
pub async fn hearings_between<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
    limit: u64,
) -> DbResult<Vec<Hearing>> {
    let cases = court_case::Entity::find()
        .filter(court_case::Column::Status.eq("active"))
        .filter(court_case::Column::NextHearing.between(from, to))
        .order_by_asc(court_case::Column::NextHearing)
        .order_by_asc(court_case::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut links = links_of(db, &cases.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    Ok(cases
        .into_iter()
        .filter_map(|c| {
            let schools = links
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(|l| (l.school_code, l.school_name))
                .collect();
            Some(Hearing {
                on: c.next_hearing?,
                case_id: c.id,
                number: c.number,
                court: c.court,
                schools,
            })
        })
        .collect())
}

/// Values present in stored cases, for the filter lists.
pub async fn distinct_values<C: ConnectionTrait>(
    db: &C,
    column: court_case::Column,
) -> DbResult<Vec<String>> {
    let values: Vec<Option<String>> = court_case::Entity::find()
        .select_only()
        .column(column)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut values: Vec<String> = values.into_iter().flatten().collect();
    values.sort();
    Ok(values)
}

/// Closes or reopens a case; a school whose cases are all closed is blocked again.
pub async fn set_active<C: ConnectionTrait>(
    db: &C,
    id: i32,
    active: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let (before, _) = find(db, id)
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("dosarul {id} nu există")))?;
    court_case::Entity::update_many()
        .col_expr(
            court_case::Column::Status,
            Expr::value(if active { "active" } else { "closed" }),
        )
        .col_expr(court_case::Column::UpdatedAt, Expr::value(now))
        .filter(court_case::Column::Id.eq(id))
        .exec(db)
        .await?;
    let after = StoredCase {
        active,
        ..before.clone()
    };
    let action = if active {
        "redeschidere dosar"
    } else {
        "închidere dosar"
    };
    audit::record(
        db,
        AuditEntry::change(
            now,
            actor,
            action,
            "court_case",
            &id.to_string(),
            Some(&before),
            Some(&after),
        ),
    )
    .await
}

/// A school reports, for one of its cases, that it asked for electronic access or got it.
pub async fn record_access<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    school: &str,
    step: DenStep,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let column = match step {
        DenStep::AccessRequested => case_school::Column::AccessRequestedOn,
        DenStep::AccessApproved => case_school::Column::AccessApprovedOn,
        _ => return Ok(()),
    };
    case_school::Entity::update_many()
        .col_expr(column, Expr::value(on))
        .col_expr(case_school::Column::UpdatedAt, Expr::value(now))
        .filter(case_school::Column::CaseId.eq(case_id))
        .filter(case_school::Column::SchoolCode.eq(school))
        .exec(db)
        .await?;
    Ok(())
}
