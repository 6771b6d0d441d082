//! The register: the schools, the case register, the campaign board and the designees held in
//! memory, answering the lists, the agenda and the search box without the database.
//!
//! It is a projection of the change log. At start it reads every table once (after noting the
//! log's version, so nothing committed meanwhile is missed). After that it never reads a table
//! again: each committed change is applied to its sources — changes made here are handed over
//! by `app` right after their commit, changes made by another process (the command line, a
//! second replica) are read from the log after the register's version — and only the parts a
//! change touches are derived again, off the request threads. Readers take the current snapshot
//! and never wait for a rebuild; sign-ins, exports and mail are not changes and never touch it.

mod load;
mod sources;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::NaiveDate;
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::db::{self, DbError};
use crate::domain::board::{Board, BoardSchool, LocalityBar};
use crate::domain::cases::Hearing;
use crate::domain::change::ChangeRecord;
use crate::domain::den::{Campaign, CaseAccess, SchoolProcedure, StatusKind, StepRecord};
use crate::domain::designee::StoredDesignee;
use crate::domain::register::{CaseIndex, DesigneeIndex, SchoolIndex};
pub use sources::{CaseSource, Dirty, Sources};

/// Localities drawn in the overview's chart.
const CHART_LOCALITIES: usize = 15;

/// Days ahead the overview lists hearings for.
pub const HEARING_DAYS: i64 = 14;

/// How often the log is read for changes made by other processes.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// Changes read from the log at a time; past a much larger gap a full read is cheaper.
const LOG_PAGE: u64 = 5_000;
const FULL_READ_AFTER: i64 = 200_000;

/// What the lists, the overview and the search read: one consistent state of the register.
pub struct Snapshot {
    /// The last change of the log this state includes.
    pub version: i64,
    pub today: NaiveDate,
    pub campaign: Option<Campaign>,
    pub board: Arc<Board>,
    /// Hearings of the next [`HEARING_DAYS`] days, for the overview.
    pub hearings: Arc<Vec<Hearing>>,
    pub schools: Arc<SchoolIndex>,
    pub cases: Arc<CaseIndex>,
    pub designees: Arc<DesigneeIndex>,
    /// Every school's recorded D.E.N. steps, in the order they were recorded.
    pub steps: Arc<HashMap<String, Vec<StepRecord>>>,
    pub counts: Arc<HashMap<StatusKind, u32>>,
    pub progress: (u32, u32),
    pub chart: Arc<Vec<LocalityBar>>,
}

impl Snapshot {
    /// A school's recorded steps and its cases' electronic access: what the D.E.N. rules read.
    pub fn procedure(&self, code: &str) -> SchoolProcedure {
        let steps = self.steps.get(code).map_or(&[][..], Vec::as_slice);
        SchoolProcedure::of(steps, &self.cases.of_school(&self.schools, code))
    }
}

struct State {
    version: i64,
    sources: Sources,
}

pub struct Register {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    timezone: Tz,
    state: Mutex<State>,
    current: RwLock<Arc<Snapshot>>,
}

/// What applying changes found.
enum Applied {
    Done,
    /// The changes start after a version the register has not seen: read the log from here.
    Gap(i64),
}

impl Register {
    /// Reads every table once and builds the register.
    pub async fn load(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        timezone: Tz,
    ) -> Result<Arc<Register>, DbError> {
        let started = std::time::Instant::now();
        let today = crate::domain::calendar::local_date(clock.now(), timezone);
        // The version first: whatever commits during the read is applied again from the
        // log, and applying a change twice changes nothing.
        let version = db::changes::latest(&db).await?;
        let mut sources = load::sources(&db).await?;
        sources.build_entries(today);
        let snapshot = derive(&mut sources, None, version, today, &Dirty::default());
        let register = Arc::new(Register {
            db,
            clock,
            timezone,
            state: Mutex::new(State { version, sources }),
            current: RwLock::new(Arc::new(snapshot)),
        });
        register.catch_up().await?;
        tracing::info!(
            total_ms = started.elapsed().as_millis(),
            version,
            "registrul încărcat"
        );
        Ok(register)
    }

