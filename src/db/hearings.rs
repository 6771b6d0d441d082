//! Hearings per case: identity (case, date, time, panel), the rest filled in over time.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::DbResult;
use super::entities::hearing;
use crate::domain::cases::{HearingFacts, HearingRecord, HearingSource};

fn record(m: hearing::Model) -> HearingRecord {
    HearingRecord {
        id: m.id,
        case_id: m.case_id,
        facts: HearingFacts {
            on: m.on_date,
            time: m.time,
            panel: m.panel,
            stage: m.stage,
            outcome: m.outcome,
            summary: m.summary,
            pronounced_on: m.pronounced_on,
        },
        source: HearingSource::parse(&m.source),
    }
}

/// A stored hearing and whether it was removed (deleted, or marked wrong).
pub type Found = (HearingRecord, bool);

/// The hearing with this identity, if stored (removed ones too: a removed hearing is never
/// added again by a list or the portal).
pub async fn find_same<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    facts: &HearingFacts,
) -> DbResult<Option<Found>> {
    Ok(hearing::Entity::find()
        .filter(hearing::Column::CaseId.eq(case_id))
        .filter(hearing::Column::OnDate.eq(facts.on))
        .filter(hearing::Column::Time.eq(facts.time.as_str()))
        .filter(hearing::Column::Panel.eq(facts.panel.as_str()))
        .one(db)
        .await?
        .map(found))
}

/// The hearing the portal reported under this identity (`date|time|panel`), wherever it was
/// corrected to since.
pub async fn find_portal<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    key: &str,
) -> DbResult<Option<Found>> {
    Ok(hearing::Entity::find()
        .filter(hearing::Column::CaseId.eq(case_id))
        .filter(hearing::Column::PortalKey.eq(key))
        .one(db)
        .await?
        .map(found))
}

fn found(m: hearing::Model) -> Found {
    let removed = m.removed_at.is_some();
    (record(m), removed)
}

/// A hearing that is shown (not removed).
pub async fn find<C: ConnectionTrait>(db: &C, id: i32) -> DbResult<Option<HearingRecord>> {
    Ok(hearing::Entity::find_by_id(id)
        .filter(hearing::Column::RemovedAt.is_null())
        .one(db)
        .await?
        .map(record))
}

/// A hearing, shown or removed.
pub async fn find_any<C: ConnectionTrait>(db: &C, id: i32) -> DbResult<Option<HearingRecord>> {
    Ok(hearing::Entity::find_by_id(id).one(db).await?.map(record))
}

/// Moves a hearing to another date, time or panel and replaces what is known of it.
pub async fn correct<C: ConnectionTrait>(
    db: &C,
    id: i32,
    facts: &HearingFacts,
    now: DateTime<Utc>,
) -> DbResult<()> {
    hearing::Entity::update_many()
        .col_expr(hearing::Column::OnDate, Expr::value(facts.on))
        .col_expr(hearing::Column::Time, Expr::value(facts.time.clone()))
        .col_expr(hearing::Column::Panel, Expr::value(facts.panel.clone()))
        .filter(hearing::Column::Id.eq(id))
        .exec(db)
        .await?;
    update(db, id, facts, now).await
}

