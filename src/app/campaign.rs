//! The D.E.N. campaign: its deadline and the extensions granted to single schools.

use chrono::NaiveDate;

use super::{Actor, AppError, AppResult, Ctx, audit, pj};
use crate::db;
use crate::domain::den::{self, Campaign, DeadlineRefusal, Extension};
use crate::domain::reminders::DEADLINE_ITEMS;

/// Sets the campaign deadline (and title when given), creating the campaign the first time.
/// Queued reminders that name the old deadline are withdrawn.
pub async fn set_deadline(
    ctx: Ctx<'_>,
    actor: &Actor,
    deadline: NaiveDate,
    title: Option<&str>,
) -> AppResult<Campaign> {
    den::check_deadline(deadline, ctx.today())?;
    let title = title
        .map(|t| t.trim().chars().take(200).collect::<String>())
        .filter(|t| !t.is_empty());
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let before = db::den::active_campaign(&txn).await?;
    let after =
        db::den::save_campaign(&txn, before.as_ref(), deadline, title.as_deref(), now).await?;
    if before.as_ref().map(|b| b.deadline) != Some(after.deadline) {
        db::outbox::cancel_queued(&txn, None, DEADLINE_ITEMS).await?;
    }
    let id = after.id.to_string();
    audit(
        &txn,
        now,
        actor,
        "termen campanie",
        ("campaign", &id),
        before.as_ref(),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Gives one PJ a later deadline than the campaign's (or changes the one it has).
pub async fn extend(
    ctx: Ctx<'_>,
    actor: &Actor,
    school: &str,
    until: NaiveDate,
    reason: &str,
) -> AppResult<Extension> {
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let school = pj(&txn, school).await?;
    let campaign = db::den::active_campaign(&txn)
        .await?
        .ok_or(DeadlineRefusal::NoCampaign)?;
    let reason: String = reason.trim().chars().take(1000).collect();
    den::check_extension(&campaign, until, &reason).map_err(|r| AppError::invalid("until", r))?;
    let before = db::den::extension_of(&txn, campaign.id, &school).await?;
    let after = Extension {
        until,
        reason,
        recorded_by: actor.name(),
        recorded_at: now,
    };
    db::den::save_extension(&txn, campaign.id, &school, &after).await?;
    db::outbox::cancel_queued(&txn, Some(std::slice::from_ref(&school)), DEADLINE_ITEMS).await?;
    audit(
        &txn,
        now,
        actor,
        "prelungire termen",
        ("school", &school),
        before.as_ref(),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
