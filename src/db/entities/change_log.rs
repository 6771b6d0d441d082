use sea_orm::entity::prelude::*;

// Deserialize: whole-table reads come as JSON on SQLite (`db::bulk`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i64,
    pub at: DateTimeUtc,
    pub actor: String,
    pub kind: String,
    pub school_code: Option<String>,
    pub case_id: Option<i32>,
    pub batch_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
