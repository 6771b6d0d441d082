use sea_orm::entity::prelude::*;

// Deserialize: whole-table reads come as JSON on SQLite (`db::bulk`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "case_school")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub school_code: String,
    pub role: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub opposing_party: Option<String>,
    pub access_requested_on: Option<Date>,
    pub access_approved_on: Option<Date>,
    pub access_email: Option<String>,
    pub access_phone: Option<String>,
    pub access_refused_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub access_refusal_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
