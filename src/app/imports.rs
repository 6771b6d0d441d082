//! The apply step of every import: the rows a file's validation accepted are written in one
//! transaction, under the same rules as a change made by hand; a row the stored data refuses
//! (a step without its premise) is rejected with its row and column and nothing of it is
//! written. Every row's change is recorded under the import's batch; then the batch is
//! recorded and the transaction commits, or a dry run / `--strict` refusal rolls everything
//! back.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;
use tokio::sync::mpsc;

use super::cases::LinkEvent;
use super::{Actor, AppError, Ctx, Tx};
use crate::db::{self, DbError};
use crate::domain::case_import::{CaseKey, CasePlan, LinkFacts, PlannedLink, access_header};
use crate::domain::cases::StoredCase;
use crate::domain::change::{CaseRef, Change, ImportCounts};
use crate::domain::den::{DenStep, SchoolProcedure, StepRefusal};
use crate::domain::designee::{PlannedDesignee, step_header};
use crate::domain::import_report::ImportReport;
use crate::domain::school::SchoolRecord;
use crate::domain::school_import::{PlanError, drop_known_orphans, orphan_pj_codes};
use crate::excel::SpreadsheetError;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Keep only rows of this county (`Judet PJ`); enables deactivation of missing schools.
    pub county: Option<String>,
    pub dry_run: bool,
    /// Any rejected row refuses the whole file.
    pub strict: bool,
    /// Who imports (shown in the import history).
    pub actor: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Spreadsheet(#[from] SpreadsheetError),
    #[error("{0}")]
    Plan(#[from] PlanError),
    #[error("mod strict: {0} rânduri respinse, nu am scris nimic")]
    StrictRejected(usize, Box<ImportReport>),
    #[error("{0}")]
    App(#[from] AppError),
    #[error("importul a fost întrerupt: {0}")]
    Interrupted(String),
}

impl From<DbError> for ImportError {
    fn from(e: DbError) -> Self {
        ImportError::App(e.into())
    }
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ImportError::App(e.into())
    }
}

impl ImportError {
    /// True when the file itself is at fault (exit status 2), not the system.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, ImportError::App(_) | ImportError::Interrupted(_))
    }
}

#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub report: ImportReport,
    /// The import-history row, when something was applied.
    pub batch_id: Option<i32>,
}

/// The file an import applies, for its history row.
pub struct Source<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
}

async fn begin(ctx: Ctx<'_>, options: &ImportOptions) -> Result<Tx, ImportError> {
    Ok(if options.dry_run {
        ctx.begin_dry().await?
    } else {
        ctx.begin().await?
    })
}

async fn rolled_back(tx: Tx, error: ImportError) -> ImportError {
    if let Err(e) = tx.rollback().await {
        tracing::error!(error = %e, "rollback after a failed import");
    }
    error
}

/// Writes the school network's batches as the reader sends them; `planned` is the reader's
/// verdict on the whole file, awaited once every batch is in.
pub async fn apply_schools(
    ctx: Ctx<'_>,
    options: &ImportOptions,
    source: Source<'_>,
    batches: mpsc::Receiver<Vec<SchoolRecord>>,
    planned: impl Future<Output = Result<ImportReport, ImportError>>,
) -> Result<ImportOutcome, ImportError> {
    let now = ctx.now();
    let mut tx = begin(ctx, options).await?;
    let written = write_batches(&mut tx, batches, now, !options.dry_run).await;
    let (mut writer, mut report) = match (written, planned.await) {
        (Ok(writer), Ok(report)) => (writer, report),
        (_, Err(e)) => return Err(rolled_back(tx, e).await),
        (Err(e), Ok(_)) => return Err(rolled_back(tx, e.into()).await),
    };
    let stored_parents = writer.stored_among(&orphan_pj_codes(&report));
    drop_known_orphans(&mut report, &stored_parents);
    // Only a complete file says which schools are gone.
    if let (Some(county), true) = (options.county.as_deref(), report.rejected.is_empty()) {
        for change in writer.deactivate_missing(tx.db(), county).await? {
            tx.record(change);
        }
    }
    let counts = writer.counts();
    report.inserted = counts.inserted;
    report.updated = counts.updated;
    report.unchanged = counts.unchanged;
    report.deactivated = counts.deactivated;
    conclude(ctx, tx, "unități", source, options, report).await
}

