//! Counters for every check of a secret (sign-in password, second factor, re-authentication),
//! by key (address, account, pending session): shared by every process on the database and
//! counted with one conditional statement, so parallel tries cannot pass the limit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuthThrottle {
    Table,
    Key,
    Count,
    /// Unix seconds when the current window began.
    WindowStart,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthThrottle::Table)
                    .if_not_exists()
                    .col(string(AuthThrottle::Key).primary_key())
                    .col(integer(AuthThrottle::Count))
                    .col(big_integer(AuthThrottle::WindowStart))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuthThrottle::Table).to_owned())
            .await
    }
}
