//! Loads the campaign board (every active PJ with its step and status) in a handful of
//! queries, whatever the number of schools.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::DbResult;
use super::entities::school;
use crate::domain::board::{Board, BoardSchool};
use crate::domain::den::SchoolProcedure;
use crate::domain::designee::StoredDesignee;
use crate::domain::school::UnitStatus;

pub async fn load<C: ConnectionTrait>(db: &C, today: NaiveDate) -> DbResult<Board> {
    Ok(load_with_sources(db, today).await?.board)
}

/// The board with what it was computed from: every school's steps and case access, and the
/// current designees (the D.E.N. report shows them too).
pub struct BoardSources {
    pub board: Board,
    pub procedures: HashMap<String, SchoolProcedure>,
    pub designees: HashMap<String, StoredDesignee>,
}

/// One read per table, side by side on the pool's connections; the case counts come from
/// the case access read and the designees' names and confirmation from one designee read.
pub async fn load_with_sources<C: ConnectionTrait>(
    db: &C,
    today: NaiveDate,
) -> DbResult<BoardSources> {
    let campaign_and_extensions = async {
        let campaign = super::den::active_campaign(db).await?;
        let extensions = match &campaign {
            Some(c) => super::den::extensions(db, c.id).await?,
            None => Default::default(),
        };
        Ok::<_, super::DbError>((campaign, extensions))
    };
    let ((campaign, extensions), procedures, designees, rows) = tokio::try_join!(
        campaign_and_extensions,
        super::den::procedures(db),
        super::designees::all_current(db),
        active_pjs(db),
    )?;
    let designees: HashMap<String, StoredDesignee> = designees
        .into_iter()
        .map(|d| (d.school_code.clone(), d))
        .collect();
    let empty = SchoolProcedure::default();
    let schools = rows
        .into_iter()
        .map(|(code, long, short, locality, area)| {
            let procedure = procedures.get(&code).unwrap_or(&empty);
            let step = procedure.effective_step();
            let designee = designees.get(&code);
            let confirmed = designee.is_some_and(StoredDesignee::is_confirmed);
            BoardSchool {
                complete: procedure.complete(confirmed),
                name: long.or(short).unwrap_or_else(|| code.clone()),
                locality,
                area,
                active_cases: procedure.active_cases(),
                step,
                step_on: procedure.first_recorded(step),
                designee: designee.map(|d| d.facts.full_name.clone()),
                extension: extensions.get(&code).copied(),
                code,
            }
        })
        .collect();
    Ok(BoardSources {
        board: Board::new(schools, campaign.map(|c| c.deadline), today),
        procedures,
        designees,
    })
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
    use school::Column;
    let query = school::Entity::find()
        .filter(Column::Status.eq(UnitStatus::Pj.as_str()))
        .filter(Column::Active.eq(true));
    let columns = [
        Column::Code,
        Column::LongName,
        Column::ShortName,
        Column::Locality,
        Column::Area,
    ];
    super::bulk::columns(db, query, &columns).await
}
