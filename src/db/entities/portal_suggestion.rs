use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portal_suggestion")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub court: String,
    pub number: String,
    pub school_code: String,
    pub role: Option<String>,
    pub category: Option<String>,
    pub stage: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub object: Option<String>,
    pub next_hearing: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub hearings: String,
    pub status: String,
    pub found_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
