//! The case register's writes made by hand.

use super::{Actor, AppError, AppResult, Ctx, audit};
use crate::db;
use crate::domain::cases::{CaseStatus, StoredCase};

/// Closes or reopens a case; a school whose cases are all closed is blocked again.
pub async fn set_status(
    ctx: Ctx<'_>,
    actor: &Actor,
    id: i32,
    status: CaseStatus,
) -> AppResult<StoredCase> {
    let now = ctx.now();
    let txn = ctx.begin().await?;
    let (before, _) = db::cases::find(&txn, id, ctx.today())
        .await?
        .ok_or(AppError::NotFound("Dosarul"))?;
    db::cases::set_status(&txn, id, status, now).await?;
    let after = StoredCase {
        active: status == CaseStatus::Active,
        ..before.clone()
    };
    let action = match status {
        CaseStatus::Active => "redeschidere dosar",
        CaseStatus::Closed => "închidere dosar",
    };
    let key = id.to_string();
    audit(
        &txn,
        now,
        actor,
        action,
        ("court_case", &key),
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
