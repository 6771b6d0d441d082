use sea_orm::entity::prelude::*;

// Deserialize: whole-table reads come as JSON on SQLite (`db::bulk`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "court_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub court: String,
    pub number: String,
    pub sequence: i32,
    pub court_number: i32,
    pub year: i32,
    pub stars: i32,
    pub suffix: Option<String>,
    pub category: Option<String>,
    pub stage: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub object: Option<String>,
    pub next_hearing: Option<Date>,
    pub status: String,
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub portal_checked_at: Option<DateTimeUtc>,
    pub portal_state: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub portal_note: Option<String>,
    pub portal_misses: i32,
    /// When it was last closed (none while pending); the retention rule counts from it.
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
