//! Whole-table reads (the register snapshot, the reports). sqlx's SQLite driver copies every
//! value of every row on its worker thread and hands each row to the reader through a
//! channel: about 2 µs a row, most of a national report. On SQLite the same rows are asked
//! for as one JSON array built by SQLite itself, which crosses once and is parsed by serde
//! (40,000 links: 67 ms as rows, 24 ms as JSON). PostgreSQL reads rows as usual.
//!
//! The rows come in no set order: callers sort what they show.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
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
            .map(|row| T::try_get_many_by_index(row).map_err(|e| DbError::Db(e.into())))
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
    let outer = SelectStatement::new()
        .expr(Expr::cust(format!(
            "json_group_array(json_array({}))",
            fields.join(", ")
        )))
        .from_subquery(inner, Alias::new("bulk"))
        .to_owned();
    let statement: Statement = DbBackend::Sqlite.build(&outer);
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
