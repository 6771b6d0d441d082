//! The D.E.N. campaign: its deadline and the extensions granted to single schools.

use chrono::NaiveDate;

use super::{Actor, AppError, AppResult, Ctx, pj};
use crate::db;
use crate::domain::change::Change;
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
    let mut tx = ctx.begin().await?;
    let before = db::den::active_campaign(tx.db()).await?;
    let after =
        db::den::save_campaign(tx.db(), before.as_ref(), deadline, title.as_deref(), now).await?;
    if before.as_ref().map(|b| b.deadline) != Some(after.deadline) {
        db::outbox::cancel_queued(tx.db(), None, DEADLINE_ITEMS).await?;
    }
    if before.as_ref() != Some(&after) {
        tx.record(Change::CampaignSet {
            before,
            after: after.clone(),
        });
    }
    ctx.commit(tx, actor).await?;
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
    let mut tx = ctx.begin().await?;
    let school = pj(tx.db(), school).await?;
    let campaign = db::den::active_campaign(tx.db())
        .await?
        .ok_or(DeadlineRefusal::NoCampaign)?;
    let reason: String = reason.trim().chars().take(1000).collect();
    den::check_extension(&campaign, until, &reason).map_err(|r| AppError::invalid("until", r))?;
    let before = db::den::extension_of(tx.db(), campaign.id, &school).await?;
    let after = Extension {
        until,
        reason,
        recorded_by: actor.name(),
        recorded_at: now,
    };
    db::den::save_extension(tx.db(), campaign.id, &school, &after).await?;
    db::outbox::cancel_queued(tx.db(), Some(std::slice::from_ref(&school)), DEADLINE_ITEMS).await?;
    tx.record(Change::ExtensionGranted {
        school,
        before,
        after: after.clone(),
    });
    ctx.commit(tx, actor).await?;
    Ok(after)
}

/// Withdraws a PJ's extension: the campaign's deadline applies to it again, and reminders
/// queued for the extended date go back to the planner.
pub async fn withdraw_extension(ctx: Ctx<'_>, actor: &Actor, school: &str) -> AppResult<()> {
    let mut tx = ctx.begin().await?;
    let school = pj(tx.db(), school).await?;
    let campaign = db::den::active_campaign(tx.db())
        .await?
        .ok_or(DeadlineRefusal::NoCampaign)?;
    let before = db::den::extension_of(tx.db(), campaign.id, &school)
        .await?
        .ok_or(AppError::NotFound("Prelungirea"))?;
    db::den::delete_extension(tx.db(), campaign.id, &school).await?;
    db::outbox::cancel_queued(tx.db(), Some(std::slice::from_ref(&school)), DEADLINE_ITEMS).await?;
    tx.record(Change::ExtensionWithdrawn { school, before });
    ctx.commit(tx, actor).await?;
    Ok(())
}
