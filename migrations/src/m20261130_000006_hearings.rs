//! Hearings with their history: one row per (case, date, time, panel), the outcome filled in
//! later on the same row. The case's next hearing is derived from them; the single date the
//! first version kept on the case becomes the case's first hearing row.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CourtCase {
    Table,
    Id,
    NextHearing,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Hearing {
    Table,
    Id,
    CaseId,
    OnDate,
    /// `HH:MM`, or empty when unknown (part of the identity, so never NULL).
    Time,
    /// The court's panel (complet), or empty.
    Panel,
    Stage,
    Outcome,
    Summary,
    PronouncedOn,
    /// `import`, `manual` or `portal`.
    Source,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Hearing::Table)
                    .if_not_exists()
                    .col(pk_auto(Hearing::Id))
                    .col(integer(Hearing::CaseId))
                    .col(date(Hearing::OnDate))
                    .col(string_len(Hearing::Time, 5).default(""))
                    .col(string(Hearing::Panel).default(""))
                    .col(string_null(Hearing::Stage))
                    .col(string_null(Hearing::Outcome))
                    .col(text_null(Hearing::Summary))
                    .col(date_null(Hearing::PronouncedOn))
                    .col(string(Hearing::Source))
                    .col(timestamp_with_time_zone(Hearing::CreatedAt))
                    .col(timestamp_with_time_zone(Hearing::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_hearing_case")
                            .from(Hearing::Table, Hearing::CaseId)
                            .to(CourtCase::Table, CourtCase::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_hearing_identity")
                    .table(Hearing::Table)
                    .col(Hearing::CaseId)
                    .col(Hearing::OnDate)
                    .col(Hearing::Time)
                    .col(Hearing::Panel)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_hearing_date")
                    .table(Hearing::Table)
                    .col(Hearing::OnDate)
                    .to_owned(),
            )
            .await?;
        // The date each case carried becomes its first hearing.
        let copy = Query::insert()
            .into_table(Hearing::Table)
            .columns([
                Hearing::CaseId,
                Hearing::OnDate,
                Hearing::Source,
                Hearing::CreatedAt,
                Hearing::UpdatedAt,
            ])
            .select_from(
                Query::select()
                    .column(CourtCase::Id)
                    .column(CourtCase::NextHearing)
                    .expr(Expr::val("import"))
                    .column(CourtCase::CreatedAt)
                    .column(CourtCase::CreatedAt)
                    .from(CourtCase::Table)
                    .and_where(Expr::col(CourtCase::NextHearing).is_not_null())
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.exec_stmt(copy).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Hearing::Table).to_owned())
            .await
    }
}
