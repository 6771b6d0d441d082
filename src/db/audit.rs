//! The append-only audit trail: rows are inserted, never updated or deleted.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::DbResult;
use super::entities::audit_log::{self, Column, Entity as AuditLog};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub details: Option<String>,
}

pub async fn record<C: ConnectionTrait>(db: &C, entry: AuditEntry) -> DbResult<()> {
    let model = audit_log::ActiveModel {
        at: Set(entry.at),
        actor: Set(entry.actor),
        action: Set(entry.action),
        entity: Set(entry.entity),
        entity_id: Set(entry.entity_id),
        details: Set(entry.details),
        ..Default::default()
    };
    AuditLog::insert(model).exec_without_returning(db).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
}

pub async fn recent<C: ConnectionTrait>(db: &C, filter: &AuditFilter, limit: u64) -> DbResult<Vec<AuditEntry>> {
    let mut query = AuditLog::find();
    if let Some(actor) = &filter.actor {
        query = query.filter(Column::Actor.contains(actor.as_str()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(Column::Action.eq(action.as_str()));
    }
    let rows = query.order_by_desc(Column::Id).limit(limit).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|m| AuditEntry { at: m.at, actor: m.actor, action: m.action, entity: m.entity, entity_id: m.entity_id, details: m.details })
        .collect())
}
