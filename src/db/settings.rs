//! Settings edited in the web interface, stored as JSON values by key.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::{Serialize, de::DeserializeOwned};

use super::DbResult;
use super::entities::{mail_opt_out, setting};
use crate::domain::privacy::PrivacySettings;
use crate::domain::reminders::ReminderRules;

const REMINDER_RULES: &str = "reminder_rules";
const WEEKLY_REPORT: &str = "weekly_report";
const PORTAL_SYNC: &str = "portal_sync";
const PORTAL_LAST_RUN: &str = "portal_last_run";
const PRIVACY: &str = "privacy";
const RETENTION_LAST_RUN: &str = "retention_last_run";

/// A stored setting, or its default when never set (or unreadable).
async fn get<C: ConnectionTrait, T: DeserializeOwned + Default>(db: &C, key: &str) -> DbResult<T> {
    let stored = setting::Entity::find_by_id(key.to_string()).one(db).await?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

async fn set<C, T>(db: &C, key: &str, value: &T, actor: &str, now: DateTime<Utc>) -> DbResult<()>
where
    C: ConnectionTrait,
    T: Serialize,
{
    setting::Entity::delete_by_id(key.to_string())
        .exec(db)
        .await?;
    let model = setting::ActiveModel {
        key: Set(key.into()),
        value: Set(serde_json::to_string(value).unwrap_or_default()),
        updated_at: Set(now),
        updated_by: Set(actor.into()),
    };
    setting::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Everything Setări shows, in one read.
#[derive(Debug, Clone, Default)]
pub struct AllSettings {
    pub rules: ReminderRules,
    pub weekly: WeeklySchedule,
    pub portal: crate::domain::portal::PortalSettings,
    pub portal_last_run: Option<crate::domain::portal::RunRecord>,
    pub privacy: PrivacySettings,
    pub retention_last_run: Option<NaiveDate>,
}

pub async fn all<C: ConnectionTrait>(db: &C) -> DbResult<AllSettings> {
    let rows: std::collections::HashMap<String, String> = setting::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect();
    fn value<T: DeserializeOwned + Default>(
        rows: &std::collections::HashMap<String, String>,
        key: &str,
    ) -> T {
        rows.get(key)
            .and_then(|v| serde_json::from_str(v).ok())
            .unwrap_or_default()
    }
    Ok(AllSettings {
        rules: value(&rows, REMINDER_RULES),
        weekly: value(&rows, WEEKLY_REPORT),
        portal: value(&rows, PORTAL_SYNC),
        portal_last_run: value(&rows, PORTAL_LAST_RUN),
        privacy: value(&rows, PRIVACY),
        retention_last_run: value(&rows, RETENTION_LAST_RUN),
    })
}

pub async fn reminder_rules<C: ConnectionTrait>(db: &C) -> DbResult<ReminderRules> {
    get(db, REMINDER_RULES).await
}

pub async fn set_reminder_rules<C: ConnectionTrait>(
    db: &C,
    rules: &ReminderRules,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    set(db, REMINDER_RULES, rules, actor, now).await
}

use crate::domain::reminders::WeeklySchedule;

pub async fn weekly_schedule<C: ConnectionTrait>(db: &C) -> DbResult<WeeklySchedule> {
    get(db, WEEKLY_REPORT).await
}

pub async fn set_weekly_schedule<C: ConnectionTrait>(
    db: &C,
    schedule: &WeeklySchedule,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    set(db, WEEKLY_REPORT, schedule, actor, now).await
}

pub async fn portal_settings<C: ConnectionTrait>(
    db: &C,
) -> DbResult<crate::domain::portal::PortalSettings> {
    get(db, PORTAL_SYNC).await
}

pub async fn set_portal_settings<C: ConnectionTrait>(
    db: &C,
    settings: &crate::domain::portal::PortalSettings,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    set(db, PORTAL_SYNC, settings, actor, now).await
}

/// The last sync run (none before the first).
pub async fn portal_last_run<C: ConnectionTrait>(
    db: &C,
) -> DbResult<Option<crate::domain::portal::RunRecord>> {
    get(db, PORTAL_LAST_RUN).await
}

pub async fn set_portal_last_run<C: ConnectionTrait>(
    db: &C,
    run: &crate::domain::portal::RunRecord,
    now: DateTime<Utc>,
) -> DbResult<()> {
    set(db, PORTAL_LAST_RUN, &Some(run), "portal.just.ro", now).await
}

/// The retention rule and the data protection officer's contact.
pub async fn privacy<C: ConnectionTrait>(db: &C) -> DbResult<PrivacySettings> {
    get(db, PRIVACY).await
}

pub async fn set_privacy<C: ConnectionTrait>(
    db: &C,
    settings: &PrivacySettings,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    set(db, PRIVACY, settings, actor, now).await
}

/// The local day the retention rule last ran (none before the first run).
pub async fn retention_last_run<C: ConnectionTrait>(db: &C) -> DbResult<Option<NaiveDate>> {
    get(db, RETENTION_LAST_RUN).await
}

pub async fn set_retention_last_run<C: ConnectionTrait>(
    db: &C,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> DbResult<()> {
    set(db, RETENTION_LAST_RUN, &Some(day), "sistem (retenție)", now).await
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
