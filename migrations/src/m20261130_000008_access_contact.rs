//! The electronic-access request per (case, school) carries the e-mail and mobile phone it
//! declared (the court checks the D.E.N. account against them), and a refusal with its reason.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseSchool {
    Table,
    AccessEmail,
    AccessPhone,
    AccessRefusedOn,
    AccessRefusalReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            string_null(CaseSchool::AccessEmail),
            string_null(CaseSchool::AccessPhone),
            date_null(CaseSchool::AccessRefusedOn),
            text_null(CaseSchool::AccessRefusalReason),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseSchool::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
