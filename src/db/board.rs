//! Loads the campaign board (every active PJ with its step and status) in a handful of
//! queries, whatever the number of schools.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::DbResult;
use super::entities::school;
use crate::domain::board::{Board, BoardSchool};
use crate::domain::den::DenStep;

pub async fn load<C: ConnectionTrait>(db: &C, today: NaiveDate) -> DbResult<Board> {
    let campaign = super::den::active_campaign(db).await?;
    let extensions = match &campaign {
        Some(c) => super::den::extensions(db, c.id).await?,
        None => Default::default(),
    };
    let case_counts = super::cases::active_case_counts(db).await?;
    let steps = super::den::current_steps(db).await?;
    let designees = super::designees::current_names(db).await?;
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
        .filter(school::Column::Status.eq("PJ"))
        .filter(school::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let schools = rows
        .into_iter()
        .map(|(code, long, short, locality, area)| {
            let (step, step_on) = steps
                .get(&code)
                .map_or((DenStep::NoCase, None), |(s, on)| (*s, Some(*on)));
            BoardSchool {
                name: long.or(short).unwrap_or_else(|| code.clone()),
                locality,
                area,
                active_cases: case_counts.get(&code).copied().unwrap_or(0),
                step,
                step_on,
                designee: designees.get(&code).cloned(),
                extension: extensions.get(&code).copied(),
                code,
            }
        })
        .collect();
    Ok(Board::new(schools, campaign.map(|c| c.deadline), today))
}
