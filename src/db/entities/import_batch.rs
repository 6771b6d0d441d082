use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_batch")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
    /// The full import report as JSON (per-row errors kept for download).
    #[sea_orm(column_type = "Text")]
    pub report: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
