//! The register's one full read: each table once, side by side on the pool.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::sources::{CaseSource, Sources};
use crate::db::{self, DbError};

pub async fn sources(db: &DatabaseConnection) -> Result<Sources, DbError> {
    let designees = async {
        let all = db::designees::all(db).await?;
        let current: Vec<i32> = all
            .iter()
            .filter(|d| d.valid_to.is_none())
            .map(|d| d.id)
            .collect();
        let evidence = db::designees::evidence_of(db, &current).await?;
        Ok::<_, DbError>((all, evidence))
    };
    let campaign = async {
        let campaign = db::den::active_campaign(db).await?;
        let extensions = match &campaign {
            Some(c) => db::den::extensions(db, c.id).await?,
            None => Default::default(),
        };
        Ok::<_, DbError>((campaign, extensions))
    };
    let (schools, cases, (designees, evidence), steps, (campaign, extensions)) = tokio::try_join!(
        db::schools::entries(db),
        db::cases::register_sources(db),
        designees,
        db::den::all_steps(db),
        campaign,
    )?;
    Ok(Sources {
        schools: schools.into_iter().map(|s| (s.code.clone(), s)).collect(),
        cases: cases
            .into_iter()
            .map(|(case, links, hearings)| {
                (
                    case.id,
                    CaseSource {
                        case,
                        links,
                        hearings,
                    },
                )
            })
            .collect(),
        steps: Arc::new(steps),
        designees: designees.into_iter().map(|d| (d.id, d)).collect(),
        evidence,
        campaign,
        extensions,
        ..Sources::default()
    })
}
