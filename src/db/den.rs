//! The D.E.N. campaign (deadline, per-school extensions) and each school's steps.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::audit::{self, AuditEntry};
use super::entities::{campaign, campaign_extension, den_step};
use super::{DbError, DbResult};
use crate::domain::den::DenStep;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub id: i32,
    pub title: String,
    pub deadline: NaiveDate,
}

pub const DEFAULT_TITLE: &str = "Constituirea contului D.E.N.";

/// Mail items that depend on a school's deadline.
pub const DEADLINE_KINDS: &[&str] = &["reminder", "overdue", "escalation"];

pub async fn active_campaign<C: ConnectionTrait>(db: &C) -> DbResult<Option<Campaign>> {
    let found = campaign::Entity::find()
        .filter(campaign::Column::Active.eq(true))
        .order_by_desc(campaign::Column::Id)
        .one(db)
        .await?;
    Ok(found.map(|m| Campaign {
        id: m.id,
        title: m.title,
        deadline: m.deadline,
    }))
}

/// Creates the active campaign or changes its deadline (and title when given); audited.
pub async fn set_campaign<C: ConnectionTrait>(
    db: &C,
    deadline: NaiveDate,
    title: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<Campaign> {
    let before = active_campaign(db).await?;
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    let after = match &before {
        Some(current) => {
            let mut model: campaign::ActiveModel = campaign::Entity::find_by_id(current.id)
                .one(db)
                .await?
                .ok_or_else(|| DbError::Corrupt("campania a dispărut".into()))?
                .into();
            model.deadline = Set(deadline);
            if let Some(title) = title {
                model.title = Set(title.to_string());
            }
            model.updated_at = Set(now);
            let m = model.update(db).await?;
            Campaign {
                id: m.id,
                title: m.title,
                deadline: m.deadline,
            }
        }
        None => {
            let model = campaign::ActiveModel {
                title: Set(title.unwrap_or(DEFAULT_TITLE).to_string()),
                deadline: Set(deadline),
                active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            let m = model.insert(db).await?;
            Campaign {
                id: m.id,
                title: m.title,
                deadline: m.deadline,
            }
        }
    };
    if before.as_ref().map(|b| b.deadline) != Some(after.deadline) {
        // Queued reminders name the old deadline.
        super::outbox::cancel_queued(db, None, DEADLINE_KINDS).await?;
    }
    let entry = AuditEntry::change(
        now,
        actor,
        "termen campanie",
        "campaign",
        &after.id.to_string(),
        before.as_ref(),
        Some(&after),
    );
    audit::record(db, entry).await?;
    Ok(after)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extension {
    pub until: NaiveDate,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub async fn extensions<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
) -> DbResult<HashMap<String, NaiveDate>> {
    let rows = campaign_extension::Entity::find()
        .filter(campaign_extension::Column::CampaignId.eq(campaign_id))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.school_code, m.until)).collect())
}

pub async fn extension_of<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
    school: &str,
) -> DbResult<Option<Extension>> {
    let found = campaign_extension::Entity::find()
        .filter(campaign_extension::Column::CampaignId.eq(campaign_id))
        .filter(campaign_extension::Column::SchoolCode.eq(school))
        .one(db)
        .await?;
    Ok(found.map(|m| Extension {
        until: m.until,
        reason: m.reason,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    }))
}

/// Gives a school a later deadline in the campaign (or changes it); audited.
pub async fn set_extension<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
    school: &str,
    until: NaiveDate,
    reason: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let before = extension_of(db, campaign_id, school).await?;
    campaign_extension::Entity::delete_many()
        .filter(campaign_extension::Column::CampaignId.eq(campaign_id))
        .filter(campaign_extension::Column::SchoolCode.eq(school))
        .exec(db)
        .await?;
    let model = campaign_extension::ActiveModel {
        campaign_id: Set(campaign_id),
        school_code: Set(school.to_string()),
        until: Set(until),
        reason: Set(reason.to_string()),
        recorded_by: Set(actor.to_string()),
        recorded_at: Set(now),
        ..Default::default()
    };
    campaign_extension::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    super::outbox::cancel_queued(db, Some(&[school.to_string()]), DEADLINE_KINDS).await?;
    let after = Extension {
        until,
        reason: reason.to_string(),
        recorded_by: actor.to_string(),
        recorded_at: now,
    };
    audit::record(
        db,
        AuditEntry::change(
            now,
            actor,
            "prelungire termen",
            "school",
            school,
            before.as_ref(),
            Some(&after),
        ),
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRecord {
    pub step: DenStep,
    pub on: NaiveDate,
    pub source: String,
    pub recorded_by: String,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// Where a step was recorded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepSource {
    Staff,
    Import,
    DirectorLink,
}

impl StepSource {
    fn as_str(self) -> &'static str {
        match self {
            StepSource::Staff => "staff",
            StepSource::Import => "import",
            StepSource::DirectorLink => "link",
        }
    }
}

