//! Each staff member's private calendar feed: the token is looked up by its SHA-256 and kept
//! sealed with the service key, so the person can be shown their link again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffUser {
    Table,
    CalendarTokenHash,
    CalendarTokenSealed,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StaffUser::Table)
                    .add_column(string_null(StaffUser::CalendarTokenHash))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffUser::Table)
                    .add_column(text_null(StaffUser::CalendarTokenSealed))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_staff_user_calendar")
                    .table(StaffUser::Table)
                    .col(StaffUser::CalendarTokenHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ux_staff_user_calendar").to_owned())
            .await
    }
}
