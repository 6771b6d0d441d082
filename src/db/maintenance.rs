//! What backup and restore ask of the database itself: a consistent copy, an integrity check,
//! the migrations a copy has, and a lock that says a SQLite file is in use.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use super::{DbError, DbResult};

/// Writes a consistent copy of a SQLite database to `target` (which must not exist) while
/// others keep writing: `VACUUM INTO` reads inside one transaction.
pub async fn sqlite_copy_into(db: &DatabaseConnection, target: &Path) -> DbResult<()> {
    let path = target.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{path}'"))
        .await?;
    Ok(())
}

/// SQLite's own verdict on a file: `ok`, or the first problems it lists.
pub async fn sqlite_integrity(db: &DatabaseConnection) -> DbResult<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check(5)",
        ))
        .await?;
    let lines: Vec<String> = rows
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    Ok(lines.join("; "))
}

/// The names of the migrations recorded as applied (none when the table is missing).
pub async fn applied_migrations(db: &DatabaseConnection) -> DbResult<Vec<String>> {
    let backend = db.get_database_backend();
    let exists = match backend {
        DbBackend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'"
        }
        _ => "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'seaql_migrations'",
    };
    let found = db
        .query_one_raw(Statement::from_string(backend, exists))
        .await?
        .and_then(|row| {
            row.try_get_by_index::<i64>(0)
                .ok()
                .or_else(|| row.try_get_by_index::<i32>(0).ok().map(i64::from))
        })
        .unwrap_or(0);
    if found == 0 {
        return Ok(Vec::new());
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect())
}

/// The lock file beside a SQLite database.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Lock files this process holds shared for as long as it runs (the database is open).
static HELD: Mutex<Vec<File>> = Mutex::new(Vec::new());

/// Marks the SQLite file as in use by this process until it exits (a shared lock on its
/// `.lock` file; any number of processes may hold it, a restore needs it alone).
pub fn hold_in_use(database: &Path) -> DbResult<()> {
    let path = lock_path(database);
    let file = open_lock(&path)?;
    match file.try_lock_shared() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(DbError::InUse(format!(
                "{} este în curs de restaurare",
                database.display()
            )));
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(DbError::Directory {
                path: path.display().to_string(),
                source,
            });
        }
    }
    HELD.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(file);
    Ok(())
}

/// Takes the SQLite file for this process alone (a restore); refused while any other
/// process has it open through this program.
pub fn take_alone(database: &Path) -> DbResult<File> {
    let path = lock_path(database);
    let file = open_lock(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(DbError::InUse(format!(
            "{} este deschisă de un alt proces (serviciul rulează?); opriți-l întâi",
            database.display()
        ))),
        Err(std::fs::TryLockError::Error(source)) => Err(DbError::Directory {
            path: path.display().to_string(),
            source,
        }),
    }
}

fn open_lock(path: &Path) -> DbResult<File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|source| DbError::Directory {
            path: path.display().to_string(),
            source,
        })
}

/// Work that one replica at a time may do on a shared PostgreSQL database.
#[derive(Debug, Clone, Copy)]
pub enum Singleton {
    /// The per-minute planner: reminders, the weekly report, the hearing digest, the nightly
    /// retention rule.
    Planner,
    /// The daily portal.just.ro sync.
    PortalSync,
}

impl Singleton {
    fn key(self) -> i64 {
        // Arbitrary constants, "isj" in ASCII followed by a number.
        match self {
            Singleton::Planner => 0x0069_736a_0001,
            Singleton::PortalSync => 0x0069_736a_0002,
        }
    }
}

/// Held while the work runs; [`SingletonGuard::release`] ends it. (Only dropped, the lock
/// would last until the pool next used the connection: sqlx rolls back lazily.)
pub struct SingletonGuard {
    transaction: Option<sea_orm::DatabaseTransaction>,
}

impl SingletonGuard {
    pub async fn release(self) -> DbResult<()> {
        if let Some(transaction) = self.transaction {
            transaction.rollback().await?;
        }
        Ok(())
    }
}

/// On PostgreSQL, a transaction-scoped advisory lock: `None` when another replica holds it.
/// On SQLite (one process per database) always granted.
pub async fn try_singleton(
    db: &DatabaseConnection,
    work: Singleton,
) -> DbResult<Option<SingletonGuard>> {
    use sea_orm::TransactionTrait;
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(Some(SingletonGuard { transaction: None }));
    }
    let transaction = db.begin().await?;
    let row = transaction
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_try_advisory_xact_lock($1)",
            [work.key().into()],
        ))
        .await?;
    let granted = row
        .map(|r| r.try_get_by_index::<bool>(0))
        .transpose()?
        .unwrap_or(false);
    Ok(granted.then_some(SingletonGuard {
        transaction: Some(transaction),
    }))
}
