use sea_orm::entity::prelude::*;

// Deserialize: whole-table reads come as JSON on SQLite (`db::bulk`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "school")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub pj_code: String,
    pub status: String,
    pub long_name: Option<String>,
    pub short_name: Option<String>,
    pub pj_name: Option<String>,
    pub unit_type: Option<String>,
    pub county: Option<String>,
    pub pj_locality: Option<String>,
    pub pj_siruta: Option<String>,
    pub pj_area: Option<String>,
    pub locality: Option<String>,
    pub siruta: Option<String>,
    pub area: Option<String>,
    pub sirues_code: Option<String>,
    pub cif: Option<String>,
    pub operating_mode: Option<String>,
    pub funding: Option<String>,
    pub ownership: Option<String>,
    pub street: Option<String>,
    pub street_number: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub school_year: Option<String>,
    pub search_key: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
