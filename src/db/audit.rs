//! The append-only audit trail: rows are inserted, never updated or deleted.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::DbResult;
use super::entities::audit_log::{self, Column, Entity as AuditLog};
pub use crate::domain::audit::AuditEntry;

pub async fn record<C: ConnectionTrait>(db: &C, entry: AuditEntry) -> DbResult<()> {
    let model = audit_log::ActiveModel {
        at: Set(entry.at),
        actor: Set(entry.actor),
        action: Set(entry.action),
        entity: Set(entry.entity),
        entity_id: Set(entry.entity_id),
        details: Set(entry.details),
        before: Set(entry.before),
        after: Set(entry.after),
        ..Default::default()
    };
    AuditLog::insert(model).exec_without_returning(db).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Only entries older than this id (the next page).
    pub before: Option<i64>,
}

/// The newest entries a filter selects, with their ids, newest first.
pub async fn recent<C: ConnectionTrait>(
    db: &C,
    filter: &AuditFilter,
    limit: u64,
) -> DbResult<Vec<(i64, AuditEntry)>> {
    let mut query = AuditLog::find();
    if let Some(before) = filter.before {
        query = query.filter(Column::Id.lt(before));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(Column::Actor.contains(actor.as_str()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(Column::Action.eq(action.as_str()));
    }
    let rows = newest(db, query.order_by_desc(Column::Id).limit(limit)).await?;
    Ok(rows.into_iter().map(|m| (m.id, entry(m))).collect())
}

/// An event about a staff account (login, enrolment, change). `details` is plain text with
/// nothing secret in it.
pub async fn staff_event<C: ConnectionTrait>(
    db: &C,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    user_id: Option<i32>,
    details: &str,
) -> DbResult<()> {
    let entry = AuditEntry {
        at,
        actor: actor.chars().take(120).collect(),
        action: action.to_string(),
        entity: "staff_user".into(),
        entity_id: user_id.map(|id| id.to_string()),
        details: (!details.is_empty()).then(|| details.to_string()),
        before: None,
        after: None,
    };
    record(db, entry).await
}

/// The id of the newest audit row: every change writes one, so a cache keyed on it is fresh.
pub async fn version<C: ConnectionTrait>(db: &C) -> DbResult<i64> {
    // MAX, not ORDER BY … LIMIT ?: the same index lookup, without a statement that SQLite
    // prepares again on every run (see `db::by_key`).
    let newest: Vec<Option<i64>> = AuditLog::find()
        .select_only()
        .column_as(Column::Id.max(), "newest")
        .into_tuple()
        .all(db)
        .await?;
    Ok(newest.into_iter().flatten().next().unwrap_or(0))
}

/// The newest entries about one record (e.g. entity `school`, id its SIIIR code).
pub async fn for_entity<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    entity_id: &str,
    limit: u64,
) -> DbResult<Vec<AuditEntry>> {
    let query = AuditLog::find()
        .filter(Column::Entity.eq(entity))
        .filter(Column::EntityId.eq(entity_id))
        .order_by_desc(Column::Id)
        .limit(limit);
    Ok(newest(db, query).await?.into_iter().map(entry).collect())
}

/// The rows `query` selects (its order and limit choose them), newest first: one JSON
/// answer on SQLite instead of a value copy per cell.
async fn newest<C: ConnectionTrait>(
    db: &C,
    query: sea_orm::Select<AuditLog>,
) -> DbResult<Vec<audit_log::Model>> {
    let mut rows = super::bulk::models(db, query).await?;
    rows.sort_unstable_by_key(|m| std::cmp::Reverse(m.id));
    Ok(rows)
}

fn entry(m: audit_log::Model) -> AuditEntry {
    AuditEntry {
        at: m.at,
        actor: m.actor,
        action: m.action,
        entity: m.entity,
        entity_id: m.entity_id,
        details: m.details,
        before: m.before,
        after: m.after,
    }
}

/// Entries about one kind of record written at or after `from`, oldest first.
pub async fn since<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    from: DateTime<Utc>,
    limit: u64,
) -> DbResult<Vec<AuditEntry>> {
    let rows = AuditLog::find()
        .filter(Column::Entity.eq(entity))
        .filter(Column::At.gte(from))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(entry).collect())
}