/// Writes batches as they come; the receiver is dropped on return, which stops the reader.
async fn write_batches(
    tx: &mut Tx,
    mut batches: mpsc::Receiver<Vec<SchoolRecord>>,
    now: DateTime<Utc>,
    write: bool,
) -> Result<db::schools::SchoolWriter, DbError> {
    let mut writer = db::schools::SchoolWriter::load(tx.db(), now, write).await?;
    while let Some(batch) = batches.recv().await {
        for change in writer.apply(tx.db(), batch).await? {
            tx.record(change);
        }
    }
    Ok(writer)
}

/// Applies a validated litigation list: cases, their schools and the access dates, which
/// move the schools' D.E.N. history forward.
pub async fn apply_cases(
    ctx: Ctx<'_>,
    options: &ImportOptions,
    source: Source<'_>,
    mut plan: CasePlan,
    mut report: ImportReport,
) -> Result<ImportOutcome, ImportError> {
    let now = ctx.now();
    let mut tx = begin(ctx, options).await?;
    let applied = async {
        let refused = refuse_access_without_premise(tx.db(), &plan, &mut report).await?;
        plan.links.retain(|l| !refused.contains(&l.row));
        let kept: HashSet<&CaseKey> = plan.links.iter().map(|l| &l.case).collect();
        let kept: HashSet<CaseKey> = kept.into_iter().cloned().collect();
        plan.cases.retain(|c| kept.contains(&c.key));
        let schools: HashSet<String> = plan.links.iter().map(|l| l.school_code.clone()).collect();
        let mut before = HashMap::new();
        for school in &schools {
            before.insert(
                school.clone(),
                db::den::procedure_of(tx.db(), school).await?,
            );
        }
        let counts = write_case_plan(&mut tx, &plan, now, !options.dry_run).await?;
        let actor = Actor::Import(options.actor.clone());
        for (school, procedure) in before {
            record_reached_access(&mut tx, &actor, &school, &procedure, now).await?;
        }
        Ok::<_, ImportError>(counts)
    }
    .await;
    let counts = match applied {
        Ok(counts) => counts,
        Err(e) => return Err(rolled_back(tx, e).await),
    };
    (report.inserted, report.updated, report.unchanged) =
        (counts.inserted, counts.updated, counts.unchanged);
    conclude(ctx, tx, "dosare", source, options, report).await
}

/// Rows whose access dates break the procedure, once merged with what is stored: an
/// approval needs a request in that case, and cannot come before it.
async fn refuse_access_without_premise(
    txn: &DatabaseTransaction,
    plan: &CasePlan,
    report: &mut ImportReport,
) -> Result<HashSet<u32>, ImportError> {
    let mut refused = HashSet::new();
    for link in &plan.links {
        let merged = match stored_link(txn, link).await? {
            Some(stored) => stored.overlaid_by(&link.facts),
            None => link.facts.clone(),
        };
        let refusal = match (merged.access_requested_on, merged.access_approved_on) {
            (None, Some(_)) => Some(StepRefusal::NoRequest),
            (Some(_), Some(_)) if merged.access_refused_on.is_some() => {
                Some(StepRefusal::Refused(link.case.number.clone()))
            }
            (Some(requested), Some(approved)) if approved < requested => {
                Some(StepRefusal::BeforePrevious {
                    previous: DenStep::AccessRequested.label(),
                    on: crate::domain::dates::show(requested),
                })
            }
            _ => None,
        };
        if let (Some(refusal), Some(approved)) = (refusal, merged.access_approved_on) {
            let value = crate::domain::dates::show(approved);
            let message = super::sentence(&refusal.to_string());
            report.reject(link.row, access_header(), &value, message);
            refused.insert(link.row);
        }
    }
    Ok(refused)
}