/// Every step of one school, oldest first.
pub async fn steps_of<C: ConnectionTrait>(db: &C, school: &str) -> DbResult<Vec<StepRecord>> {
    let rows = den_step::Entity::find()
        .filter(den_step::Column::SchoolCode.eq(school))
        .order_by_asc(den_step::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(step_record).collect()
}

fn step_record(m: den_step::Model) -> DbResult<StepRecord> {
    let step = DenStep::parse(&m.step)
        .ok_or_else(|| DbError::Corrupt(format!("pas D.E.N. necunoscut: {}", m.step)))?;
    Ok(StepRecord {
        step,
        on: m.on_date,
        source: m.source,
        recorded_by: m.recorded_by,
        note: m.note,
        recorded_at: m.recorded_at,
    })
}

/// The furthest step each school has reached, with its date.
pub async fn current_steps<C: ConnectionTrait>(
    db: &C,
) -> DbResult<HashMap<String, (DenStep, NaiveDate)>> {
    let mut current: HashMap<String, (DenStep, NaiveDate)> = HashMap::new();
    for (school, step, on) in step_rows(db).await? {
        let entry = current.entry(school).or_insert((step, on));
        if step > entry.0 {
            *entry = (step, on);
        }
    }
    Ok(current)
}

pub struct NewStep<'a> {
    pub school: &'a str,
    pub step: DenStep,
    pub on: NaiveDate,
    pub source: StepSource,
    pub actor: &'a str,
    pub note: Option<&'a str>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("unitatea a ajuns deja la pasul „{0}”; pașii se înregistrează doar înainte")]
    NotForward(&'static str),
    #[error("pasul „fără cerere” nu se înregistrează")]
    NoCase,
    #[error("{0}")]
    Db(#[from] DbError),
}

/// Records a step forward for one school, audited. Steps never go back: a mistake is
/// corrected by the next step, and the history keeps both.
pub async fn record_step<C: ConnectionTrait>(db: &C, new: NewStep<'_>) -> Result<(), StepError> {
    if new.step == DenStep::NoCase {
        return Err(StepError::NoCase);
    }
    let current = current_step(db, new.school).await?;
    if !current.can_advance_to(new.step) {
        return Err(StepError::NotForward(current.label()));
    }
    insert_step(db, &new).await?;
    let after = serde_json::json!({"pas": new.step.as_str(), "data": new.on, "nota": new.note});
    let before = serde_json::json!({"pas": current.as_str()});
    audit::record(
        db,
        AuditEntry::change(
            new.now,
            new.actor,
            "pas D.E.N.",
            "school",
            new.school,
            Some(&before),
            Some(&after),
        ),
    )
    .await?;
    Ok(())
}

/// Records, from an import, the steps a school has not reached yet (oldest first); returns
/// how many were new. Steps already reached are left as they are.
pub async fn catch_up_steps<C: ConnectionTrait>(
    db: &C,
    school: &str,
    mut steps: Vec<(DenStep, NaiveDate)>,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<usize> {
    let mut current = current_step(db, school).await?;
    steps.sort();
    let mut added = 0;
    for (step, on) in steps {
        if current.can_advance_to(step) {
            insert_step(
                db,
                &NewStep {
                    school,
                    step,
                    on,
                    source: StepSource::Import,
                    actor,
                    note: None,
                    now,
                },
            )
            .await?;
            current = step;
            added += 1;
        }
    }
    Ok(added)
}

async fn insert_step<C: ConnectionTrait>(db: &C, new: &NewStep<'_>) -> DbResult<()> {
    let model = den_step::ActiveModel {
        school_code: Set(new.school.to_string()),
        step: Set(new.step.as_str().to_string()),
        on_date: Set(new.on),
        source: Set(new.source.as_str().to_string()),
        recorded_by: Set(new.actor.to_string()),
        note: Set(new.note.map(str::to_string)),
        recorded_at: Set(new.now),
        ..Default::default()
    };
    den_step::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// For each school, the date each step was first recorded (for reports).
pub async fn step_dates<C: ConnectionTrait>(
    db: &C,
) -> DbResult<HashMap<String, HashMap<DenStep, NaiveDate>>> {
    let mut dates: HashMap<String, HashMap<DenStep, NaiveDate>> = HashMap::new();
    for (school, step, on) in step_rows(db).await? {
        let entry = dates.entry(school).or_default().entry(step).or_insert(on);
        *entry = (*entry).min(on);
    }
    Ok(dates)
}

/// Every recorded step (school, step, date); unknown step names are skipped.
async fn step_rows<C: ConnectionTrait>(db: &C) -> DbResult<Vec<(String, DenStep, NaiveDate)>> {
    let rows: Vec<(String, String, NaiveDate)> = den_step::Entity::find()
        .select_only()
        .column(den_step::Column::SchoolCode)
        .column(den_step::Column::Step)
        .column(den_step::Column::OnDate)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(school, step, on)| DenStep::parse(&step).map(|step| (school, step, on)))
        .collect())
}

/// The furthest step one school has reached (`NoCase` before any).
pub async fn current_step<C: ConnectionTrait>(db: &C, school: &str) -> DbResult<DenStep> {
    Ok(steps_of(db, school)
        .await?
        .into_iter()
        .map(|s| s.step)
        .max()
        .unwrap_or(DenStep::NoCase))
}
