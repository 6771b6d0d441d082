//! What the portal sync and discovery read and write: the cases to ask about, each case's last
//! check, the suggestions, and the county's schools as discovery names them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::DbResult;
use super::entities::{court_case, portal_suggestion, school};
use crate::domain::cases::{CaseStatus, HearingFacts};
use crate::domain::portal::{PortalCheck, StoredSuggestion, Suggestion, SuggestionStatus};
use crate::domain::school::UnitStatus;

/// The ids of the active cases, oldest first; with `number`, only cases with that number.
pub async fn active_case_ids<C: ConnectionTrait>(
    db: &C,
    number: Option<&str>,
) -> DbResult<Vec<i32>> {
    let mut query = court_case::Entity::find()
        .select_only()
        .column(court_case::Column::Id)
        .filter(court_case::Column::Status.eq(CaseStatus::Active.as_str()))
        .order_by_asc(court_case::Column::Id);
    if let Some(number) = number {
        query = query.filter(court_case::Column::Number.eq(number));
    }
    Ok(query.into_tuple().all(db).await?)
}

pub async fn check_of<C: ConnectionTrait>(db: &C, case_id: i32) -> DbResult<Option<PortalCheck>> {
    Ok(court_case::Entity::find_by_id(case_id)
        .one(db)
        .await?
        .and_then(|case| super::cases::portal_check_of(&case)))
}

pub async fn record_check<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    check: &PortalCheck,
) -> DbResult<()> {
    court_case::Entity::update_many()
        .col_expr(court_case::Column::PortalCheckedAt, Expr::value(check.at))
        .col_expr(
            court_case::Column::PortalState,
            Expr::value(check.state.as_str()),
        )
        .col_expr(
            court_case::Column::PortalNote,
            Expr::value(check.note.clone()),
        )
        .col_expr(court_case::Column::PortalMisses, Expr::value(check.misses))
        .filter(court_case::Column::Id.eq(case_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The stage, category and object the portal states (the next hearing stays derived).
pub async fn set_case_facts<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    facts: &crate::domain::case_import::CaseFacts,
    now: DateTime<Utc>,
) -> DbResult<()> {
    court_case::Entity::update_many()
        .col_expr(court_case::Column::Stage, Expr::value(facts.stage.clone()))
        .col_expr(
            court_case::Column::Category,
            Expr::value(facts.category.clone()),
        )
        .col_expr(
            court_case::Column::Object,
            Expr::value(facts.object.clone()),
        )
        .col_expr(court_case::Column::UpdatedAt, Expr::value(now))
        .filter(court_case::Column::Id.eq(case_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The county's active PJs with the names discovery searches: (code, long name, short name).
pub async fn county_pjs<C: ConnectionTrait>(
    db: &C,
    county: &str,
    only: Option<&str>,
) -> DbResult<Vec<(String, Option<String>, Option<String>)>> {
    let mut query = school::Entity::find()
        .select_only()
        .columns([
            school::Column::Code,
            school::Column::LongName,
            school::Column::ShortName,
        ])
        .filter(school::Column::Status.eq(UnitStatus::Pj.as_str()))
        .filter(school::Column::Active.eq(true))
        .filter(school::Column::County.eq(county.trim().to_uppercase()))
        .order_by_asc(school::Column::Code);
    if let Some(code) = only {
        query = query.filter(school::Column::Code.eq(code));
    }
    Ok(query.into_tuple().all(db).await?)
}

/// Whether this (court, number, school) was suggested before, whatever became of it.
pub async fn suggested<C: ConnectionTrait>(db: &C, s: &Suggestion) -> DbResult<bool> {
    Ok(portal_suggestion::Entity::find()
        .filter(portal_suggestion::Column::Court.eq(s.court.as_str()))
        .filter(portal_suggestion::Column::Number.eq(s.number.as_str()))
        .filter(portal_suggestion::Column::SchoolCode.eq(s.school_code.as_str()))
        .one(db)
        .await?
        .is_some())
}

pub async fn insert_suggestion<C: ConnectionTrait>(
    db: &C,
    s: &Suggestion,
    now: DateTime<Utc>,
) -> DbResult<i32> {
    let model = portal_suggestion::ActiveModel {
        court: Set(s.court.clone()),
        number: Set(s.number.clone()),
        school_code: Set(s.school_code.clone()),
        role: Set(s.role.clone()),
        category: Set(s.category.clone()),
        stage: Set(s.stage.clone()),
        object: Set(s.object.clone()),
        next_hearing: Set(s.next_hearing),
        hearings: Set(serde_json::to_string(&s.hearings).unwrap_or_else(|_| "[]".into())),
        status: Set(SuggestionStatus::Open.as_str().into()),
        found_at: Set(now),
        ..Default::default()
    };
    Ok(portal_suggestion::Entity::insert(model)
        .exec(db)
        .await?
        .last_insert_id)
}

fn stored(m: portal_suggestion::Model, school_name: String) -> StoredSuggestion {
    let hearings: Vec<HearingFacts> = serde_json::from_str(&m.hearings).unwrap_or_default();
    StoredSuggestion {
        id: m.id,
        status: SuggestionStatus::parse(&m.status),
        school_name,
        suggestion: Suggestion {
            court: m.court,
            number: m.number,
            school_code: m.school_code,
            role: m.role,
            category: m.category,
            stage: m.stage,
            object: m.object,
            next_hearing: m.next_hearing,
            hearings,
        },
    }
}

pub async fn find_suggestion<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> DbResult<Option<StoredSuggestion>> {
    let Some(m) = portal_suggestion::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let mut names = super::cases::school_names(db, std::slice::from_ref(&m.school_code)).await?;
    let name = names
        .remove(&m.school_code)
        .unwrap_or_else(|| m.school_code.clone());
    Ok(Some(stored(m, name)))
}

/// The open suggestions, soonest hearing first.
pub async fn open_suggestions<C: ConnectionTrait>(db: &C) -> DbResult<Vec<StoredSuggestion>> {
    let rows = portal_suggestion::Entity::find()
        .filter(portal_suggestion::Column::Status.eq(SuggestionStatus::Open.as_str()))
        .order_by_asc(portal_suggestion::Column::NextHearing)
        .order_by_asc(portal_suggestion::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    let mut codes: Vec<String> = rows.iter().map(|m| m.school_code.clone()).collect();
    codes.sort_unstable();
    codes.dedup();
    let names = super::cases::school_names(db, &codes).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let name = names
                .get(&m.school_code)
                .cloned()
                .unwrap_or_else(|| m.school_code.clone());
            stored(m, name)
        })
        .collect())
}

pub async fn decide<C: ConnectionTrait>(
    db: &C,
    id: i32,
    status: SuggestionStatus,
    by: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    portal_suggestion::Entity::update_many()
        .col_expr(
            portal_suggestion::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(portal_suggestion::Column::DecidedAt, Expr::value(now))
        .col_expr(portal_suggestion::Column::DecidedBy, Expr::value(by))
        .filter(portal_suggestion::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
