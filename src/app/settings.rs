//! Settings the legal department edits: reminder rules and the weekly report's schedule.

use super::{Actor, AppError, AppResult, Ctx, audit};
use crate::db;
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
    let txn = ctx.begin().await?;
    let before = db::settings::reminder_rules(&txn).await?;
    db::settings::set_reminder_rules(&txn, &rules, &actor.name(), now).await?;
    audit(
        &txn,
        now,
        actor,
        "reguli memento",
        ("setting", "reminder_rules"),
        Some(&before),
        Some(&rules),
    )
    .await?;
    txn.commit().await?;
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
    let txn = ctx.begin().await?;
    let before = db::settings::weekly_schedule(&txn).await?;
    db::settings::set_weekly_schedule(&txn, &schedule, &actor.name(), now).await?;
    audit(
        &txn,
        now,
        actor,
        "program raport săptămânal",
        ("setting", "weekly_report"),
        Some(&before),
        Some(&schedule),
    )
    .await?;
    txn.commit().await?;
    Ok(schedule)
}
