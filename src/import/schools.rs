//! The school import: read and validate the file off the async runtime while the apply use
//! case writes batches, all in one transaction.

use tokio::sync::mpsc;

use super::{Ctx, ImportError, ImportOptions, ImportOutcome, Progress, sha256_hex};
use crate::app::{self, imports::Source};
use crate::domain::cell::Row;
use crate::domain::import_report::ImportReport;
use crate::domain::school::SchoolRecord;
use crate::domain::school_import::{SchoolPlanner, school_header_verdict};
use crate::excel::{self, Limits, RowSink, SpreadsheetError};

/// Rows written per statement (30 columns each stays under every backend's parameter limit).
const BATCH: usize = 500;

/// Reads, validates and (unless dry-run) applies a school-network file. Reading and writing
/// overlap: a blocking task parses and validates while `app::imports::apply_schools` writes
/// its batches inside one transaction, rolled back if the file turns out to be refused.
pub async fn import_schools(
    ctx: Ctx<'_>,
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
    let planned = async {
        let report = reader
            .await
            .map_err(|e| ImportError::Interrupted(e.to_string()))??;
        progress.stage("salvez");
        Ok(report)
    };
    let source = Source {
        file_name,
        sha256: &sha256,
    };
    app::imports::apply_schools(ctx, options, source, batches, planned).await
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