    /// The register as it stands at `now`, read once, for a process that keeps none (the
    /// command line, a weekly job): the same state and the same filters as the server's.
    pub async fn read_once(
        db: &DatabaseConnection,
        now: chrono::DateTime<chrono::Utc>,
        timezone: Tz,
    ) -> Result<Arc<Snapshot>, DbError> {
        let today = crate::domain::calendar::local_date(now, timezone);
        let version = db::changes::latest(db).await?;
        let mut sources = load::sources(db).await?;
        sources.build_entries(today);
        Ok(Arc::new(derive(
            &mut sources,
            None,
            version,
            today,
            &Dirty::default(),
        )))
    }

    /// Today in the inspectorate's time zone, by the register's clock.
    pub fn today(&self) -> NaiveDate {
        crate::domain::calendar::local_date(self.clock.now(), self.timezone)
    }

    /// The current state; when the day has turned since it was built, it is derived again for
    /// the new day first (next hearings, days left), from memory.
    pub async fn current(self: &Arc<Self>) -> Arc<Snapshot> {
        let snapshot = self.published();
        let today = self.today();
        if snapshot.today == today {
            return snapshot;
        }
        let this = Arc::clone(self);
        let turned = tokio::task::spawn_blocking(move || this.turn_day(today)).await;
        turned.unwrap_or(snapshot)
    }

    /// The current state, first brought up to date with what other processes committed
    /// (one read of the log's version; the log itself only when it moved).
    pub async fn fresh(self: &Arc<Self>) -> Result<Arc<Snapshot>, DbError> {
        if db::changes::latest(&self.db).await? > self.version() {
            self.catch_up().await?;
        }
        Ok(self.current().await)
    }

    /// The version of the log the register has applied.
    pub fn version(&self) -> i64 {
        self.published().version
    }

