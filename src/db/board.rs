//! Loads the campaign board (every active PJ with its step and status) in a handful of
//! queries, whatever the number of schools.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::DbResult;
use super::entities::school;
use crate::domain::board::{Board, BoardSchool};
use crate::domain::den::SchoolProcedure;
use crate::domain::school::UnitStatus;

pub async fn load<C: ConnectionTrait>(db: &C, today: NaiveDate) -> DbResult<Board> {
    Ok(load_with_procedures(db, today).await?.0)
}

/// The board and the steps and case access it was computed from (the D.E.N. report shows
/// them too). The reads are independent and run side by side on the pool's connections.
pub async fn load_with_procedures<C: ConnectionTrait>(
    db: &C,
    today: NaiveDate,
) -> DbResult<(Board, HashMap<String, SchoolProcedure>)> {
    let campaign_and_extensions = async {
        let campaign = super::den::active_campaign(db).await?;
        let extensions = match &campaign {
            Some(c) => super::den::extensions(db, c.id).await?,
            None => Default::default(),
        };
        Ok::<_, super::DbError>((campaign, extensions))
    };
    let ((campaign, extensions), case_counts, procedures, designees, names, rows) = tokio::try_join!(
        campaign_and_extensions,
        super::cases::active_case_counts(db),
        super::den::procedures(db),
        super::designees::current_contacts(db),
        super::designees::current_names(db),
        active_pjs(db),
    )?;
    let schools = rows
        .into_iter()
        .map(|(code, long, short, locality, area)| {
            let procedure = procedures.get(&code).cloned().unwrap_or_default();
            let step = procedure.effective_step();
            let step_on = procedure.first_recorded(step);
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
    let board = Board::new(schools, campaign.map(|c| c.deadline), today);
    Ok((board, procedures))
}

type PjRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Code, long and short name, locality and area of every active PJ.
async fn active_pjs<C: ConnectionTrait>(db: &C) -> DbResult<Vec<PjRow>> {
    Ok(school::Entity::find()
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
        .await?)
}
