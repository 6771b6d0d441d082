use sea_orm::entity::prelude::*;

// Deserialize: whole-table reads come as JSON on SQLite (`db::bulk`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "designee_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub designee_id: i32,
    pub certificate_number: String,
    pub issued_on: Date,
    pub valid_until: Date,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