    fn published(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn publish(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let snapshot = Arc::new(snapshot);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::clone(&snapshot);
        snapshot
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn turn_day(&self, today: NaiveDate) -> Arc<Snapshot> {
        let mut state = self.lock();
        let previous = self.published();
        if previous.today == today {
            return previous;
        }
        state.sources.build_entries(today);
        let version = state.version;
        let everything = Dirty {
            cases: true,
            board: true,
            ..Dirty::default()
        };
        let snapshot = derive(
            &mut state.sources,
            Some(&previous),
            version,
            today,
            &everything,
        );
        self.publish(snapshot)
    }

    /// Changes this process just committed (in version order); returns once the register
    /// includes them, so the request that made them sees them on its next page.
    pub async fn applied(self: &Arc<Self>, records: Vec<ChangeRecord>) {
        if records.is_empty() {
            return;
        }
        if let Err(e) = self.apply_all(records).await {
            // The change is committed; the follower reads it from the log on its next turn.
            tracing::error!(error = %e, "registrul nu a putut aplica modificarea");
        }
    }

    /// Reads and applies what other processes committed since the register's version.
    pub async fn catch_up(self: &Arc<Self>) -> Result<(), DbError> {
        loop {
            let latest = db::changes::latest(&self.db).await?;
            let version = self.version();
            if latest <= version {
                return Ok(());
            }
            if latest - version > FULL_READ_AFTER {
                return self.reload().await;
            }
            let records = db::changes::after(&self.db, version, LOG_PAGE).await?;
            if records.is_empty() {
                return Ok(());
            }
            self.apply_all(records).await?;
            if self.version() == version {
                return Ok(());
            }
        }
    }

    /// Follows the log for changes made elsewhere, and the turn of the day, until the
    /// process ends.
    pub fn follow(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FOLLOW_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = this.catch_up().await {
                    tracing::warn!(error = %e, "citirea jurnalului de modificări a eșuat");
                }
                this.current().await;
            }
        })
    }

    /// Applies committed changes in version order; what came before them and is not applied
    /// yet is read from the log first.
    async fn apply_all(self: &Arc<Self>, mut records: Vec<ChangeRecord>) -> Result<(), DbError> {
        loop {
            let this = Arc::clone(self);
            let batch = records.clone();
            let outcome = tokio::task::spawn_blocking(move || this.apply_blocking(batch))
                .await
                .map_err(|e| DbError::Corrupt(format!("registrul: {e}")))?;
            let Applied::Gap(from) = outcome else {
                return Ok(());
            };
            let mut earlier = db::changes::after(&self.db, from, LOG_PAGE).await?;
            let reached = earlier.last().map_or(from, |r| r.version);
            if reached == from {
                return Ok(());
            }
            earlier.extend(records.into_iter().filter(|r| r.version > reached));
            records = earlier;
        }
    }

    fn apply_blocking(&self, records: Vec<ChangeRecord>) -> Applied {
        let mut state = self.lock();
        let fresh: Vec<&ChangeRecord> = records
            .iter()
            .filter(|r| r.version > state.version)
            .collect();
        let Some(first) = fresh.first() else {
            return Applied::Done;
        };
        if first.version > state.version + 1 {
            return Applied::Gap(state.version);
        }
        let started = std::time::Instant::now();
        let mut dirty = Dirty::default();
        let mut version = state.version;
        for record in fresh {
            if record.version != version + 1 {
                break;
            }
            dirty.merge(state.sources.apply(&record.change));
            version = record.version;
        }
        state.version = version;
        let previous = self.published();
        let today = self.today();
        if today != previous.today {
            state.sources.build_entries(today);
            dirty.cases = true;
            dirty.board = true;
        }
        let snapshot = derive(&mut state.sources, Some(&previous), version, today, &dirty);
        self.publish(snapshot);
        tracing::debug!(
            version,
            ?dirty,
            micros = started.elapsed().as_micros(),
            "registrul a aplicat modificările"
        );
        Applied::Done
    }

    /// Reads everything again (a gap too long to bridge from the log).
    async fn reload(self: &Arc<Self>) -> Result<(), DbError> {
        let version = db::changes::latest(&self.db).await?;
        let mut sources = load::sources(&self.db).await?;
        let today = self.today();
        sources.build_entries(today);
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut state = this.lock();
            if state.version >= version {
                return;
            }
            let snapshot = derive(&mut sources, None, version, today, &Dirty::default());
            *state = State { version, sources };
            this.publish(snapshot);
        })
        .await
        .map_err(|e| DbError::Corrupt(format!("registrul: {e}")))?;
        Ok(())
    }
}

/// The snapshot for `sources` at `version`: the parts `dirty` names are derived again, the
/// others shared with `previous` (everything when there is none).
fn derive(
    sources: &mut Sources,
    previous: Option<&Snapshot>,
    version: i64,
    today: NaiveDate,
    dirty: &Dirty,
) -> Snapshot {
    sources.refresh_entries(today);
    let fresh = |stale: bool| previous.is_none() || stale;
    let schools = match previous {
        Some(p) if !dirty.schools => Arc::clone(&p.schools),
        _ => Arc::new(SchoolIndex::new(
            sources.schools.values().cloned().collect(),
        )),
    };
    let rebuilt = || {
        Arc::new(CaseIndex::new(
            sources.entries.values().cloned().collect(),
            &schools,
        ))
    };
    let cases = match previous {
        Some(p) if !dirty.cases && !dirty.schools && dirty.hearings.is_empty() => {
            Arc::clone(&p.cases)
        }
        Some(p) if !dirty.cases && !dirty.schools => {
            moved(&p.cases, sources, &dirty.hearings).map_or_else(rebuilt, Arc::new)
        }
        _ => rebuilt(),
    };
    let designees = match previous {
        Some(p) if !dirty.designees => Arc::clone(&p.designees),
        _ => Arc::new(designee_index(sources)),
    };
    let hearings = match previous {
        Some(p) if !fresh(dirty.cases || !dirty.hearings.is_empty()) && p.today == today => {
            Arc::clone(&p.hearings)
        }
        _ => {
            let coming = (today, today + chrono::Duration::days(HEARING_DAYS));
            Arc::new(cases.agenda(coming, &schools, 0, 100).1)
        }
    };
    let (board, counts, progress, chart) = match previous {
        Some(p) if !dirty.board && !dirty.schools && p.today == today => (
            Arc::clone(&p.board),
            Arc::clone(&p.counts),
            p.progress,
            Arc::clone(&p.chart),
        ),
        _ => {
            let board = board(sources, today);
            let counts = Arc::new(board.counts());
            let progress = board.progress();
            let chart = Arc::new(board.localities(CHART_LOCALITIES));
            (Arc::new(board), counts, progress, chart)
        }
    };
    Snapshot {
        version,
        today,
        campaign: sources.campaign.clone(),
        board,
        hearings,
        schools,
        cases,
        designees,
        steps: Arc::clone(&sources.steps),
        counts,
        progress,
        chart,
    }
}

