//! The change log: one row per typed change a use case made, numbered by a counter bumped in
//! the same transaction (so numbers follow commit order, also on PostgreSQL, where writers
//! queue on the counter row). The audit trail, the in-memory register, the digests and the
//! history pages read it. Data changes recorded before it (rows of `audit_log` about schools,
//! cases, the campaign, settings, suggestions and imports) are copied in as `legacy` changes;
//! `audit_log` keeps sign-ins and other events. Hearings get a soft removal (a deleted or
//! wrongly synced hearing stays, marked, so the calendar can cancel it and the sync does not
//! bring it back) and the portal's own identity of a hearing it reported.

use sea_orm_migration::sea_orm::{ConnectionTrait, Statement, Value};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Version,
    At,
    Actor,
    /// The change's kind (`hearing_added`…), also inside the payload.
    Kind,
    /// The school and the case the change is about, for the filters and history pages.
    SchoolCode,
    CaseId,
    /// The import batch a row's change came from.
    BatchId,
    /// The typed change as JSON.
    Payload,
}

#[derive(DeriveIden)]
enum ChangeCounter {
    Table,
    Id,
    Version,
}

#[derive(DeriveIden)]
enum Hearing {
    Table,
    RemovedAt,
    RemovedBy,
    RemovedReason,
    PortalKey,
}

/// Entities whose `audit_log` rows were data changes.
const DATA_ENTITIES: &str =
    "'school', 'court_case', 'campaign', 'setting', 'portal_suggestion', 'import_batch'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeLog::Table)
                    .if_not_exists()
                    .col(big_integer(ChangeLog::Version).primary_key())
                    .col(timestamp_with_time_zone(ChangeLog::At))
                    .col(string(ChangeLog::Actor))
                    .col(string(ChangeLog::Kind))
                    .col(string_null(ChangeLog::SchoolCode))
                    .col(integer_null(ChangeLog::CaseId))
                    .col(integer_null(ChangeLog::BatchId))
                    .col(text(ChangeLog::Payload))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_change_school",
                vec![ChangeLog::SchoolCode, ChangeLog::Version],
            ),
            (
                "ix_change_case",
                vec![ChangeLog::CaseId, ChangeLog::Version],
            ),
            (
                "ix_change_batch",
                vec![ChangeLog::BatchId, ChangeLog::Version],
            ),
            ("ix_change_at", vec![ChangeLog::At]),
        ] {
            let mut index = Index::create();
            index.name(name).table(ChangeLog::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ChangeCounter::Table)
                    .if_not_exists()
                    .col(integer(ChangeCounter::Id).primary_key())
                    .col(big_integer(ChangeCounter::Version))
                    .to_owned(),
            )
            .await?;
        for column in [
            timestamp_with_time_zone_null(Hearing::RemovedAt),
            string_null(Hearing::RemovedBy),
            text_null(Hearing::RemovedReason),
            string_null(Hearing::PortalKey),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Hearing::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let copied = copy_legacy(manager).await?;
        let db = manager.get_connection();
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "INSERT INTO change_counter (id, version) VALUES (1, $1)",
            [Value::BigInt(Some(copied))],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["change_counter", "change_log"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Copies the data changes of `audit_log` as `legacy` changes, oldest first; returns how many.
async fn copy_legacy(manager: &SchemaManager<'_>) -> Result<i64, DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT at, actor, action, entity, entity_id, details, before, after FROM audit_log \
                 WHERE entity IN ({DATA_ENTITIES}) ORDER BY id"
            ),
        ))
        .await?;
    let mut version = 0i64;
    for row in rows {
        version += 1;
        let at: chrono::DateTime<chrono::Utc> = row.try_get_by_index(0)?;
        let actor: String = row.try_get_by_index(1)?;
        let action: String = row.try_get_by_index(2)?;
        let entity: String = row.try_get_by_index(3)?;
        let entity_id: Option<String> = row.try_get_by_index(4)?;
        let details: Option<String> = row.try_get_by_index(5)?;
        let before: Option<String> = row.try_get_by_index(6)?;
        let after: Option<String> = row.try_get_by_index(7)?;
        let school = (entity == "school").then(|| entity_id.clone()).flatten();
        let case = (entity == "court_case")
            .then(|| entity_id.as_deref().and_then(|id| id.parse::<i32>().ok()))
            .flatten();
        let batch = (entity == "import_batch")
            .then(|| entity_id.as_deref().and_then(|id| id.parse::<i32>().ok()))
            .flatten();
        let payload = serde_json::json!({
            "type": "legacy", "action": action, "entity": entity, "entity_id": entity_id,
            "details": details, "before": before, "after": after,
        });
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO change_log (version, at, actor, kind, school_code, case_id, batch_id, payload) \
             VALUES ($1, $2, $3, 'legacy', $4, $5, $6, $7)",
            [
                Value::BigInt(Some(version)),
                at.into(),
                actor.into(),
                school.into(),
                case.into(),
                batch.into(),
                payload.to_string().into(),
            ],
        ))
        .await?;
    }
    Ok(version)
}
