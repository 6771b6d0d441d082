use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffUser {
    Table,
    Id,
    Email,
    Name,
    Role,
    PasswordHash,
    TotpSecret,
    TotpPendingSecret,
    TotpLastStep,
    RecoveryHashes,
    MustReenrol,
    FailedPasswords,
    FailedCodes,
    FailureWindowStart,
    LockedUntil,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    IdHash,
    UserId,
    State,
    CsrfToken,
    CodeTries,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum EnrolmentLink {
    Table,
    TokenHash,
    UserId,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    Action,
    Entity,
    EntityId,
    Details,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffUser::Table)
                    .if_not_exists()
                    .col(pk_auto(StaffUser::Id))
                    .col(string_uniq(StaffUser::Email))
                    .col(string(StaffUser::Name))
                    .col(string(StaffUser::Role))
                    .col(text_null(StaffUser::PasswordHash))
                    .col(text_null(StaffUser::TotpSecret))
                    .col(text_null(StaffUser::TotpPendingSecret))
                    .col(big_integer(StaffUser::TotpLastStep).default(0))
                    .col(text_null(StaffUser::RecoveryHashes))
                    .col(boolean(StaffUser::MustReenrol).default(false))
                    .col(integer(StaffUser::FailedPasswords).default(0))
                    .col(integer(StaffUser::FailedCodes).default(0))
                    .col(timestamp_with_time_zone_null(StaffUser::FailureWindowStart))
                    .col(timestamp_with_time_zone_null(StaffUser::LockedUntil))
                    .col(boolean(StaffUser::Disabled).default(false))
                    .col(timestamp_with_time_zone(StaffUser::CreatedAt))
                    .col(timestamp_with_time_zone(StaffUser::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffSession::Table)
                    .if_not_exists()
                    .col(string_len(StaffSession::IdHash, 64).primary_key())
                    .col(integer(StaffSession::UserId))
                    .col(string(StaffSession::State))
                    .col(string_len(StaffSession::CsrfToken, 64))
                    .col(integer(StaffSession::CodeTries).default(0))
                    .col(timestamp_with_time_zone(StaffSession::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSession::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_user")
                            .from(StaffSession::Table, StaffSession::UserId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_session_user")
                    .table(StaffSession::Table)
                    .col(StaffSession::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EnrolmentLink::Table)
                    .if_not_exists()
                    .col(string_len(EnrolmentLink::TokenHash, 64).primary_key())
                    .col(integer_null(EnrolmentLink::UserId))
                    .col(timestamp_with_time_zone(EnrolmentLink::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EnrolmentLink::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .if_not_exists()
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string(AuditLog::Actor))
                    .col(string(AuditLog::Action))
                    .col(string(AuditLog::Entity))
                    .col(string_null(AuditLog::EntityId))
                    .col(text_null(AuditLog::Details))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_log", "enrolment_link", "staff_session", "staff_user"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