/// The index with these cases moved for their hearings; `None` when one of them cannot be
/// moved in place (then the index is built again).
fn moved(index: &CaseIndex, sources: &Sources, cases: &[i32]) -> Option<CaseIndex> {
    let mut ids = cases.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut next: Option<CaseIndex> = None;
    for id in ids {
        let entry = Arc::clone(sources.entries.get(&id)?);
        let current = next.as_ref().unwrap_or(index);
        next = Some(current.with_hearings_of(entry)?);
    }
    next
}

fn designee_index(sources: &Sources) -> DesigneeIndex {
    let all: Vec<StoredDesignee> = sources.designees.values().cloned().collect();
    let evidence = all
        .iter()
        .filter(|d| d.valid_to.is_none())
        .filter_map(|d| Some((d.id, sources.evidence.get(&d.id)?.clone())))
        .collect();
    DesigneeIndex::new(all, evidence)
}

/// Every active PJ with its step and status, from the register's own sources.
fn board(sources: &Sources, today: NaiveDate) -> Board {
    let mut access: HashMap<&str, Vec<CaseAccess>> = HashMap::new();
    for source in sources.cases.values() {
        for (code, facts) in &source.links {
            access
                .entry(code.as_str())
                .or_default()
                .push(source.case.access(facts));
        }
    }
    let current: HashMap<&str, &StoredDesignee> = sources
        .designees
        .values()
        .filter(|d| d.valid_to.is_none())
        .map(|d| (d.school_code.as_str(), d))
        .collect();
    let schools = sources
        .schools
        .values()
        .filter(|s| s.active && s.status == crate::domain::school::UnitStatus::Pj.as_str())
        .map(|s| {
            let mut cases = access.remove(s.code.as_str()).unwrap_or_default();
            cases.sort_by_key(|c| c.case_id);
            let procedure = SchoolProcedure {
                recorded: sources
                    .steps
                    .get(&s.code)
                    .map(|steps| steps.iter().map(|r| (r.step, r.on)).collect())
                    .unwrap_or_default(),
                cases,
            };
            let step = procedure.effective_step();
            let designee = current.get(s.code.as_str());
            let confirmed = designee.is_some_and(|d| d.is_confirmed());
            BoardSchool {
                complete: procedure.complete(confirmed),
                name: s.name.clone(),
                locality: s.locality.clone(),
                area: s.area.clone(),
                active_cases: procedure.active_cases(),
                step,
                step_on: procedure.first_recorded(step),
                designee: designee.map(|d| d.facts.full_name.clone()),
                extension: sources.extensions.get(&s.code).copied(),
                code: s.code.clone(),
            }
        })
        .collect();
    Board::new(
        schools,
        sources.campaign.as_ref().map(|c| c.deadline),
        today,
    )
}
