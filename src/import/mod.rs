//! Imports as one service used by the CLI and the web: schools (the SIIIR network), court
//! cases and designees. Every import validates the whole file, writes in one transaction,
//! records its batch and an audit row, and writes nothing on a dry run or a refusal.

mod lists;
mod schools;

pub use lists::{import_cases, import_designees};
pub use schools::import_schools;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use sea_orm::DatabaseTransaction;
use sha2::{Digest, Sha256};

use crate::db::{self, DbError};
use crate::domain::report::ImportReport;
use crate::domain::school_import::PlanError;
use crate::excel::SpreadsheetError;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Keep only rows of this county (`Judet PJ`); enables deactivation of missing schools.
    pub county: Option<String>,
    pub dry_run: bool,
    /// Any rejected row refuses the whole file.
    pub strict: bool,
    /// Who imports (shown in the import history).
    pub actor: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Spreadsheet(#[from] SpreadsheetError),
    #[error("{0}")]
    Plan(#[from] PlanError),
    #[error("mod strict: {0} rânduri respinse, nu am scris nimic")]
    StrictRejected(usize, Box<ImportReport>),
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("importul a fost întrerupt: {0}")]
    Interrupted(String),
}

impl ImportError {
    /// True when the file itself is at fault (exit status 2), not the system.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, ImportError::Db(_) | ImportError::Interrupted(_))
    }
}

/// Stages reported while an import runs (for a progress line on a terminal).
pub trait Progress: Send + Sync {
    fn stage(&self, message: &str);
}

pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _message: &str) {}
}

#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub report: ImportReport,
    /// The import-history row, when something was applied.
    pub batch_id: Option<i32>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The kinds of file the service imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Schools,
    Cases,
    Designees,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [
        ImportKind::Schools,
        ImportKind::Cases,
        ImportKind::Designees,
    ];

    /// The `kind` of the JSON report and of stored batches.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Schools => "schools",
            ImportKind::Cases => "cases",
            ImportKind::Designees => "designees",
        }
    }

    pub fn parse(text: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Runs the import of this kind (`county` only applies to schools).
    pub async fn run(
        self,
        db: &DatabaseConnection,
        clock: &dyn crate::clock::Clock,
        file_name: &str,
        bytes: Vec<u8>,
        options: &ImportOptions,
        progress: &dyn Progress,
    ) -> Result<ImportOutcome, ImportError> {
        match self {
            ImportKind::Schools => {
                import_schools(db, clock, file_name, bytes, options, progress).await
            }
            ImportKind::Cases => import_cases(db, clock, file_name, bytes, options, progress).await,
            ImportKind::Designees => {
                import_designees(db, clock, file_name, bytes, options, progress).await
            }
        }
    }
}

async fn rolled_back(txn: DatabaseTransaction, error: ImportError) -> ImportError {
    if let Err(e) = txn.rollback().await {
        tracing::error!(error = %e, "rollback after a failed import");
    }
    error
}

/// What the end of an import needs to know besides the report.
struct Concluding<'a> {
    /// The audit action, e.g. `import dosare`.
    label: &'a str,
    file_name: &'a str,
    sha256: &'a str,
    options: &'a ImportOptions,
    now: DateTime<Utc>,
}

/// Ends an import whose rows are written in `txn`: refuses under `--strict`, rolls back a dry
/// run, otherwise records the batch and an audit row and commits.
async fn conclude(
    txn: DatabaseTransaction,
    how: Concluding<'_>,
    mut report: ImportReport,
) -> Result<ImportOutcome, ImportError> {
    report.file = how.file_name.to_string();
    report.dry_run = how.options.dry_run;
    if how.options.strict && !report.rejected.is_empty() {
        let error = ImportError::StrictRejected(report.rejected_rows(), Box::new(report));
        return Err(rolled_back(txn, error).await);
    }
    if how.options.dry_run {
        txn.rollback().await.map_err(DbError::from)?;
        return Ok(ImportOutcome {
            report,
            batch_id: None,
        });
    }
    let batch = db::imports::NewBatch {
        file_name: how.file_name,
        sha256: how.sha256,
        actor: &how.options.actor,
        created_at: how.now,
        report: &report,
    };
    let id = db::imports::record(&txn, batch).await?;
    let details = format!(
        "{} (SHA-256 {}): {} noi, {} actualizate, {} neschimbate, {} dezactivate, {} rânduri respinse",
        how.file_name,
        how.sha256,
        report.inserted,
        report.updated,
        report.unchanged,
        report.deactivated,
        report.rejected_rows()
    );
    let entry = db::audit::AuditEntry {
        at: how.now,
        actor: how.options.actor.clone(),
        action: how.label.to_string(),
        entity: "import_batch".into(),
        entity_id: Some(id.to_string()),
        details: Some(details),
        before: None,
        after: None,
    };
    db::audit::record(&txn, entry).await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(ImportOutcome {
        report,
        batch_id: Some(id),
    })
}
