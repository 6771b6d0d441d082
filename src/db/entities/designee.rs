use sea_orm::entity::prelude::*;

// Deserialize: whole-table reads come as JSON on SQLite (`db::bulk`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "designee")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub school_code: String,
    pub full_name: String,
    pub function: String,
    pub decision_number: Option<String>,
    pub decision_date: Option<Date>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub valid_from: DateTimeUtc,
    pub valid_to: Option<DateTimeUtc>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub confirmed_by: Option<String>,
    pub replaced_by: Option<i32>,
    pub recorded_by: String,
    /// When the retention rule (or an erasure) replaced its personal data.
    pub anonymised_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
