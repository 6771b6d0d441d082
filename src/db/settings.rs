//! Settings edited in the web interface, stored as JSON values by key.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::DbResult;
use super::audit::{self, AuditEntry};
use super::entities::{mail_opt_out, setting};
use crate::domain::reminders::ReminderRules;

const REMINDER_RULES: &str = "reminder_rules";

/// The reminder rules, or the defaults when never set (or unreadable).
pub async fn reminder_rules<C: ConnectionTrait>(db: &C) -> DbResult<ReminderRules> {
    let stored = setting::Entity::find_by_id(REMINDER_RULES.to_string())
        .one(db)
        .await?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

pub async fn set_reminder_rules<C: ConnectionTrait>(
    db: &C,
    rules: &ReminderRules,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let before = reminder_rules(db).await?;
    let value = serde_json::to_string(rules).unwrap_or_default();
    setting::Entity::delete_by_id(REMINDER_RULES.to_string())
        .exec(db)
        .await?;
    let model = setting::ActiveModel {
        key: Set(REMINDER_RULES.into()),
        value: Set(value),
        updated_at: Set(now),
        updated_by: Set(actor.into()),
    };
    setting::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    audit::record(
        db,
        AuditEntry::change(
            now,
            actor,
            "reguli memento",
            "setting",
            REMINDER_RULES,
            Some(&before),
            Some(rules),
        ),
    )
    .await
}

/// Addresses that asked for no more non-critical mail.
pub async fn opted_out<C: ConnectionTrait>(db: &C) -> DbResult<std::collections::HashSet<String>> {
    Ok(mail_opt_out::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.email)
        .collect())
}

pub async fn opt_out<C: ConnectionTrait>(db: &C, email: &str, now: DateTime<Utc>) -> DbResult<()> {
    mail_opt_out::Entity::delete_by_id(email.to_string())
        .exec(db)
        .await?;
    mail_opt_out::Entity::insert(mail_opt_out::ActiveModel {
        email: Set(email.to_string()),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

const WEEKLY_REPORT: &str = "weekly_report";

/// When the weekly D.E.N. report is written and mailed (local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WeeklySchedule {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    pub hour: u32,
    pub minute: u32,
}

impl Default for WeeklySchedule {
    fn default() -> Self {
        WeeklySchedule {
            weekday: 1,
            hour: 8,
            minute: 0,
        }
    }
}

pub async fn weekly_schedule<C: ConnectionTrait>(db: &C) -> DbResult<WeeklySchedule> {
    let stored = setting::Entity::find_by_id(WEEKLY_REPORT.to_string())
        .one(db)
        .await?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

pub async fn set_weekly_schedule<C: ConnectionTrait>(
    db: &C,
    schedule: &WeeklySchedule,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let before = weekly_schedule(db).await?;
    setting::Entity::delete_by_id(WEEKLY_REPORT.to_string())
        .exec(db)
        .await?;
    let model = setting::ActiveModel {
        key: Set(WEEKLY_REPORT.into()),
        value: Set(serde_json::to_string(schedule).unwrap_or_default()),
        updated_at: Set(now),
        updated_by: Set(actor.into()),
    };
    setting::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    audit::record(
        db,
        AuditEntry::change(
            now,
            actor,
            "program raport săptămânal",
            "setting",
            WEEKLY_REPORT,
            Some(&before),
            Some(schedule),
        ),
    )
    .await
}
