//! Loads the campaign board (every active PJ with its step and status) in a handful of
//! queries, whatever the number of schools.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::DbResult;
use super::entities::school;
use crate::domain::board::{Board, BoardSchool};
use crate::domain::school::UnitStatus;

pub async fn load<C: ConnectionTrait>(db: &C, today: NaiveDate) -> DbResult<Board> {
    let campaign = super::den::active_campaign(db).await?;
    let extensions = match &campaign {
        Some(c) => super::den::extensions(db, c.id).await?,
        None => Default::default(),
    };
    let case_counts = super::cases::active_case_counts(db).await?;
    let procedures = super::den::procedures(db).await?;
    let designees = super::designees::current_contacts(db).await?;
    let names = super::designees::current_names(db).await?;
    let rows: Vec<(
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = school::Entity::find()
        .select_only()
        .columns([
            school::Column::Code,
            school::Column::LongName,
            school::Column::ShortName,
            school::Column::Locality,
            school::Column::Area,
        ])
        .filter(school::Column::Status.eq(UnitStatus::Pj.as_str()))
        .filter(school::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let schools = rows
        .into_iter()
        .map(|(code, long, short, locality, area)| {
            let procedure = procedures.get(&code).cloned().unwrap_or_default();
            let step = procedure.effective_step();
            let step_on = procedure
                .recorded
                .iter()
                .filter(|(s, _)| *s == step)
                .map(|(_, on)| *on)
                .min();
            let confirmed = designees
                .get(&code)
                .is_some_and(|(_, confirmed, _)| *confirmed);
            BoardSchool {
                complete: procedure.complete(confirmed),
                name: long.or(short).unwrap_or_else(|| code.clone()),
                locality,
                area,
                active_cases: case_counts.get(&code).copied().unwrap_or(0),
                step,
                step_on,
                designee: names.get(&code).cloned(),
                extension: extensions.get(&code).copied(),
                code,
            }
        })
        .collect();
    Ok(Board::new(schools, campaign.map(|c| c.deadline), today))
}
