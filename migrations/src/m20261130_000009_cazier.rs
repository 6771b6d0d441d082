//! Optional criminal-record certificate evidence per designee: its number and issue date
//! (valid six months). Never a CNP, never the document.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Designee {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DesigneeEvidence {
    Table,
    Id,
    DesigneeId,
    CertificateNumber,
    IssuedOn,
    ValidUntil,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DesigneeEvidence::Table)
                    .if_not_exists()
                    .col(pk_auto(DesigneeEvidence::Id))
                    .col(integer_uniq(DesigneeEvidence::DesigneeId))
                    .col(string(DesigneeEvidence::CertificateNumber))
                    .col(date(DesigneeEvidence::IssuedOn))
                    .col(date(DesigneeEvidence::ValidUntil))
                    .col(string(DesigneeEvidence::RecordedBy))
                    .col(timestamp_with_time_zone(DesigneeEvidence::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_evidence_designee")
                            .from(DesigneeEvidence::Table, DesigneeEvidence::DesigneeId)
                            .to(Designee::Table, Designee::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DesigneeEvidence::Table).to_owned())
            .await
    }
}
