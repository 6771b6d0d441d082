//! The audit trail as pages show it: who changed what, when, with JSON before and after.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub details: Option<String>,
    /// JSON snapshots of what changed, for edits of data (not for log-in events).
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEntry {
    /// A change of a record, with JSON snapshots before and after.
    pub fn change<B: serde::Serialize, A: serde::Serialize>(
        at: DateTime<Utc>,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<&B>,
        after: Option<&A>,
    ) -> AuditEntry {
        let json = |v: Option<String>| v.filter(|s| s != "null");
        AuditEntry {
            at,
            actor: actor.to_string(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: Some(entity_id.to_string()),
            details: None,
            before: json(before.and_then(|b| serde_json::to_string(b).ok())),
            after: json(after.and_then(|a| serde_json::to_string(a).ok())),
        }
    }
}
