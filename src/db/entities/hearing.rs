use sea_orm::entity::prelude::*;

// Deserialize: whole-table reads come as JSON on SQLite (`db::bulk`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "hearing")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub on_date: Date,
    pub time: String,
    pub panel: String,
    pub stage: Option<String>,
    pub outcome: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    pub pronounced_on: Option<Date>,
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Deleted by staff, or marked wrong when it came from the portal: kept, never shown.
    pub removed_at: Option<DateTimeUtc>,
    pub removed_by: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub removed_reason: Option<String>,
    /// `date|time|panel` as the portal reported it, so a corrected hearing is still matched.
    pub portal_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
