//! The weekly D.E.N. report: written to `ISJ_REPORTS_DIR` and mailed (attached) to the legal
//! department through the outbox, once per ISO week, at the local time set in Settings.

use super::Ctx;
use crate::config::Config;
use crate::domain::outbox::NewMail;
use crate::domain::reminders::due_week;
use crate::mail::content::{Block, MailContent};
use crate::reports::{FileFormat, ReportError, ReportFilter, ReportKind};

/// Writes and queues this week's report if it is due and not done yet; returns its path.
pub async fn run_if_due(
    ctx: Ctx<'_>,
    config: &Config,
    domain: &str,
) -> Result<Option<std::path::PathBuf>, ReportError> {
    let (db, at) = (ctx.db, ctx.now());
    let schedule = crate::db::settings::weekly_schedule(db).await?;
    let Some(week) = due_week(schedule, at, config.timezone) else {
        return Ok(None);
    };
    let Some(legal) = config.legal_email.as_deref() else {
        return Ok(None);
    };
    let key = format!("weekly-report:{week}:{legal}");
    if crate::db::outbox::exists(db, &key).await? {
        return Ok(None);
    }
    let inspectorate = crate::domain::county::inspectorate_name(&config.county);
    let register = crate::register::Register::read_once(db, at, config.timezone).await?;
    let filter = ReportFilter {
        with_hearings: true,
        ..ReportFilter::default()
    };
    let request = super::reports::ExportRequest {
        kind: ReportKind::DenStatus,
        filter: &filter,
        format: FileFormat::Xlsx,
        who: "raport săptămânal",
        inspectorate: &inspectorate,
    };
    let (report, bytes) = super::reports::export(ctx, &register, request).await?;
    let day = at.with_timezone(&config.timezone).format("%Y-%m-%d");
    let name = format!("den-status-{day}.xlsx");
    let path = config.reports_dir.join(&name);
    crate::reports::write_file(&path, &bytes)?;
    let absolute = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let content = MailContent {
        subject: format!(
            "Raport săptămânal D.E.N. — {}",
            at.with_timezone(&config.timezone).format("%d.%m.%Y")
        ),
        greeting: "Stimați colegi,".into(),
        blocks: vec![Block::Paragraph(format!(
            "Atașat găsiți situația conturilor D.E.N. pe unități ({}), generată la {}.",
            report.filter, report.generated_at
        ))],
        signature: format!("isj-tracker, {inspectorate}"),
        opt_out: None,
        privacy: None,
    };
    let mail = NewMail {
        attachment: Some((absolute.display().to_string(), name)),
        ..content.to_mail(key, crate::domain::outbox::MailKind::Report, legal, false)
    };
    super::outbox::enqueue(ctx, mail, domain).await?;
    Ok(Some(path))
}
