//! The change log: appended in the use case's transaction, read by the register (what came
//! after its version), the audit trail, the history pages and the digests.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::entities::change_log::{self, Column, Entity as ChangeLog};
use super::{DbError, DbResult};
use crate::domain::change::{Change, ChangeRecord};

/// Rows per INSERT statement (a national import writes tens of thousands).
const CHUNK: usize = 400;

/// Numbers `changes` after every version committed so far and writes them. The counter row
/// is bumped first: on PostgreSQL another writer waits on it until this transaction ends, so
/// versions follow commit order; SQLite has one writer at a time anyway.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    at: DateTime<Utc>,
    actor: &str,
    batch: Option<i32>,
    changes: Vec<Change>,
) -> DbResult<Vec<ChangeRecord>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let count = i64::try_from(changes.len()).unwrap_or(i64::MAX);
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE change_counter SET version = version + $1 WHERE id = 1 RETURNING version",
            [count.into()],
        ))
        .await?
        .ok_or_else(|| DbError::Corrupt("contorul jurnalului de modificări lipsește".into()))?;
    let last: i64 = row.try_get_by_index(0)?;
    let records: Vec<ChangeRecord> = changes
        .into_iter()
        .zip(last - count + 1..)
        .map(|(change, version)| ChangeRecord {
            version,
            at,
            actor: actor.to_string(),
            batch,
            change,
        })
        .collect();
    for chunk in records.chunks(CHUNK) {
        let rows = chunk
            .iter()
            .map(|r| {
                let payload = serde_json::to_string(&r.change)
                    .map_err(|e| DbError::Corrupt(format!("modificare nescrisă: {e}")))?;
                Ok(change_log::ActiveModel {
                    version: sea_orm::ActiveValue::Set(r.version),
                    at: sea_orm::ActiveValue::Set(r.at),
                    actor: sea_orm::ActiveValue::Set(r.actor.clone()),
                    kind: sea_orm::ActiveValue::Set(r.change.kind().to_string()),
                    school_code: sea_orm::ActiveValue::Set(r.change.school().map(str::to_string)),
                    case_id: sea_orm::ActiveValue::Set(r.change.case()),
                    batch_id: sea_orm::ActiveValue::Set(r.batch),
                    payload: sea_orm::ActiveValue::Set(payload),
                })
            })
            .collect::<DbResult<Vec<_>>>()?;
        ChangeLog::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(records)
}

/// The newest version committed (0 when nothing was ever changed).
pub async fn latest<C: ConnectionTrait>(db: &C) -> DbResult<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM change_counter WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    })
}

/// Changes committed after `version`, oldest first, at most `limit`.
pub async fn after<C: ConnectionTrait>(
    db: &C,
    version: i64,
    limit: u64,
) -> DbResult<Vec<ChangeRecord>> {
    let query = ChangeLog::find()
        .filter(Column::Version.gt(version))
        .order_by_asc(Column::Version)
        .limit(limit);
    let mut rows = super::bulk::models(db, query).await?;
    rows.sort_unstable_by_key(|r| r.version);
    rows.into_iter().map(record).collect()
}

/// What the audit trail filters by; every part optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeFilter {
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub school: Option<String>,
    /// Any of these cases.
    pub cases: Option<Vec<i32>>,
    /// Part of the actor as recorded (an e-mail, `linie de comandă`…), or one of these.
    pub actor: Option<(String, Vec<String>)>,
    pub kinds: Option<&'static [&'static str]>,
    pub batch: Option<i32>,
    /// Only changes older than this version (the next page).
    pub before: Option<i64>,
    /// Rows of an import stay under their batch unless the filter asks for a batch, a school
    /// or a case.
    pub with_import_rows: bool,
}

/// The newest changes a filter selects, newest first.
pub async fn matching<C: ConnectionTrait>(
    db: &C,
    filter: &ChangeFilter,
    limit: u64,
) -> DbResult<Vec<ChangeRecord>> {
    let mut query = ChangeLog::find();
    if let Some(before) = filter.before {
        query = query.filter(Column::Version.lt(before));
    }
    if let Some(from) = filter.from {
        query = query.filter(Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(Column::At.lt(until));
    }
    if let Some(school) = &filter.school {
        query = query.filter(Column::SchoolCode.eq(school.as_str()));
    }
    if let Some(cases) = &filter.cases {
        query = query.filter(Column::CaseId.is_in(cases.iter().copied()));
    }
    if let Some((part, exact)) = &filter.actor {
        query = query.filter(
            sea_orm::Condition::any()
                .add(Column::Actor.contains(part.as_str()))
                .add(Column::Actor.is_in(exact.iter().cloned())),
        );
    }
    if let Some(kinds) = filter.kinds {
        query = query.filter(Column::Kind.is_in(kinds.iter().copied()));
    }
    match filter.batch {
        Some(batch) => query = query.filter(Column::BatchId.eq(batch)),
        None if !filter.with_import_rows => {
            query = query.filter(
                sea_orm::Condition::any()
                    .add(Column::BatchId.is_null())
                    .add(Column::Kind.eq("import_applied")),
            );
        }
        None => {}
    }
    let query = query.order_by_desc(Column::Version).limit(limit);
    let mut rows = super::bulk::models(db, query).await?;
    rows.sort_unstable_by_key(|r| std::cmp::Reverse(r.version));
    rows.into_iter().map(record).collect()
}

/// Changes to cases (their facts, schools, access and hearings) committed at or after
/// `from`, oldest first: what the legal department's digest reports.
pub async fn about_cases_since<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    limit: u64,
) -> DbResult<Vec<ChangeRecord>> {
    let query = ChangeLog::find()
        .filter(Column::At.gte(from))
        .filter(Column::CaseId.is_not_null())
        .order_by_asc(Column::Version)
        .limit(limit);
    let mut rows = super::bulk::models(db, query).await?;
    rows.sort_unstable_by_key(|r| r.version);
    rows.into_iter().map(record).collect()
}

fn record(m: change_log::Model) -> DbResult<ChangeRecord> {
    let change: Change = serde_json::from_str(&m.payload).map_err(|e| {
        DbError::Corrupt(format!("modificarea {} nu se poate citi: {e}", m.version))
    })?;
    Ok(ChangeRecord {
        version: m.version,
        at: m.at,
        actor: m.actor,
        batch: m.batch_id,
        change,
    })
}
