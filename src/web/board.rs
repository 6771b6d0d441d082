//! The campaign board kept in memory between changes. Every change writes an audit row, so
//! the newest audit id (one indexed read) plus today's date tell whether the copy is fresh;
//! changes made by the command line are seen on the next request too.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Duration, NaiveDate};

use super::AppState;
use crate::db::cases::Hearing;
use crate::db::den::Campaign;
use crate::db::{self, DbError};
use crate::domain::board::Board;
use crate::domain::register::{CaseIndex, DesigneeIndex, SchoolIndex};

/// What the overview and the filtered school list show.
pub struct Snapshot {
    pub campaign: Option<Campaign>,
    pub board: Board,
    pub hearings: Vec<Hearing>,
    /// Every unit and the whole case register, for the list pages.
    pub schools: SchoolIndex,
    pub cases: CaseIndex,
    pub designees: DesigneeIndex,
    /// Every school's recorded D.E.N. steps, in the order they were recorded.
    pub steps: std::collections::HashMap<String, Vec<crate::domain::den::StepRecord>>,
    /// Summaries the overview shows, computed once per snapshot.
    pub counts: std::collections::HashMap<crate::domain::den::StatusKind, u32>,
    pub progress: (u32, u32),
    pub chart: Vec<crate::domain::board::LocalityBar>,
}

/// How long the outbox counts (which change without an audit row) are trusted.
const OUTBOX_COUNTS_AGE: std::time::Duration = std::time::Duration::from_secs(10);

/// Localities drawn in the overview's chart.
const CHART_LOCALITIES: usize = 15;

/// Days ahead the overview lists hearings for.
pub const HEARING_DAYS: i64 = 14;

/// How long a snapshot is trusted without asking the database whether anything changed.
/// Changes made through this server invalidate it at once; this only delays what the
/// command line changes.
const RECHECK_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

struct Cached {
    version: i64,
    today: NaiveDate,
    verified_at: Instant,
    snapshot: Arc<Snapshot>,
}

#[derive(Default)]
pub struct BoardCache {
    current: Mutex<Option<Cached>>,
    /// One rebuild at a time; the others wait and reuse it.
    rebuilding: tokio::sync::Mutex<()>,
    /// Mail by status, counted at most every [`OUTBOX_COUNTS_AGE`].
    outbox_counts: Mutex<Option<(Instant, OutboxCounts)>>,
}

impl BoardCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The snapshot, if it was confirmed fresh less than [`RECHECK_AFTER`] ago.
    fn recent(&self, today: NaiveDate) -> Option<Arc<Snapshot>> {
        let current = self.lock();
        current
            .as_ref()
            .filter(|c| c.today == today && c.verified_at.elapsed() < RECHECK_AFTER)
            .map(|c| Arc::clone(&c.snapshot))
    }

    /// The snapshot, if it was built at this audit version; marks it confirmed.
    fn confirm(&self, version: i64, today: NaiveDate) -> Option<Arc<Snapshot>> {
        let mut current = self.lock();
        let cached = current
            .as_mut()
            .filter(|c| c.version == version && c.today == today)?;
        cached.verified_at = Instant::now();
        Some(Arc::clone(&cached.snapshot))
    }

    /// Forgets the snapshot (after a change made through the web).
    pub fn invalidate(&self) {
        *self.lock() = None;
        *self
            .outbox_counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }
}

/// Marks a response whose request changed what the board shows (a use case succeeded).
#[derive(Clone, Copy)]
pub struct BoardChanged;

/// Adds the mark to a response.
pub fn changed(mut response: axum::response::Response) -> axum::response::Response {
    response.extensions_mut().insert(BoardChanged);
    response
}

/// Drops the board once a request that changed data ends; a refused or anonymous POST
/// changes nothing and keeps it.
pub async fn invalidate_after_changes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    if response.extensions().get::<BoardChanged>().is_some() {
        state.board.invalidate();
    }
    response
}

pub fn today(state: &AppState) -> NaiveDate {
    crate::domain::calendar::local_date(state.clock.now(), state.config.timezone)
}

pub async fn snapshot(state: &AppState) -> Result<Arc<Snapshot>, DbError> {
    let today = today(state);
    let found = match state.board.recent(today) {
        Some(hit) => Some(hit),
        None => {
            let version = db::audit::version(&state.db).await?;
            state.board.confirm(version, today)
        }
    };
    if let Some(hit) = found {
        return Ok(hit);
    }
    let _one_at_a_time = state.board.rebuilding.lock().await;
    let version = db::audit::version(&state.db).await?;
    if let Some(hit) = state.board.confirm(version, today) {
        return Ok(hit);
    }
    rebuild(state, version, today).await
}

/// Reads everything the lists and the overview show, once.
async fn rebuild(
    state: &AppState,
    version: i64,
    today: NaiveDate,
) -> Result<Arc<Snapshot>, DbError> {
    let started = Instant::now();
    let db = &state.db;
    // Independent reads side by side on the pool.
    let designees = async {
        let all = db::designees::all(db).await?;
        let current: Vec<i32> = all
            .iter()
            .filter(|d| d.valid_to.is_none())
            .map(|d| d.id)
            .collect();
        let evidence = db::designees::evidence_of(db, &current).await?;
        Ok::<_, DbError>(DesigneeIndex::new(all, evidence))
    };
    let (board, schools, case_entries, designees, steps, campaign) = tokio::try_join!(
        db::board::load(db, today),
        db::schools::index(db),
        db::cases::register_entries(db, today),
        designees,
        db::den::all_steps(db),
        db::den::active_campaign(db),
    )?;
    let cases = CaseIndex::new(case_entries, &schools);
    let coming = (today, today + Duration::days(HEARING_DAYS));
    let (_, hearings) = cases.agenda(coming, &schools, 0, 100);
    let snapshot = Arc::new(Snapshot {
        campaign,
        counts: board.counts(),
        progress: board.progress(),
        chart: board.localities(CHART_LOCALITIES),
        board,
        hearings,
        schools,
        cases,
        designees,
        steps,
    });
    tracing::info!(total_ms = started.elapsed().as_millis(), "board rebuilt");
    *state.board.lock() = Some(Cached {
        version,
        today,
        verified_at: Instant::now(),
        snapshot: Arc::clone(&snapshot),
    });
    Ok(snapshot)
}

type OutboxCounts = Vec<(crate::domain::outbox::OutboxStatus, i64)>;

/// Mail by status (overview, Mesaje): counted again when the last count is old.
pub async fn outbox_counts(state: &AppState) -> Result<OutboxCounts, DbError> {
    let lock = || {
        state
            .board
            .outbox_counts
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
