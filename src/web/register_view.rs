//! What pages read from the register, and the outbox counts the overview and Mesaje show
//! (mail is not part of the register: counted from the database, at most every few seconds).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::NaiveDate;

use super::AppState;
use crate::db::{self, DbError};
use crate::register::Snapshot;

/// How long the outbox counts are trusted.
const OUTBOX_COUNTS_AGE: std::time::Duration = std::time::Duration::from_secs(10);

type OutboxCounts = Vec<(crate::domain::outbox::OutboxStatus, i64)>;

/// Mail by status, counted at most every [`OUTBOX_COUNTS_AGE`].
#[derive(Default)]
pub struct OutboxCountsCache(Mutex<Option<(Instant, OutboxCounts)>>);

pub fn today(state: &AppState) -> NaiveDate {
    state.register.today()
}

/// The register as it stands, with what other processes committed applied first.
pub async fn snapshot(state: &AppState) -> Result<Arc<Snapshot>, DbError> {
    state.register.fresh().await
}

/// Mail by status (overview, Mesaje): counted again when the last count is old.
pub async fn outbox_counts(state: &AppState) -> Result<OutboxCounts, DbError> {
    let lock = || {
        state
            .outbox_counts
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some((_, counts)) = lock()
        .as_ref()
        .filter(|(at, _)| at.elapsed() < OUTBOX_COUNTS_AGE)
    {
        return Ok(counts.clone());
    }
    let counts = db::outbox::counts(&state.db).await?;
    *lock() = Some((Instant::now(), counts.clone()));
    Ok(counts)
}

/// Mail given up on, for the overview.
pub async fn dead_mail(state: &AppState) -> Result<i64, DbError> {
    Ok(outbox_counts(state)
        .await?
        .into_iter()
        .find(|(s, _)| *s == crate::domain::outbox::OutboxStatus::Dead)
        .map_or(0, |(_, n)| n))
}
