//! Persistence: connection set-up, migrations and the queries the rest of the app needs.
//! Knows nothing of HTTP.

pub mod audit;
pub mod bulk;
pub mod cases;
pub mod changes;
pub mod den;
pub mod designees;
pub mod entities;
pub mod hearings;
pub mod imports;
pub mod links;
pub mod maintenance;
pub mod outbox;
pub mod portal;
pub mod privacy;
pub mod schools;
pub mod settings;
pub mod staff;
pub mod throttle;
pub mod uploads;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("baza de date: {0}")]
    Db(#[source] sea_orm::DbErr),
    /// Refused for a while, not for good: worth retrying in a few seconds ([`is_busy`]).
    #[error("baza de date este ocupată: {0}")]
    Busy(#[source] sea_orm::DbErr),
    #[error("nu pot crea dosarul bazei de date {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    /// A SQLite file another process holds (a restore, or the service during a restore).
    #[error("baza de date este ocupată: {0}")]
    InUse(String),
    #[error("date stocate invalide: {0}")]
    Corrupt(String),
}

pub type DbResult<T> = Result<T, DbError>;

impl From<sea_orm::DbErr> for DbError {
    fn from(e: sea_orm::DbErr) -> Self {
        if is_busy(&e) {
            DbError::Busy(e)
        } else {
            DbError::Db(e)
        }
    }
}

/// Whether the database refused for a while: SQLite busy or locked (result codes 5 and 6,
/// extended ones included), PostgreSQL serialization failure, deadlock, lock not available
/// or a statement cancelled by its timeout, no pooled connection in time, or a connection
/// the server dropped (the next try gets a fresh one). Read from the
/// driver's error codes, never from message text.
fn is_busy(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    let runtime = match e {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Exec(r) | DbErr::Query(r) | DbErr::Conn(r) => r,
        _ => return false,
    };
    let RuntimeErr::SqlxError(error) = runtime else {
        return false;
    };
    match error.as_ref() {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(database) => database.code().is_some_and(|c| busy_code(&c)),
        _ => false,
    }
}

fn busy_code(code: &str) -> bool {
    // PostgreSQL SQLSTATEs are five characters; SQLite's result codes are small numbers
    // whose low byte is the primary code (SQLITE_BUSY_SNAPSHOT is 517).
    const POSTGRES_BUSY: [&str; 4] = ["40001", "40P01", "55P03", "57014"];
    if code.len() == 5 {
        return POSTGRES_BUSY.contains(&code);
    }
    code.parse::<i64>()
        .is_ok_and(|number| matches!(number & 0xff, 5 | 6))
}

/// Opens the database named by `url`, creating a SQLite file (and its folder) on first use.
/// SQLite gets WAL, `synchronous=FULL`, `busy_timeout=5000` and foreign keys.
pub async fn connect(url: &str) -> DbResult<DatabaseConnection> {
    if let Some(path) = sqlite_file_path(url)
        && let Some(parent) = std::path::Path::new(&path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| DbError::Directory {
            path: parent.display().to_string(),
            source,
        })?;
    }
    if let Some(path) = sqlite_file_path(url) {
        maintenance::hold_in_use(std::path::Path::new(&path))?;
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if sqlite_file_path(url).is_some() || url.starts_with("sqlite:") {
        // Each SQLite connection is a worker thread; more of them than twice the cores only
        // adds thread switches (measured: the case page's p99 halves going from the
        // default pool to 4 on 2 cores). SQLite writes one at a time anyway.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        options.max_connections(u32::try_from(2 * cores).unwrap_or(4).clamp(2, 8));
        // A file connection does not break like a network one, and the ping before each
        // query was a second round trip to its worker thread (a third of a short query).
        options.test_before_acquire(false);
    } else {
        // PostgreSQL: no ping round trip before each query either (it doubled a detail
        // page's short queries under load); connections are recycled after 30 minutes, and a
        // connection the server dropped fails one query, which the page answers as busy.
        // A writer waits for a lock at most as long as SQLite's busy timeout, then is busy.
        options
            .test_before_acquire(false)
            .max_lifetime(Duration::from_secs(30 * 60))
            .map_sqlx_postgres_opts(|o| o.options([("lock_timeout", "5s")]));
    }
    options.map_sqlx_sqlite_opts(|o| {
        o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
            .busy_timeout(Duration::from_millis(5000))
            .foreign_keys(true)
            // Rows come from SQLite's worker thread through a channel; a deeper buffer lets
            // the board's full-table reads run ahead instead of waking the reader per row.
            .row_buffer_size(4096)
    });
    Ok(Database::connect(options).await?)
}

/// The row a primary or unique key selects. Not `.one()`, which adds `LIMIT ?`: SQLite
/// (3.46 and later) prepares a statement with a bound LIMIT again each time it runs, and the
/// detail pages read their record this way on every request.
pub async fn by_key<E, C>(db: &C, query: sea_orm::Select<E>) -> DbResult<Option<E::Model>>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    Ok(query.all(db).await?.into_iter().next())
}

/// Brings the schema up to date.
pub async fn migrate(db: &DatabaseConnection) -> DbResult<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// A write transaction; on SQLite it is `BEGIN IMMEDIATE`, so it waits for the write lock
/// up front instead of failing on upgrade.
pub async fn begin_write(db: &DatabaseConnection) -> DbResult<DatabaseTransaction> {
    let mode = (db.get_database_backend() == DbBackend::Sqlite)
        .then_some(SqliteTransactionMode::Immediate);
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: mode,
            ..Default::default()
        })
        .await?)
}

/// Whether the database answers with every migration of this version applied.
pub async fn readiness(db: &DatabaseConnection) -> DbResult<bool> {
    db.ping().await?;
    Ok(Migrator::get_pending_migrations(db).await?.is_empty())
}

/// The file behind a `sqlite:` URL, if it names a file.
pub fn sqlite_file_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_file_path("sqlite://data/isj-tracker.db?mode=rwc").as_deref(),
            Some("data/isj-tracker.db")
        );
        assert_eq!(
            sqlite_file_path("sqlite:///tmp/x.db").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
        assert_eq!(sqlite_file_path("postgres://u@h/db"), None);
    }

    #[test]
    fn busy_is_read_from_the_codes() {
        // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_BUSY_SNAPSHOT (517), SQLITE_LOCKED_SHAREDCACHE (262).
        for busy in ["5", "6", "517", "262", "40001", "40P01", "55P03", "57014"] {
            assert!(busy_code(busy), "{busy}");
        }
        // SQLITE_CONSTRAINT_UNIQUE (2067), SQLITE_IOERR (10), unique violation, syntax error.
        for not_busy in ["2067", "10", "23505", "42601"] {
            assert!(!busy_code(not_busy), "{not_busy}");
        }
    }
}
