//! The weekly D.E.N. report: written to `ISJ_REPORTS_DIR` and mailed (attached) to the legal
//! department through the outbox, once per ISO week, at the local time set in Settings.

use chrono::{DateTime, Datelike, NaiveTime, Utc};
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::domain::outbox::NewMail;
use crate::domain::reminders::WeeklySchedule;
use crate::mail::content::{Block, MailContent};
use crate::reports::{FileFormat, ReportError, ReportFilter, ReportKind};

/// The week's key once the scheduled moment of that week has passed (local time).
pub fn due_week(schedule: WeeklySchedule, at: DateTime<Utc>, tz: chrono_tz::Tz) -> Option<String> {
    let local = at.with_timezone(&tz);
    let planned = NaiveTime::from_hms_opt(schedule.hour, schedule.minute, 0)?;
    let weekday = local.weekday().number_from_monday();
    let passed =
        weekday > schedule.weekday || (weekday == schedule.weekday && local.time() >= planned);
    let week = local.iso_week();
    passed.then(|| format!("{}-W{:02}", week.year(), week.week()))
}

/// Writes and queues this week's report if it is due and not done yet; returns its path.
pub async fn run_if_due(
    db: &DatabaseConnection,
    config: &Config,
    domain: &str,
    at: DateTime<Utc>,
) -> Result<Option<std::path::PathBuf>, ReportError> {
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
    let (report, bytes) = crate::reports::export(
        db,
        &register,
        ReportKind::DenStatus,
        &ReportFilter {
            with_hearings: true,
            ..ReportFilter::default()
        },
        FileFormat::Xlsx,
        "raport săptămânal",
        at,
        config.timezone,
        &inspectorate,
    )
    .await?;
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
    let ctx = crate::app::Ctx {
        db,
        clock: &crate::clock::FixedClock(at),
        timezone: config.timezone,
        register: None,
    };
    crate::app::outbox::enqueue(ctx, mail, domain).await?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_is_due_after_its_local_moment() {
        let tz = chrono_tz::Europe::Bucharest;
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.to_utc())
                .unwrap_or_default()
        };
        let monday_8 = WeeklySchedule::default();
        assert_eq!(
            due_week(monday_8, at("2026-10-26T05:59:00Z"), tz),
            None,
            "07:59 winter time"
        );
        assert_eq!(
            due_week(monday_8, at("2026-10-26T06:00:00Z"), tz).as_deref(),
            Some("2026-W44")
        );
        assert_eq!(
            due_week(monday_8, at("2026-10-19T05:00:00Z"), tz).as_deref(),
            Some("2026-W43"),
            "08:00 summer time"
        );
        assert_eq!(
            due_week(monday_8, at("2026-10-25T12:00:00Z"), tz).as_deref(),
            Some("2026-W43"),
            "Sunday still belongs to last Monday's week"
        );
    }
}
