//! Attempt counters by key, in fixed windows. Counting is one `INSERT … ON CONFLICT … DO
//! UPDATE … RETURNING`, so N parallel attempts get N distinct counts and at most the limit
//! of them pass, whatever the number of processes on the database.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement, Value};

use super::DbResult;

/// Counts one attempt under `key` and returns the attempts in the current window (this one
/// included); a window older than `window_seconds` starts again at 1.
pub async fn record_attempt<C: ConnectionTrait>(
    db: &C,
    key: &str,
    window_seconds: i64,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let now = now.timestamp();
    let sql = "INSERT INTO auth_throttle (key, count, window_start) VALUES ($1, 1, $2) \
               ON CONFLICT (key) DO UPDATE SET \
               count = CASE WHEN auth_throttle.window_start <= $3 THEN 1 ELSE auth_throttle.count + 1 END, \
               window_start = CASE WHEN auth_throttle.window_start <= $3 THEN $2 ELSE auth_throttle.window_start END \
               RETURNING count";
    let values: Vec<Value> = vec![key.into(), now.into(), (now - window_seconds).into()];
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    Ok(match row {
        Some(row) => i64::from(row.try_get_by_index::<i32>(0)?),
        None => 1,
    })
}

/// The attempts under `key` in the current window, without counting one.
pub async fn attempts<C: ConnectionTrait>(
    db: &C,
    key: &str,
    window_seconds: i64,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let sql = "SELECT count FROM auth_throttle WHERE key = $1 AND window_start > $2";
    let values: Vec<Value> = vec![key.into(), (now.timestamp() - window_seconds).into()];
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    Ok(match row {
        Some(row) => i64::from(row.try_get_by_index::<i32>(0)?),
        None => 0,
    })
}

/// Forgets these counters (after a successful sign-in).
pub async fn reset<C: ConnectionTrait>(db: &C, keys: &[String]) -> DbResult<()> {
    for key in keys {
        let sql = "DELETE FROM auth_throttle WHERE key = $1";
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            vec![Value::from(key.as_str())],
        ))
        .await?;
    }
    Ok(())
}
