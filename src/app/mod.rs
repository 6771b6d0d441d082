//! The application layer: one function per use case. Every write in the service goes through
//! here, whichever door it comes from (staff pages, directors' links, the command line,
//! imports, background jobs): the door parses its input into domain types and calls the use
//! case, which opens the transaction, checks the rules in `domain`, writes through `db`,
//! records the typed changes it made, queues or cancels mail, and commits. The changes go to
//! the change log in that transaction and, once committed, to the in-memory register.

pub mod campaign;
pub mod cases;
pub mod den;
pub mod designees;
pub mod enrolment;
pub mod hearing_digest;
pub mod hearings;
pub mod imports;
pub mod links;
pub mod outbox;
pub mod portal;
pub mod privacy;
pub mod reminders;
pub mod reports;
pub mod settings;
pub mod sign_in;
pub mod staff;
pub mod throttle;
pub mod weekly_report;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use crate::clock::Clock;
use crate::db::{self, DbError};
use crate::domain::change::{Change, ChangeRecord};
use crate::register::Register;

/// Who asks for a change; the audit trail names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in staff member, by e-mail.
    Staff(String),
    /// A director through a one-time link from a mail.
    DirectorLink,
    /// The command line on the server.
    CommandLine,
    /// An import, on behalf of whoever started it.
    Import(String),
    /// A background job.
    System(&'static str),
}

impl Actor {
    /// The name the audit trail and the step history show.
    pub fn name(&self) -> String {
        match self {
            Actor::Staff(email) => email.clone(),
            Actor::DirectorLink => "unitate (link din e-mail)".into(),
            Actor::CommandLine => "linie de comandă".into(),
            Actor::Import(by) => by.clone(),
            Actor::System(job) => format!("sistem ({job})"),
        }
    }

    fn step_source(&self) -> crate::domain::den::StepSource {
        use crate::domain::den::StepSource;
        match self {
            Actor::DirectorLink => StepSource::DirectorLink,
            Actor::Import(_) => StepSource::Import,
            _ => StepSource::Staff,
        }
    }
}

/// What every use case needs besides its input.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a DatabaseConnection,
    pub clock: &'a dyn Clock,
    pub timezone: Tz,
    /// The server's register, handed each committed change; the command line has none (the
    /// server reads what it committed from the log).
    pub register: Option<&'a Arc<Register>>,
}

/// A use case's write transaction and the changes it made in it.
pub struct Tx {
    txn: DatabaseTransaction,
    changes: Vec<Change>,
    batch: Option<i32>,
}

impl Tx {
    /// The transaction, for the queries and writes of `db`.
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Records a change made in this transaction.
    pub fn record(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// The import batch the following changes belong to.
    fn set_batch(&mut self, batch: i32) {
        self.batch = Some(batch);
    }

    /// A savepoint inside this transaction: its changes join this one's only if released.
    async fn savepoint(&self) -> AppResult<Tx> {
        use sea_orm::TransactionTrait;
        Ok(Tx {
            txn: self.txn.begin().await?,
            changes: Vec::new(),
            batch: self.batch,
        })
    }

    /// Keeps what the savepoint wrote, and its changes.
    async fn release_into(self, outer: &mut Tx) -> AppResult<()> {
        self.txn.commit().await?;
        outer.changes.extend(self.changes);
        Ok(())
    }

    /// Undoes everything (a dry run, a refusal); nothing is recorded.
    async fn rollback(self) -> AppResult<()> {
        Ok(self.txn.rollback().await?)
    }
}

impl<'a> Ctx<'a> {
    /// A context without a register (the command line, jobs of another process, tests).
    pub fn new(db: &'a DatabaseConnection, clock: &'a dyn Clock, timezone: Tz) -> Ctx<'a> {
        Ctx {
            db,
            clock,
            timezone,
            register: None,
        }
    }
}

