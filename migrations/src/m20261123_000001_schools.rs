use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum School {
    Table,
    Code,
    PjCode,
    Status,
    LongName,
    ShortName,
    PjName,
    UnitType,
    County,
    PjLocality,
    PjSiruta,
    PjArea,
    Locality,
    Siruta,
    Area,
    SiruesCode,
    Cif,
    OperatingMode,
    Funding,
    Ownership,
    Street,
    StreetNumber,
    PostalCode,
    Phone,
    Fax,
    Email,
    SchoolYear,
    SearchKey,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ImportBatch {
    Table,
    Id,
    Kind,
    FileName,
    Sha256,
    Actor,
    CreatedAt,
    Report,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let optional = [
            School::LongName,
            School::ShortName,
            School::PjName,
            School::UnitType,
            School::County,
            School::PjLocality,
            School::PjSiruta,
            School::PjArea,
            School::Locality,
            School::Siruta,
            School::Area,
            School::SiruesCode,
            School::Cif,
            School::OperatingMode,
            School::Funding,
            School::Ownership,
            School::Street,
            School::StreetNumber,
            School::PostalCode,
            School::Phone,
            School::Fax,
            School::Email,
            School::SchoolYear,
        ];
        let mut table = Table::create();
        table
            .table(School::Table)
            .if_not_exists()
            .col(string_len(School::Code, 10).primary_key())
            .col(string_len(School::PjCode, 10))
            .col(string_len(School::Status, 2));
        for column in optional {
            table.col(text_null(column));
        }
        table
            .col(text(School::SearchKey))
            .col(boolean(School::Active))
            .col(timestamp_with_time_zone(School::CreatedAt))
            .col(timestamp_with_time_zone(School::UpdatedAt));
        manager.create_table(table).await?;
        // Attached units are looked up by their PJ; other filters scan (≤ 18,200 rows nationally).
        manager
            .create_index(
                Index::create()
                    .name("idx_school_pj_code")
                    .table(School::Table)
                    .col(School::PjCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportBatch::Table)
                    .if_not_exists()
                    .col(pk_auto(ImportBatch::Id))
                    .col(string(ImportBatch::Kind))
                    .col(text(ImportBatch::FileName))
                    .col(string_len(ImportBatch::Sha256, 64))
                    .col(string(ImportBatch::Actor))
                    .col(timestamp_with_time_zone(ImportBatch::CreatedAt))
                    .col(text(ImportBatch::Report))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportBatch::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(School::Table).to_owned())
            .await
    }
}
