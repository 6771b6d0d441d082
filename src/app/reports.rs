//! Exports are events, not changes: who took which report with which filter is written to the
//! security log (`audit_log`), never to the change log, so the register does not move.

use super::{AppResult, Ctx};
use crate::db;

/// Records that `who` exported `what` (with the filter in words).
pub async fn record_export(ctx: Ctx<'_>, who: &str, what: &str, filter: &str) -> AppResult<()> {
    let entry = crate::domain::audit::AuditEntry {
        at: ctx.now(),
        actor: who.to_string(),
        action: "export raport".into(),
        entity: "report".into(),
        entity_id: Some(what.to_string()),
        details: Some(format!("{what}, filtru: {filter}")),
        before: None,
        after: None,
    };
    Ok(db::audit::record(ctx.db, entry).await?)
}
