//! Case and designee lists: small tables (hundreds to thousands of rows) validated against the
//! stored schools, then applied by `app::imports` in one transaction.

use sea_orm::DatabaseConnection;

use super::{Ctx, ImportError, ImportOptions, ImportOutcome, Progress, sha256_hex};
use crate::app::{self, imports::Source};
use crate::db;
use crate::domain::case_import::{CasePlan, CasePlanner, case_header_verdict};
use crate::domain::cell::Row;
use crate::domain::columns::HeaderVerdict;
use crate::domain::designee::{DesigneePlanner, PlannedDesignee, designee_header_verdict};
use crate::domain::directory::SchoolDirectory;
use crate::domain::import_report::ImportReport;
use crate::excel::{self, Limits, RowSink, SpreadsheetError};

/// A validator of one list kind, fed row by row.
trait ListPlanner<'d>: Sized {
    type Plan;
    fn start(
        headers: &[String],
        sheet: Option<&str>,
        header_row: u32,
        directory: &'d SchoolDirectory,
    ) -> Self;
    fn push(&mut self, row: Row);
    fn finish(self) -> (Self::Plan, ImportReport);
}

impl<'d> ListPlanner<'d> for CasePlanner<'d> {
    type Plan = CasePlan;
    fn start(
        headers: &[String],
        sheet: Option<&str>,
        header_row: u32,
        directory: &'d SchoolDirectory,
    ) -> Self {
        CasePlanner::new(headers, sheet, header_row, directory)
    }
    fn push(&mut self, row: Row) {
        CasePlanner::push(self, row)
    }
    fn finish(self) -> (CasePlan, ImportReport) {
        CasePlanner::finish(self)
    }
}

impl<'d> ListPlanner<'d> for DesigneePlanner<'d> {
    type Plan = Vec<PlannedDesignee>;
    fn start(
        headers: &[String],
        sheet: Option<&str>,
        header_row: u32,
        directory: &'d SchoolDirectory,
    ) -> Self {
        DesigneePlanner::new(headers, sheet, header_row, directory)
    }
    fn push(&mut self, row: Row) {
        DesigneePlanner::push(self, row)
    }
    fn finish(self) -> (Vec<PlannedDesignee>, ImportReport) {
        DesigneePlanner::finish(self)
    }
}

struct ListSink<'d, P> {
    directory: &'d SchoolDirectory,
    planner: Option<P>,
}

impl<'d, P: ListPlanner<'d>> RowSink for ListSink<'d, P> {
    type Error = SpreadsheetError;

    fn header(
        &mut self,
        sheet: Option<&str>,
        header_row: u32,
        headers: Vec<String>,
    ) -> Result<(), SpreadsheetError> {
        self.planner = Some(P::start(&headers, sheet, header_row, self.directory));
        Ok(())
    }

    fn row(&mut self, row: Row) -> Result<(), SpreadsheetError> {
        if let Some(planner) = self.planner.as_mut() {
            planner.push(row);
        }
        Ok(())
    }
}

/// Feeds a file to one list validator.
fn run_planner<'d, P: ListPlanner<'d>>(
    bytes: &[u8],
    verdict: fn(&[String]) -> HeaderVerdict,
    directory: &'d SchoolDirectory,
) -> Result<(P::Plan, ImportReport), SpreadsheetError> {
    let mut sink: ListSink<'_, P> = ListSink {
        directory,
        planner: None,
    };
    excel::read_rows(bytes, &Limits::default(), &verdict, &mut sink)?;
    Ok(sink.planner.ok_or(SpreadsheetError::NoHeader)?.finish())
}

/// Validates a list against the stored schools on a blocking thread (parsing is CPU work).
async fn plan_list<T, F>(db: &DatabaseConnection, plan: F) -> Result<(T, ImportReport), ImportError>
where
    T: Send + 'static,
    F: FnOnce(&SchoolDirectory) -> Result<(T, ImportReport), SpreadsheetError> + Send + 'static,
{
    let directory = db::schools::directory(db).await?;
    let planned = tokio::task::spawn_blocking(move || plan(&directory));
    Ok(planned
        .await
        .map_err(|e| ImportError::Interrupted(e.to_string()))??)
}

/// Imports a litigation list: cases, their schools and access dates; access dates also move
/// the schools' D.E.N. history forward.
pub async fn import_cases(
    ctx: Ctx<'_>,
    file_name: &str,
    bytes: Vec<u8>,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportOutcome, ImportError> {
    progress.stage("citesc și verific lista de dosare");
    let sha256 = sha256_hex(&bytes);
    let (plan, report) = plan_list(ctx.db, move |directory| {
        run_planner::<CasePlanner<'_>>(&bytes, case_header_verdict, directory)
    })
    .await?;
    progress.stage("salvez");
    let source = Source {
        file_name,
        sha256: &sha256,
    };
    app::imports::apply_cases(ctx, options, source, plan, report).await
}

/// Imports the legal department's list of designees (and the D.E.N. step dates it carries).
pub async fn import_designees(
    ctx: Ctx<'_>,
    file_name: &str,
    bytes: Vec<u8>,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportOutcome, ImportError> {
    progress.stage("citesc și verific lista persoanelor desemnate");
    let sha256 = sha256_hex(&bytes);
    let (planned, report) = plan_list(ctx.db, move |directory| {
        run_planner::<DesigneePlanner<'_>>(&bytes, designee_header_verdict, directory)
    })
    .await?;
    progress.stage("salvez");
    let source = Source {
        file_name,
        sha256: &sha256,
    };
    app::imports::apply_designees(ctx, options, source, planned, report).await
}
