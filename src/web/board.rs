//! The campaign board kept in memory between changes. Every change writes an audit row, so
//! the newest audit id (one indexed read) plus today's date tell whether the copy is fresh;
//! changes made by the command line are seen on the next request too.

use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDate};

use super::AppState;
use crate::db::cases::Hearing;
use crate::db::den::Campaign;
use crate::db::{self, DbError};
use crate::domain::board::Board;

/// What the overview and the filtered school list show.
pub struct Snapshot {
    pub campaign: Option<Campaign>,
    pub board: Board,
    pub hearings: Vec<Hearing>,
    /// Localities of active schools, for the filter lists.
    pub localities: Vec<String>,
}

/// Days ahead the overview lists hearings for.
pub const HEARING_DAYS: i64 = 14;

#[derive(Default)]
pub struct BoardCache {
    current: Mutex<Option<(i64, NaiveDate, Arc<Snapshot>)>>,
    /// One rebuild at a time; the others wait and reuse it.
    rebuilding: tokio::sync::Mutex<()>,
}

impl BoardCache {
    fn fresh(&self, version: i64, today: NaiveDate) -> Option<Arc<Snapshot>> {
        let current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        current
            .as_ref()
            .filter(|(v, d, _)| *v == version && *d == today)
            .map(|(_, _, s)| Arc::clone(s))
    }
}

pub fn today(state: &AppState) -> NaiveDate {
    state
        .clock
        .now()
        .with_timezone(&state.config.timezone)
        .date_naive()
}

pub async fn snapshot(state: &AppState) -> Result<Arc<Snapshot>, DbError> {
    let today = today(state);
    let version = db::audit::version(&state.db).await?;
    if let Some(hit) = state.board.fresh(version, today) {
        return Ok(hit);
    }
    let _one_at_a_time = state.board.rebuilding.lock().await;
    if let Some(hit) = state.board.fresh(version, today) {
        return Ok(hit);
    }
    let snapshot = Arc::new(Snapshot {
        campaign: db::den::active_campaign(&state.db).await?,
        board: db::board::load(&state.db, today).await?,
        hearings: db::cases::hearings_between(
            &state.db,
            today,
            today + Duration::days(HEARING_DAYS),
            100,
        )
        .await?,
        localities: db::schools::localities(&state.db).await?,
    });
    let mut current = state
        .board
        .current
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *current = Some((version, today, Arc::clone(&snapshot)));
    Ok(snapshot)
}
