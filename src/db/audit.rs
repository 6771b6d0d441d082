//! The security log: sign-ins, lockouts, account events and exports. Rows are inserted,
//! never updated or deleted. Changes of data go to the change log (`db::changes`).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::DbResult;
use super::entities::audit_log::{self, Entity as AuditLog};
use crate::domain::audit::AuditEntry;

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
