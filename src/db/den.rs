//! The D.E.N. campaign (deadline, per-school extensions) and each school's steps.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::entities::{campaign, campaign_extension, den_step};
use super::{DbError, DbResult};
use crate::domain::den::{Campaign, Extension, StepRecord, StepSource};
use crate::domain::den::{DEFAULT_CAMPAIGN_TITLE, DenStep, SchoolProcedure};

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

/// Writes the campaign's deadline (and title when given): updates `current`, or creates
/// the active campaign when there is none.
pub async fn save_campaign<C: ConnectionTrait>(
    db: &C,
    current: Option<&Campaign>,
    deadline: NaiveDate,
    title: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<Campaign> {
    let saved = match current {
        Some(current) => {
            let mut model: campaign::ActiveModel = campaign::ActiveModel {
                id: Set(current.id),
                ..Default::default()
            };
            model.deadline = Set(deadline);
            if let Some(title) = title {
                model.title = Set(title.to_string());
            }
            model.updated_at = Set(now);
            model.update(db).await?
        }
        None => {
            let model = campaign::ActiveModel {
                title: Set(title.unwrap_or(DEFAULT_CAMPAIGN_TITLE).to_string()),
                deadline: Set(deadline),
                active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            model.insert(db).await?
        }
    };
    Ok(Campaign {
        id: saved.id,
        title: saved.title,
        deadline: saved.deadline,
    })
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

/// Stores a school's extension in a campaign, replacing any earlier one.
pub async fn save_extension<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
    school: &str,
    extension: &Extension,
) -> DbResult<()> {
    campaign_extension::Entity::delete_many()
        .filter(campaign_extension::Column::CampaignId.eq(campaign_id))
        .filter(campaign_extension::Column::SchoolCode.eq(school))
        .exec(db)
        .await?;
    let model = campaign_extension::ActiveModel {
        campaign_id: Set(campaign_id),
        school_code: Set(school.to_string()),
        until: Set(extension.until),
        reason: Set(extension.reason.clone()),
        recorded_by: Set(extension.recorded_by.clone()),
        recorded_at: Set(extension.recorded_at),
        ..Default::default()
    };
    campaign_extension::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes a school's extension in a campaign.
pub async fn delete_extension<C: ConnectionTrait>(
    db: &C,
    campaign_id: i32,
    school: &str,
) -> DbResult<()> {
    campaign_extension::Entity::delete_many()
        .filter(campaign_extension::Column::CampaignId.eq(campaign_id))
        .filter(campaign_extension::Column::SchoolCode.eq(school))
        .exec(db)
        .await?;
    Ok(())
}

/// Every school's steps, each school's in the order they were recorded.
pub async fn all_steps<C: ConnectionTrait>(db: &C) -> DbResult<HashMap<String, Vec<StepRecord>>> {
    let mut rows = super::bulk::models(db, den_step::Entity::find()).await?;
    rows.sort_unstable_by_key(|r| r.id);
    let mut all: HashMap<String, Vec<StepRecord>> = HashMap::new();
    for row in rows {
        let school = row.school_code.clone();
        all.entry(school).or_default().push(step_record(row)?);
    }
    Ok(all)
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
        id: m.id,
        step,
        on: m.on_date,
        source: StepSource::parse(&m.source),
        recorded_by: m.recorded_by,
        note: m.note,
        recorded_at: m.recorded_at,
    })
}

/// A step to store in a school's history.
pub struct NewStep<'a> {
    pub school: &'a str,
    pub step: DenStep,
    pub on: NaiveDate,
    pub source: StepSource,
    pub actor: &'a str,
    pub note: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Stores a step; returns it as the history shows it.
pub async fn insert_step<C: ConnectionTrait>(db: &C, new: &NewStep<'_>) -> DbResult<StepRecord> {
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
    let id = den_step::Entity::insert(model)
        .exec(db)
        .await?
        .last_insert_id;
    Ok(StepRecord {
        id,
        step: new.step,
        on: new.on,
        source: new.source,
        recorded_by: new.actor.to_string(),
        note: new.note.map(str::to_string),
        recorded_at: new.now,
    })
}

/// One school's recorded steps and its cases' electronic access: what the rules check.
pub async fn procedure_of<C: ConnectionTrait>(db: &C, school: &str) -> DbResult<SchoolProcedure> {
    let steps = steps_of(db, school).await?;
    // The next hearing plays no part here; any date PostgreSQL accepts will do.
    let cases = super::cases::of_school(db, school, NaiveDate::default()).await?;
    Ok(SchoolProcedure::of(&steps, &cases))
}

/// Every school's procedure, in a few reads (for the board).
pub async fn procedures<C: ConnectionTrait>(db: &C) -> DbResult<HashMap<String, SchoolProcedure>> {
    let mut all: HashMap<String, SchoolProcedure> = HashMap::new();
    let (steps, access) = tokio::try_join!(step_rows(db), super::cases::access_of_all(db))?;
    for (school, step, on) in steps {
        all.entry(school).or_default().recorded.push((step, on));
    }
    for (school, access) in access {
        all.entry(school).or_default().cases.push(access);
    }
    Ok(all)
}

/// Every recorded step (school, step, date); unknown step names are skipped.
async fn step_rows<C: ConnectionTrait>(db: &C) -> DbResult<Vec<(String, DenStep, NaiveDate)>> {
    use den_step::Column;
    let columns = [Column::SchoolCode, Column::Step, Column::OnDate];
    let rows: Vec<(String, String, NaiveDate)> =
        super::bulk::columns(db, den_step::Entity::find(), &columns).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(school, step, on)| DenStep::parse(&step).map(|step| (school, step, on)))
        .collect())
}
