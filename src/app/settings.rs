//! Settings the legal department edits: reminder rules and the weekly report's schedule.

use super::{Actor, AppError, AppResult, Ctx};
use crate::db;
use crate::domain::change::Change;
use crate::domain::reminders::{ReminderRules, WeeklySchedule};

/// Saves the reminder rules; queued reminders keep the rules that decided them.
pub async fn set_reminder_rules(
    ctx: Ctx<'_>,
    actor: &Actor,
    rules: ReminderRules,
) -> AppResult<ReminderRules> {
    let rules = rules
        .validated()
        .map_err(|m| AppError::invalid("offsets", format!("regulile nu au fost salvate: {m}")))?;
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let before = db::settings::reminder_rules(tx.db()).await?;
    db::settings::set_reminder_rules(tx.db(), &rules, &actor.name(), now).await?;
    if before != rules {
        tx.record(Change::SettingChanged {
            setting: "reguli memento".into(),
            before: Some(before.describe()),
            after: rules.describe(),
        });
    }
    ctx.commit(tx, actor).await?;
    Ok(rules)
}

/// Changes when the weekly report goes out (local time).
pub async fn set_weekly_schedule(
    ctx: Ctx<'_>,
    actor: &Actor,
    schedule: WeeklySchedule,
) -> AppResult<WeeklySchedule> {
    if !(1..=7).contains(&schedule.weekday) || schedule.hour > 23 || schedule.minute > 59 {
        return Err(AppError::invalid("weekday", "alegeți ziua și ora (HH:MM)"));
    }
    let now = ctx.now();
    let mut tx = ctx.begin().await?;
    let before = db::settings::weekly_schedule(tx.db()).await?;
    db::settings::set_weekly_schedule(tx.db(), &schedule, &actor.name(), now).await?;
    if before != schedule {
        tx.record(Change::SettingChanged {
            setting: "program raport săptămânal".into(),
            before: Some(before.describe()),
            after: schedule.describe(),
        });
    }
    ctx.commit(tx, actor).await?;
    Ok(schedule)
}
