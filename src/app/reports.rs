//! Exports are events, not changes: who took which report with which filter is written to the
//! security log (`audit_log`), never to the change log, so the register does not move.

use super::{AppResult, Ctx};
use crate::db;

/// Records that `who` exported `what` (with the filter in words).
pub async fn record_export(ctx: Ctx<'_>, who: &str, what: &str, filter: &str) -> AppResult<()> {
    let entry = crate::domain::audit::AuditEntry {
        at: ctx.now(),
        actor: who.to_string(),
        action: "export raport".into(),
        entity: "report".into(),
        entity_id: Some(what.to_string()),
        details: Some(format!("{what}, filtru: {filter}")),
        before: None,
        after: None,
    };
    Ok(db::audit::record(ctx.db, entry).await?)
}

/// What an export is: which report, which rows, which file, for whom.
pub struct ExportRequest<'a> {
    pub kind: crate::reports::ReportKind,
    pub filter: &'a crate::reports::ReportFilter,
    pub format: crate::reports::FileFormat,
    /// Who takes it (an e-mail, or the command line / the weekly job in words).
    pub who: &'a str,
    pub inspectorate: &'a str,
}

/// The report's bytes, with an audit row naming who exported what with which filter.
pub async fn export(
    ctx: Ctx<'_>,
    register: &crate::register::Snapshot,
    request: ExportRequest<'_>,
) -> Result<(crate::domain::report_table::Report, Vec<u8>), crate::reports::ReportError> {
    use crate::reports::FileFormat;
    let report = crate::reports::build(
        ctx.db,
        register,
        request.kind,
        request.filter,
        ctx.now(),
        ctx.timezone,
    )
    .await?;
    let bytes = match request.format {
        FileFormat::Xlsx => crate::excel::report_writer::xlsx(&report, request.inspectorate)?,
        FileFormat::Csv(separator) => crate::excel::report_writer::csv(&report, separator)?,
    };
    let what = format!("{} ({})", request.kind.title(), request.format.extension());
    record_export(ctx, request.who, &what, &report.filter).await?;
    Ok((report, bytes))
}
