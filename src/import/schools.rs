//! The school import: read and validate the file off the async runtime while the async side
//! writes batches, all in one transaction.

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use tokio::sync::mpsc;

use super::{
    Concluding, ImportError, ImportOptions, ImportOutcome, Progress, conclude, rolled_back,
    sha256_hex,
};

use crate::clock::Clock;
use crate::db::schools::SchoolWriter;
use crate::db::{self, DbError};
use crate::domain::cell::Row;
use crate::domain::report::ImportReport;
use crate::domain::school::SchoolRecord;
use crate::domain::school_import::{
    SchoolPlanner, drop_known_orphans, orphan_pj_codes, school_header_verdict,
};
use crate::excel::{self, Limits, RowSink, SpreadsheetError};

/// Rows written per statement (30 columns each stays under every backend's parameter limit).
const BATCH: usize = 500;

/// Reads, validates and (unless dry-run) applies a school-network file. Reading and writing
/// overlap: a blocking task parses and validates, the async side writes batches inside one
/// transaction, which is rolled back if the file turns out to be refused.
pub async fn import_schools(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    file_name: &str,
    bytes: Vec<u8>,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportOutcome, ImportError> {
    progress.stage("citesc și verific fișierul");
    let sha256 = sha256_hex(&bytes);
    let (sender, batches) = tokio::sync::mpsc::channel(4);
    let county = options.county.clone();
    let reader =
        tokio::task::spawn_blocking(move || read_and_plan(&bytes, county.as_deref(), sender));
    let now = clock.now();
    let txn = if options.dry_run {
        db.begin().await.map_err(DbError::from)?
    } else {
        db::begin_write(db).await?
    };
    let written = write_batches(&txn, batches, now, !options.dry_run).await;
    let planned = reader
        .await
        .map_err(|e| ImportError::Interrupted(e.to_string()))?;
    let (mut writer, mut report) = match (written, planned) {
        (Ok(writer), Ok(report)) => (writer, report),
        (_, Err(e)) => return Err(rolled_back(txn, e).await),
        (Err(e), Ok(_)) => return Err(rolled_back(txn, e.into()).await),
    };
    report.file = file_name.to_string();
    report.dry_run = options.dry_run;
    let stored_parents = writer.stored_among(&orphan_pj_codes(&report));
    drop_known_orphans(&mut report, &stored_parents);
    if options.strict && !report.rejected.is_empty() {
        let error = ImportError::StrictRejected(report.rejected_rows(), Box::new(report));
        return Err(rolled_back(txn, error).await);
    }
    if let Some(county) = options
        .county
        .as_deref()
        .filter(|_| report.rejected.is_empty())
    {
        writer.deactivate_missing(&txn, county).await?;
    }
    let counts = writer.counts();
    report.inserted = counts.inserted;
    report.updated = counts.updated;
    report.unchanged = counts.unchanged;
    report.deactivated = counts.deactivated;
    progress.stage("salvez");
    conclude(
        txn,
        Concluding {
            label: "import unități",
            file_name,
            sha256: &sha256,
            options,
            now,
        },
        report,
    )
    .await
}

/// Writes batches as they come; the receiver is dropped on return, which stops the reader.
async fn write_batches(
    txn: &DatabaseTransaction,
    mut batches: mpsc::Receiver<Vec<SchoolRecord>>,
    now: chrono::DateTime<chrono::Utc>,
    write: bool,
) -> Result<SchoolWriter, DbError> {
    let mut writer = SchoolWriter::load(txn, now, write).await?;
    while let Some(batch) = batches.recv().await {
        writer.apply(txn, batch).await?;
    }
    Ok(writer)
}

fn read_and_plan(
    bytes: &[u8],
    county: Option<&str>,
    sender: mpsc::Sender<Vec<SchoolRecord>>,
) -> Result<ImportReport, ImportError> {
    let mut sink = PlanningSink {
        county,
        planner: None,
        batch: Vec::with_capacity(BATCH),
        sender,
    };
    excel::read_rows(bytes, &Limits::default(), &school_header_verdict, &mut sink)?;
    let planner = sink.planner.take().ok_or(SpreadsheetError::NoHeader)?;
    let (last, report) = planner.finish();
    sink.batch.extend(last.map(|a| a.record));
    sink.flush()?;
    Ok(report)
}

/// Validates rows as the reader produces them and sends accepted schools in batches.
struct PlanningSink<'a> {
    county: Option<&'a str>,
    planner: Option<SchoolPlanner>,
    batch: Vec<SchoolRecord>,
    sender: mpsc::Sender<Vec<SchoolRecord>>,
}

impl PlanningSink<'_> {
    fn flush(&mut self) -> Result<(), ImportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.sender
            .blocking_send(batch)
            .map_err(|_| ImportError::Interrupted("scrierea în baza de date s-a oprit".into()))
    }
}

impl RowSink for PlanningSink<'_> {
    type Error = ImportError;

    fn header(
        &mut self,
        sheet: Option<&str>,
        header_row: u32,
        headers: Vec<String>,
    ) -> Result<(), ImportError> {
        self.planner = Some(SchoolPlanner::new(
            &headers,
            sheet,
            header_row,
            self.county,
        )?);
        Ok(())
    }

    fn row(&mut self, row: Row) -> Result<(), ImportError> {
        let accepted = self.planner.as_mut().and_then(|planner| planner.push(row));
        if let Some(school) = accepted {
            self.batch.push(school.record);
            if self.batch.len() >= BATCH {
                self.flush()?;
            }
        }
        Ok(())
    }
}
