//! Files checked (dry run) but not yet applied, kept in the database so the "apply" click may
//! reach another replica than the upload did; each is taken once, by the person who uploaded
//! it, within an hour.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PendingUpload {
    Table,
    Id,
    StaffId,
    /// `schools`, `cases` or `designees`.
    Kind,
    County,
    FileName,
    Content,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PendingUpload::Table)
                    .if_not_exists()
                    .col(string(PendingUpload::Id).primary_key())
                    .col(integer(PendingUpload::StaffId))
                    .col(string(PendingUpload::Kind))
                    .col(string_null(PendingUpload::County))
                    .col(string(PendingUpload::FileName))
                    .col(blob(PendingUpload::Content))
                    .col(timestamp_with_time_zone(PendingUpload::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PendingUpload::Table).to_owned())
            .await
    }
}