/// Removes a hearing from every list, keeping the row (and why).
pub async fn remove<C: ConnectionTrait>(
    db: &C,
    id: i32,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    hearing::Entity::update_many()
        .col_expr(hearing::Column::RemovedAt, Expr::value(now))
        .col_expr(hearing::Column::RemovedBy, Expr::value(by))
        .col_expr(hearing::Column::RemovedReason, Expr::value(reason))
        .col_expr(hearing::Column::UpdatedAt, Expr::value(now))
        .filter(hearing::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Notes the identity under which the portal reported a hearing, unless one is noted.
pub async fn keep_portal_key<C: ConnectionTrait>(db: &C, id: i32, key: &str) -> DbResult<()> {
    hearing::Entity::update_many()
        .col_expr(hearing::Column::PortalKey, Expr::value(key))
        .filter(hearing::Column::Id.eq(id))
        .filter(hearing::Column::PortalKey.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Shows a removed hearing again, with these facts.
pub async fn restore<C: ConnectionTrait>(
    db: &C,
    id: i32,
    facts: &HearingFacts,
    now: DateTime<Utc>,
) -> DbResult<()> {
    hearing::Entity::update_many()
        .col_expr(
            hearing::Column::RemovedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            hearing::Column::RemovedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            hearing::Column::RemovedReason,
            Expr::value(Option::<String>::None),
        )
        .filter(hearing::Column::Id.eq(id))
        .exec(db)
        .await?;
    update(db, id, facts, now).await
}

/// The days of every hearing a case has or had (removed ones too).
pub async fn days_of_case<C: ConnectionTrait>(db: &C, case_id: i32) -> DbResult<Vec<NaiveDate>> {
    Ok(hearing::Entity::find()
        .select_only()
        .column(hearing::Column::OnDate)
        .filter(hearing::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// Removed hearings whose day falls between two dates, each with when it was removed: the
/// calendar feed cancels their events.
pub async fn removed_between<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
) -> DbResult<Vec<(HearingRecord, DateTime<Utc>)>> {
    let rows = hearing::Entity::find()
        .filter(hearing::Column::RemovedAt.is_not_null())
        .filter(hearing::Column::OnDate.between(from, to))
        .order_by_asc(hearing::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let at = m.removed_at?;
            Some((record(m), at))
        })
        .collect())
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    facts: &HearingFacts,
    source: HearingSource,
    now: DateTime<Utc>,
) -> DbResult<i32> {
    let model = hearing::ActiveModel {
        case_id: Set(case_id),
        on_date: Set(facts.on),
        time: Set(facts.time.clone()),
        panel: Set(facts.panel.clone()),
        stage: Set(facts.stage.clone()),
        outcome: Set(facts.outcome.clone()),
        summary: Set(facts.summary.clone()),
        pronounced_on: Set(facts.pronounced_on),
        source: Set(source.as_str().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(hearing::Entity::insert(model)
        .exec(db)
        .await?
        .last_insert_id)
}

/// Replaces what is known of a stored hearing (its identity stays).
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: i32,
    facts: &HearingFacts,
    now: DateTime<Utc>,
) -> DbResult<()> {
    hearing::Entity::update_many()
        .col_expr(hearing::Column::Stage, Expr::value(facts.stage.clone()))
        .col_expr(hearing::Column::Outcome, Expr::value(facts.outcome.clone()))
        .col_expr(hearing::Column::Summary, Expr::value(facts.summary.clone()))
        .col_expr(
            hearing::Column::PronouncedOn,
            Expr::value(facts.pronounced_on),
        )
        .col_expr(hearing::Column::UpdatedAt, Expr::value(now))
        .filter(hearing::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A hearing the portal confirmed: its time, panel and source become the portal's.
pub async fn confirm<C: ConnectionTrait>(
    db: &C,
    id: i32,
    facts: &HearingFacts,
    source: HearingSource,
    now: DateTime<Utc>,
) -> DbResult<()> {
    hearing::Entity::update_many()
        .col_expr(hearing::Column::Time, Expr::value(facts.time.clone()))
        .col_expr(hearing::Column::Panel, Expr::value(facts.panel.clone()))
        .col_expr(hearing::Column::Source, Expr::value(source.as_str()))
        .filter(hearing::Column::Id.eq(id))
        .exec(db)
        .await?;
    update(db, id, facts, now).await
}

/// Every hearing a case has or had, as the portal sync compares them.
pub async fn known_of_case<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
) -> DbResult<Vec<crate::domain::portal::KnownHearing>> {
    let rows = hearing::Entity::find()
        .filter(hearing::Column::CaseId.eq(case_id))
        .order_by_asc(hearing::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let (removed, portal_key) = (m.removed_at.is_some(), m.portal_key.clone());
            crate::domain::portal::KnownHearing {
                record: record(m),
                removed,
                portal_key,
            }
        })
        .collect())
}

/// One case's hearings, newest first.
pub async fn of_case<C: ConnectionTrait>(db: &C, case_id: i32) -> DbResult<Vec<HearingRecord>> {
    let query = hearing::Entity::find()
        .filter(hearing::Column::CaseId.eq(case_id))
        .filter(hearing::Column::RemovedAt.is_null());
    let mut rows = super::bulk::models(db, query).await?;
    // Latest first.
    rows.sort_unstable_by(|a, b| (b.on_date, &b.time, b.id).cmp(&(a.on_date, &a.time, a.id)));
    Ok(rows.into_iter().map(record).collect())
}

/// The next hearing (on or after `today`) of each of these cases that has one.
pub async fn next_of<C: ConnectionTrait>(
    db: &C,
    case_ids: &[i32],
    today: NaiveDate,
) -> DbResult<HashMap<i32, NaiveDate>> {
    let coming = || {
        hearing::Entity::find()
            .select_only()
            .column(hearing::Column::CaseId)
            .column_as(hearing::Column::OnDate.min(), "next")
            .filter(hearing::Column::OnDate.gte(today))
            .filter(hearing::Column::RemovedAt.is_null())
            .group_by(hearing::Column::CaseId)
    };
    let mut next = HashMap::new();
    // Past a thousand cases, one grouped read of every coming hearing beats IN lists.
    if case_ids.len() > 1000 {
        let wanted: std::collections::HashSet<i32> = case_ids.iter().copied().collect();
        let grouped = sea_orm::QueryTrait::into_query(coming());
        let rows: Vec<(i32, NaiveDate)> =
            super::bulk::select(db, grouped, &["case_id", "next"]).await?;
        next.extend(rows.into_iter().filter(|(id, _)| wanted.contains(id)));
        return Ok(next);
    }
    for chunk in case_ids.chunks(500) {
        let rows: Vec<(i32, Option<NaiveDate>)> = coming()
            .filter(hearing::Column::CaseId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        next.extend(
            rows.into_iter()
                .filter_map(|(id, on)| on.map(|on| (id, on))),
        );
    }
    Ok(next)
}

/// Hearings between two dates (inclusive), soonest first.
pub async fn between<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
    limit: u64,
) -> DbResult<Vec<HearingRecord>> {
    let rows = hearing::Entity::find()
        .filter(hearing::Column::OnDate.between(from, to))
        .filter(hearing::Column::RemovedAt.is_null())
        .order_by_asc(hearing::Column::OnDate)
        .order_by_asc(hearing::Column::Time)
        .order_by_asc(hearing::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(record).collect())
}

/// Every hearing, oldest first (for the hearings report).
pub async fn all<C: ConnectionTrait>(db: &C) -> DbResult<Vec<HearingRecord>> {
    let rows = hearing::Entity::find()
        .filter(hearing::Column::RemovedAt.is_null())
        .order_by_asc(hearing::Column::OnDate)
        .order_by_asc(hearing::Column::Time)
        .order_by_asc(hearing::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(record).collect())
}
