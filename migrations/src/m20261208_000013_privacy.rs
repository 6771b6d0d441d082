//! Personal data by the retention rule: when a designee's personal data was anonymised, and
//! when a case was closed (the rule counts from the school's last closed case). Cases closed
//! before this migration count from their last update, the best date known for them.

use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Designee {
    Table,
    AnonymisedAt,
}

#[derive(DeriveIden)]
enum CourtCase {
    Table,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Designee::Table)
                    .add_column(timestamp_with_time_zone_null(Designee::AnonymisedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CourtCase::Table)
                    .add_column(timestamp_with_time_zone_null(CourtCase::ClosedAt))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_raw(Statement::from_string(
            manager.get_database_backend(),
            "UPDATE court_case SET closed_at = updated_at WHERE status = 'closed'",
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CourtCase::Table)
                    .drop_column(CourtCase::ClosedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Designee::Table)
                    .drop_column(Designee::AnonymisedAt)
                    .to_owned(),
            )
            .await
    }
}
