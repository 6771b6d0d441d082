//! Whole-table reads (the register snapshot, the reports) and the detail pages' short lists.
//! sqlx's SQLite driver copies every value of every row on its worker thread and hands each
//! row to the reader through a channel: about 2 µs a row, most of a national report. On
//! SQLite the same rows are asked for as one JSON array built by SQLite itself, which crosses
//! once and is parsed by serde (40,000 links: 67 ms as rows, 24 ms as JSON). PostgreSQL reads
//! rows as usual.
//!
//! The rows come in no set order: callers sort what they show. One JSON text holds the whole
//! answer (a national table is a few MB; SQLite's limit for one value is 1 GB).

use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ColumnType, ConnectionTrait, DbBackend, EntityTrait, Iterable, QuerySelect,
    QueryTrait, Select, Statement, TryGetableMany,
};
use serde::de::DeserializeOwned;

use super::{DbError, DbResult};

/// Every model `query` selects (all columns of the entity).
pub async fn models<E, C>(db: &C, query: Select<E>) -> DbResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: DeserializeOwned,
    C: ConnectionTrait,
{
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(query.all(db).await?);
    }
    let fields = E::Column::iter().map(json_field).collect();
    as_json(db, query.into_query(), fields).await
}

/// These columns of every row `query` selects, as tuples in the order given.
pub async fn columns<E, T, C>(db: &C, query: Select<E>, columns: &[E::Column]) -> DbResult<Vec<T>>
where
    E: EntityTrait,
    T: DeserializeOwned + TryGetableMany,
    C: ConnectionTrait,
{
    let query = query.select_only().columns(columns.iter().copied());
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(query.into_tuple::<T>().all(db).await?);
    }
    let fields = columns.iter().map(|c| json_field(*c)).collect();
    as_json(db, query.into_query(), fields).await
}

/// The outputs `names` (aliases of `inner`'s selected expressions, none boolean) of every
/// row, as tuples in the order given.
pub async fn select<T, C>(db: &C, inner: SelectStatement, names: &[&str]) -> DbResult<Vec<T>>
where
    T: DeserializeOwned + TryGetableMany,
    C: ConnectionTrait,
{
    let backend = db.get_database_backend();
    if backend != DbBackend::Sqlite {
        let rows = db.query_all_raw(backend.build(&inner)).await?;
        return rows
            .iter()
            .map(|row| {
                T::try_get_many_by_index(row).map_err(|e| DbError::from(sea_orm::DbErr::from(e)))
            })
            .collect();
    }
    let fields = names.iter().map(|n| format!("\"{n}\"")).collect();
    as_json(db, inner, fields).await
}

/// Runs `inner` inside `SELECT json_group_array(json_array(…)) FROM (inner)` and parses the
/// one text value that comes back.
async fn as_json<T, C>(db: &C, inner: SelectStatement, fields: Vec<String>) -> DbResult<Vec<T>>
where
    T: DeserializeOwned,
    C: ConnectionTrait,
{
    let inner = literal_limit(DbBackend::Sqlite.build(&inner));
    let sql = format!(
        "SELECT json_group_array(json_array({})) FROM ({}) AS \"bulk\"",
        fields.join(", "),
        inner.sql
    );
    let statement = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        sql,
        inner.values.map_or_else(Vec::new, |v| v.0),
    );
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(Vec::new());
    };
    let text: String = row.try_get_by_index(0)?;
    serde_json::from_str(&text).map_err(|e| DbError::Corrupt(format!("citire în bloc: {e}")))
}

/// A column as it goes into the JSON array (names are the entities' own, never input).
/// SQLite keeps booleans as 0 and 1, which serde does not take for `bool`.
fn json_field<Col: ColumnTrait>(column: Col) -> String {
    let name = format!("\"{}\"", column.as_str());
    if matches!(column.def().get_column_type(), ColumnType::Boolean) {
        format!(
            "CASE WHEN {name} IS NULL THEN NULL WHEN {name} THEN json('true') ELSE json('false') END"
        )
    } else {
        name
    }
}

/// `LIMIT ?` made `LIMIT 50`: SQLite (3.46 and later) plans with a bound LIMIT's value and
/// so prepares the statement again each time it is bound, which cost a detail page about a
/// quarter of its time. Limits are the program's own numbers, never input.
fn literal_limit(mut statement: Statement) -> Statement {
    let Some(values) = statement.values.as_mut() else {
        return statement;
    };
    let limit = match values.0.last() {
        Some(sea_orm::Value::BigUnsigned(Some(n))) => *n,
        _ => return statement,
    };
    if let Some(head) = statement.sql.strip_suffix(" LIMIT ?") {
        statement.sql = format!("{head} LIMIT {limit}");
        values.0.pop();
    }
    statement
}

#[cfg(test)]
mod tests {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

    use super::*;
    use crate::db::entities::audit_log;

    fn built(query: Select<audit_log::Entity>) -> Statement {
        literal_limit(DbBackend::Sqlite.build(&query.into_query()))
    }

    #[test]
    fn a_limit_is_written_into_the_statement_and_other_values_stay_bound() {
        let query = audit_log::Entity::find()
            .filter(audit_log::Column::EntityId.eq("2061100733"))
            .order_by_desc(audit_log::Column::Id)
            .limit(50);
        let statement = built(query);
        assert!(statement.sql.ends_with(" LIMIT 50"), "{}", statement.sql);
        let values = statement.values.map(|v| v.0).unwrap_or_default();
        assert_eq!(values, vec![sea_orm::Value::from("2061100733")]);
    }

    #[test]
    fn a_statement_with_an_offset_or_no_limit_is_left_alone() {
        let paged = built(audit_log::Entity::find().limit(50).offset(100));
        assert!(paged.sql.ends_with(" LIMIT ? OFFSET ?"), "{}", paged.sql);
        let whole = built(audit_log::Entity::find());
        assert!(!whole.sql.contains("LIMIT"), "{}", whole.sql);
    }
}
