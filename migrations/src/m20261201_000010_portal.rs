//! The courts' portal: when each case was last checked and what the portal said, how many
//! runs in a row it was missing, and the cases discovery found (suggestions to accept or
//! dismiss; a dismissed one is remembered so it does not come back).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CourtCase {
    Table,
    PortalCheckedAt,
    /// `found`, `not_found` or `failed`.
    PortalState,
    PortalNote,
    PortalMisses,
}

#[derive(DeriveIden)]
enum PortalSuggestion {
    Table,
    Id,
    Court,
    Number,
    SchoolCode,
    Role,
    Category,
    Stage,
    Object,
    NextHearing,
    /// The hearings the portal listed, as JSON, created with the case on acceptance.
    Hearings,
    /// `open`, `accepted` or `dismissed`.
    Status,
    FoundAt,
    DecidedAt,
    DecidedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null(CourtCase::PortalCheckedAt),
            string_null(CourtCase::PortalState),
            text_null(CourtCase::PortalNote),
            integer(CourtCase::PortalMisses).default(0).take(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(CourtCase::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PortalSuggestion::Table)
                    .if_not_exists()
                    .col(pk_auto(PortalSuggestion::Id))
                    .col(string(PortalSuggestion::Court))
                    .col(string(PortalSuggestion::Number))
                    .col(string(PortalSuggestion::SchoolCode))
                    .col(string_null(PortalSuggestion::Role))
                    .col(string_null(PortalSuggestion::Category))
                    .col(string_null(PortalSuggestion::Stage))
                    .col(text_null(PortalSuggestion::Object))
                    .col(date_null(PortalSuggestion::NextHearing))
                    .col(text(PortalSuggestion::Hearings))
                    .col(string(PortalSuggestion::Status))
                    .col(timestamp_with_time_zone(PortalSuggestion::FoundAt))
                    .col(timestamp_with_time_zone_null(PortalSuggestion::DecidedAt))
                    .col(string_null(PortalSuggestion::DecidedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_portal_suggestion")
                    .table(PortalSuggestion::Table)
                    .col(PortalSuggestion::Court)
                    .col(PortalSuggestion::Number)
                    .col(PortalSuggestion::SchoolCode)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PortalSuggestion::Table).to_owned())
            .await
    }
}
