//! Import batches: one row per applied import, with its full report.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

use super::entities::import_batch::{self, Column, Entity as ImportBatch};
use super::{DbError, DbResult};
use crate::domain::import_report::ImportReport;

use crate::domain::import_report::StoredBatch;

pub struct NewBatch<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub actor: &'a str,
    pub created_at: DateTime<Utc>,
    pub report: &'a ImportReport,
}

pub async fn record<C: ConnectionTrait>(conn: &C, batch: NewBatch<'_>) -> DbResult<i32> {
    let report =
        serde_json::to_string(batch.report).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let model = import_batch::ActiveModel {
        kind: Set(batch.report.kind.clone()),
        file_name: Set(batch.file_name.to_string()),
        sha256: Set(batch.sha256.to_string()),
        actor: Set(batch.actor.to_string()),
        created_at: Set(batch.created_at),
        report: Set(report),
        ..Default::default()
    };
    Ok(ImportBatch::insert(model).exec(conn).await?.last_insert_id)
}

pub async fn recent<C: ConnectionTrait>(conn: &C, limit: u64) -> DbResult<Vec<StoredBatch>> {
    let rows = ImportBatch::find()
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    rows.into_iter().map(stored).collect()
}

pub async fn find<C: ConnectionTrait>(conn: &C, id: i32) -> DbResult<Option<StoredBatch>> {
    ImportBatch::find_by_id(id)
        .one(conn)
        .await?
        .map(stored)
        .transpose()
}

fn stored(m: import_batch::Model) -> DbResult<StoredBatch> {
    let report = serde_json::from_str(&m.report)
        .map_err(|e| DbError::Corrupt(format!("raportul importului {}: {e}", m.id)))?;
    Ok(StoredBatch {
        id: m.id,
        kind: m.kind,
        file_name: m.file_name,
        sha256: m.sha256,
        actor: m.actor,
        created_at: m.created_at,
        report,
    })
}