async fn stored_link(
    txn: &DatabaseTransaction,
    link: &PlannedLink,
) -> Result<Option<LinkFacts>, ImportError> {
    let Some(case) = db::cases::find_by_key(txn, &link.case).await? else {
        return Ok(None);
    };
    Ok(db::cases::find_link(txn, case.id, &link.school_code)
        .await?
        .map(|(_, facts)| facts))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct LinkCounts {
    inserted: u64,
    updated: u64,
    unchanged: u64,
}

/// Writes (or in a dry run only counts) a list's cases and links; counts are per row. A row
/// is `updated` when its link or, for the first row naming a case, the case changed. What a
/// list leaves empty keeps what is stored (it may have been entered by hand).
async fn write_case_plan(
    tx: &mut Tx,
    plan: &CasePlan,
    now: DateTime<Utc>,
    write: bool,
) -> Result<LinkCounts, ImportError> {
    let mut counts = LinkCounts::default();
    let mut cases: HashMap<&CaseKey, Option<StoredCase>> = HashMap::new();
    let mut changed_at: HashSet<u32> = HashSet::new();
    for case in &plan.cases {
        let (stored, changed) = match db::cases::find_by_key(tx.db(), &case.key).await? {
            Some(stored) => {
                let merged = stored.facts.overlaid_by(&case.facts);
                let changed = merged != stored.facts;
                let stored = if changed && write {
                    super::cases::save_facts(tx, &stored, merged, now).await?
                } else {
                    stored
                };
                (Some(stored), changed)
            }
            None if !write => (None, true),
            None => (
                Some(super::cases::add_case(tx, case, "import", Vec::new(), now).await?),
                true,
            ),
        };
        let mut changed = changed;
        if let (true, Some(stored), Some(on)) = (write, stored.as_ref(), case.facts.next_hearing) {
            changed |= super::hearings::ensure_on(tx, stored, on, now).await?;
        }
        cases.insert(&case.key, stored);
        if changed {
            changed_at.insert(case.row);
        }
    }
    for link in &plan.links {
        let case = cases.get(&link.case).cloned().flatten();
        let stored = match &case {
            Some(case) => db::cases::find_link(tx.db(), case.id, &link.school_code).await?,
            None => None,
        };
        match stored {
            None => {
                counts.inserted += 1;
                if let (true, Some(case)) = (write, &case) {
                    let case = CaseRef::of(case);
                    let facts = link.facts.clone();
                    let added = LinkEvent::Edited;
                    super::cases::save_link(tx, &case, &link.school_code, None, facts, added, now)
                        .await?;
                }
            }
            Some((id, stored)) => {
                let merged = stored.overlaid_by(&link.facts);
                let link_changed = merged != stored;
                if let (true, true, Some(case)) = (link_changed, write, &case) {
                    let event = if merged.access_requested_on != stored.access_requested_on {
                        LinkEvent::Requested
                    } else if merged.access_approved_on != stored.access_approved_on {
                        LinkEvent::Approved
                    } else {
                        LinkEvent::Edited
                    };
                    let case = CaseRef::of(case);
                    let before = Some((id, stored));
                    super::cases::save_link(
                        tx,
                        &case,
                        &link.school_code,
                        before,
                        merged,
                        event,
                        now,
                    )
                    .await?;
                }
                if link_changed || changed_at.contains(&link.row) {
                    counts.updated += 1
                } else {
                    counts.unchanged += 1
                }
            }
        }
    }
    Ok(counts)
}

/// The access steps a list made a school reach, recorded in its history with their dates.
async fn record_reached_access(
    tx: &mut Tx,
    actor: &Actor,
    school: &str,
    before: &SchoolProcedure,
    now: DateTime<Utc>,
) -> Result<(), ImportError> {
    let after = db::den::procedure_of(tx.db(), school).await?;
    let first = |f: fn(&crate::domain::den::CaseAccess) -> Option<chrono::NaiveDate>| {
        after.cases.iter().filter_map(f).min()
    };
    let reached = [
        (
            DenStep::AccessRequested,
            first(|c| c.requested_on.filter(|_| c.requested())),
        ),
        (DenStep::AccessApproved, first(|c| c.approved())),
    ];
    let was = before.effective_step();
    for (step, on) in reached {
        let Some(on) = on.filter(|_| step > was && after.effective_step() >= step) else {
            continue;
        };
        let new = db::den::NewStep {
            school,
            step,
            on,
            source: crate::domain::den::StepSource::Import,
            actor: &actor.name(),
            note: None,
            now,
        };
        let step = db::den::insert_step(tx.db(), &new).await?;
        tx.record(Change::StepRecorded {
            school: school.to_string(),
            step,
            case: None,
        });
    }
    Ok(())
}

/// Applies the legal department's designee list; the step dates a row carries are checked
/// like any step, and a refused one rejects the whole row (its savepoint is rolled back).
pub async fn apply_designees(
    ctx: Ctx<'_>,
    options: &ImportOptions,
    source: Source<'_>,
    planned: Vec<PlannedDesignee>,
    mut report: ImportReport,
) -> Result<ImportOutcome, ImportError> {
    let now = ctx.now();
    let today = ctx.today();
    let mut tx = begin(ctx, options).await?;
    let actor = Actor::Import(options.actor.clone());
    let applied = async {
        for designee in planned {
            let mut row = tx.savepoint().await?;
            let recorded = super::designees::write(
                &mut row,
                &actor,
                &designee.school_code,
                &designee.facts,
                now,
                !options.dry_run,
            )
            .await?;
            let steps = designee.steps.clone();
            let shared =
                super::designees::shared_contact(row.db(), &designee.school_code, &designee.facts)
                    .await?;
            match super::den::catch_up(&mut row, &actor, &designee.school_code, steps, today, now)
                .await?
            {
                Ok(_) => {
                    row.release_into(&mut tx).await?;
                    if let Some(warning) = shared {
                        report.warn(designee.row, "Telefon", &warning.value, warning.message);
                    }
                    match recorded {
                        super::designees::Recorded::Inserted => report.inserted += 1,
                        super::designees::Recorded::Replaced => report.updated += 1,
                        super::designees::Recorded::Unchanged => report.unchanged += 1,
                    }
                }
                Err((step, refusal)) => {
                    row.rollback().await?;
                    let value = designee
                        .steps
                        .iter()
                        .find(|(s, _)| *s == step)
                        .map(|(_, on)| crate::domain::dates::show(*on))
                        .unwrap_or_default();
                    let message = super::sentence(&refusal.to_string());
                    report.reject(designee.row, step_header(step), &value, message);
                }
            }
        }
        Ok::<_, ImportError>(())
    }
    .await;
    if let Err(e) = applied {
        return Err(rolled_back(tx, e).await);
    }
    report.rejected.sort_by_key(|r| r.row);
    conclude(ctx, tx, "persoane desemnate", source, options, report).await
}

/// Ends an import whose rows are written in `tx`: refuses under `--strict`, rolls back a dry
/// run, otherwise records the batch (every row's change under it) and commits.
async fn conclude(
    ctx: Ctx<'_>,
    mut tx: Tx,
    kind: &str,
    source: Source<'_>,
    options: &ImportOptions,
    mut report: ImportReport,
) -> Result<ImportOutcome, ImportError> {
    report.file = source.file_name.to_string();
    report.dry_run = options.dry_run;
    if options.strict && !report.rejected.is_empty() {
        let error = ImportError::StrictRejected(report.rejected_rows(), Box::new(report));
        return Err(rolled_back(tx, error).await);
    }
    if options.dry_run {
        tx.rollback().await?;
        return Ok(ImportOutcome {
            report,
            batch_id: None,
        });
    }
    let batch = db::imports::NewBatch {
        file_name: source.file_name,
        sha256: source.sha256,
        actor: &options.actor,
        created_at: ctx.now(),
        report: &report,
    };
    let id = db::imports::record(tx.db(), batch).await?;
    tx.set_batch(id);
    tx.record(Change::ImportApplied {
        batch_id: id,
        kind: kind.to_string(),
        file: source.file_name.to_string(),
        counts: ImportCounts {
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
            deactivated: report.deactivated,
            rejected: report.rejected_rows() as u64,
        },
    });
    ctx.commit(tx, &Actor::Import(options.actor.clone()))
        .await?;
    Ok(ImportOutcome {
        report,
        batch_id: Some(id),
    })
}

/// A file checked by a dry run, waiting for its "apply".
#[derive(Debug, Clone)]
pub struct CheckedUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub kind: crate::domain::import_report::ImportKind,
    pub county: Option<String>,
}

