//! The school import as one service used by the CLI and the web: read and validate the file
//! off the async runtime, then write everything in one transaction.

use sea_orm::{DatabaseConnection, TransactionTrait};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::db::{self, DbError};
use crate::domain::report::ImportReport;
use crate::domain::school_import::{
    PlanError, SchoolImportPlan, drop_known_orphans, orphan_pj_codes, plan_school_import, school_header_verdict,
};
use crate::excel::{self, Limits, SpreadsheetError};

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

/// Reads, validates and (unless dry-run) applies a school-network file.
pub async fn import_schools(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    file_name: &str,
    bytes: Vec<u8>,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportOutcome, ImportError> {
    progress.stage("citesc fișierul");
    let sha256 = sha256_hex(&bytes);
    let county = options.county.clone();
    let SchoolImportPlan { accepted, mut report } = tokio::task::spawn_blocking(move || {
        let table = excel::read_table(&bytes, &Limits::default(), &school_header_verdict)?;
        Ok::<_, ImportError>(plan_school_import(&table, county.as_deref())?)
    })
    .await
    .map_err(|e| ImportError::Interrupted(e.to_string()))??;
    report.file = file_name.to_string();
    report.dry_run = options.dry_run;

    let orphans = orphan_pj_codes(&report);
    if !orphans.is_empty() {
        drop_known_orphans(&mut report, &db::schools::existing_codes(db, &orphans).await?);
    }
    if options.strict && !report.rejected.is_empty() {
        return Err(ImportError::StrictRejected(report.rejected_rows(), Box::new(report)));
    }

    progress.stage(&format!("scriu {} unități în baza de date", accepted.len()));
    let records: Vec<_> = accepted.into_iter().map(|a| a.record).collect();
    let deactivate = options.county.as_deref().filter(|_| report.rejected.is_empty());
    let now = clock.now();
    let txn = if options.dry_run { db.begin().await.map_err(DbError::from)? } else { db::begin_write(db).await? };
    let counts = db::schools::apply_import(&txn, &records, deactivate, now, !options.dry_run).await?;
    report.inserted = counts.inserted;
    report.updated = counts.updated;
    report.unchanged = counts.unchanged;
    report.deactivated = counts.deactivated;
    let batch_id = if options.dry_run {
        txn.rollback().await.map_err(DbError::from)?;
        None
    } else {
        let batch = db::imports::NewBatch {
            file_name,
            sha256: &sha256,
            actor: &options.actor,
            created_at: now,
            report: &report,
        };
        let id = db::imports::record(&txn, batch).await?;
        txn.commit().await.map_err(DbError::from)?;
        Some(id)
    };
    Ok(ImportOutcome { report, batch_id })
}
