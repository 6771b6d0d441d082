use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: Option<String>,
    /// AES-GCM sealed TOTP secret (hex), never the secret itself.
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    pub totp_last_step: i64,
    /// JSON array of SHA-256 hashes of unused recovery codes.
    pub recovery_hashes: Option<String>,
    pub must_reenrol: bool,
    pub failed_passwords: i32,
    pub failed_codes: i32,
    pub failure_window_start: Option<DateTimeUtc>,
    pub locked_until: Option<DateTimeUtc>,
    pub disabled: bool,
    /// SHA-256 of the private calendar feed's token.
    pub calendar_token_hash: Option<String>,
    /// The same token sealed with the service key (to show the link again).
    #[sea_orm(column_type = "Text", nullable)]
    pub calendar_token_sealed: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