impl Ctx<'_> {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in the inspectorate's time zone: the day deadlines are counted in.
    pub fn today(&self) -> NaiveDate {
        crate::domain::calendar::local_date(self.clock.now(), self.timezone)
    }

    /// A transaction for a dry run: read like a write, always rolled back.
    async fn begin_dry(&self) -> Result<Tx, AppError> {
        use sea_orm::TransactionTrait;
        Ok(Tx {
            txn: self.db.begin().await?,
            changes: Vec::new(),
            batch: None,
        })
    }

    async fn begin(&self) -> Result<Tx, AppError> {
        Ok(Tx {
            txn: db::begin_write(self.db).await?,
            changes: Vec::new(),
            batch: None,
        })
    }

    /// Writes the changes to the log, commits, and hands them to the register; returns them
    /// as committed (with their versions).
    async fn commit(&self, tx: Tx, actor: &Actor) -> AppResult<Vec<ChangeRecord>> {
        let records =
            db::changes::append(&tx.txn, self.now(), &actor.name(), tx.batch, tx.changes).await?;
        tx.txn.commit().await?;
        if let Some(register) = self.register {
            register.applied(records.clone()).await;
        }
        Ok(records)
    }
}

/// How a use case fails; the web, the CLI and the imports each map it once.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input breaks a rule; `message` is Romanian and names what is wrong.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0} nu există")]
    NotFound(&'static str),
    /// The change collides with what is stored (a used link, a state that forbids it).
    #[error("{0}")]
    Conflict(String),
    /// The record exists already; `existing` is its page.
    #[error("{message}")]
    Duplicate { message: String, existing: String },
    #[error("{0}")]
    Forbidden(String),
    /// The system failed; the cause chain is kept for the log.
    #[error("{context}")]
    Unexpected {
        context: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: &'static str, message: impl std::fmt::Display) -> AppError {
        AppError::Invalid {
            field,
            message: sentence(&message.to_string()),
        }
    }

    pub fn unexpected(
        context: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> AppError {
        AppError::Unexpected {
            context,
            source: Box::new(source),
        }
    }

    /// The cause chain in one line, for logs, each cause once.
    pub fn chain(&self) -> String {
        let first: &(dyn std::error::Error + 'static) = self;
        let causes = std::iter::successors(Some(first), |e| e.source());
        crate::telemetry::said_once(causes.map(ToString::to_string))
    }

    /// The database was busy: worth retrying in a few seconds.
    pub fn is_busy(&self) -> bool {
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            if matches!(cause.downcast_ref::<DbError>(), Some(DbError::Busy(_))) {
                return true;
            }
            source = cause.source();
        }
        false
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        AppError::unexpected("baza de date", e)
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::unexpected("baza de date", DbError::from(e))
    }
}

impl From<crate::domain::den::StepRefusal> for AppError {
    fn from(refusal: crate::domain::den::StepRefusal) -> Self {
        AppError::invalid("step", refusal)
    }
}

impl From<crate::domain::den::DeadlineRefusal> for AppError {
    fn from(refusal: crate::domain::den::DeadlineRefusal) -> Self {
        AppError::invalid("deadline", refusal)
    }
}

/// A rule's lower-case text as a sentence: capital first letter, final full stop.
pub fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// The PJ a school obligation is recorded at, or why not.
async fn pj(txn: &DatabaseTransaction, code: &str) -> AppResult<String> {
    let school = db::schools::find(txn, code)
        .await?
        .ok_or(AppError::NotFound("Unitatea"))?;
    if school.record.is_pj() {
        Ok(school.record.code)
    } else {
        Err(AppError::invalid(
            "school",
            "obligațiile se înregistrează la unitatea PJ",
        ))
    }
}

#[cfg(test)]
mod chain_tests {
    use super::*;

    #[test]
    fn a_logged_chain_says_each_cause_once() {
        let failed = AppError::from(DbError::from(sea_orm::DbErr::Custom("disc plin".into())));
        assert_eq!(failed.chain(), "baza de date: Custom Error: disc plin");
        assert!(!failed.is_busy());
    }
}