/// Keeps a checked upload in the database (any replica may apply it); returns its id.
pub async fn hold_upload(
    ctx: Ctx<'_>,
    staff_id: i32,
    upload: &CheckedUpload,
) -> Result<String, AppError> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let new = db::uploads::NewUpload {
        id: &id,
        staff_id,
        kind: upload.kind.as_str(),
        county: upload.county.as_deref(),
        file_name: &upload.file_name,
        content: &upload.bytes,
    };
    db::uploads::put(ctx.db, new, ctx.now()).await?;
    Ok(id)
}

/// Takes the upload out (applying is single use); `None` when it expired, was applied or
/// belongs to someone else.
pub async fn take_upload(
    ctx: Ctx<'_>,
    id: &str,
    staff_id: i32,
) -> Result<Option<CheckedUpload>, AppError> {
    let Some(row) = db::uploads::take(ctx.db, id, staff_id, ctx.now()).await? else {
        return Ok(None);
    };
    let kind = crate::domain::import_report::ImportKind::parse(&row.kind)
        .ok_or_else(|| DbError::Corrupt(format!("tip de import necunoscut: {}", row.kind)))?;
    Ok(Some(CheckedUpload {
        file_name: row.file_name,
        bytes: row.content,
        kind,
        county: row.county,
    }))
}
