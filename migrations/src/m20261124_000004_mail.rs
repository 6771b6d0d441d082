//! The mail outbox, the reminder items each mail carries, directors' one-time links,
//! opt-outs and editable settings (reminder rules).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    DedupeKey,
    Kind,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    SealedTokens,
    AttachmentPath,
    AttachmentName,
    Status,
    RespectWindow,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    MessageId,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum MailItem {
    Table,
    Id,
    ItemKey,
    OutboxId,
    SchoolCode,
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ActionLink {
    Table,
    Id,
    TokenHash,
    SchoolCode,
    Purpose,
    Email,
    ExpiresAt,
    ConsumedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOptOut {
    Table,
    Email,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Setting {
    Table,
    Key,
    Value,
    UpdatedAt,
    UpdatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .if_not_exists()
                    .col(pk_auto(Outbox::Id))
                    .col(string_uniq(Outbox::DedupeKey))
                    .col(string(Outbox::Kind))
                    .col(string(Outbox::Recipient))
                    .col(string(Outbox::Subject))
                    .col(text(Outbox::BodyText))
                    .col(text(Outbox::BodyHtml))
                    .col(text_null(Outbox::SealedTokens))
                    .col(string_null(Outbox::AttachmentPath))
                    .col(string_null(Outbox::AttachmentName))
                    .col(string(Outbox::Status))
                    .col(boolean(Outbox::RespectWindow).default(true))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
                    .col(text_null(Outbox::LastError))
                    .col(string(Outbox::MessageId))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailItem::Table)
                    .if_not_exists()
                    .col(pk_auto(MailItem::Id))
                    .col(string_uniq(MailItem::ItemKey))
                    .col(integer(MailItem::OutboxId))
                    .col(string_null(MailItem::SchoolCode))
                    .col(string(MailItem::Kind))
                    .col(timestamp_with_time_zone(MailItem::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mail_item_outbox")
                            .from(MailItem::Table, MailItem::OutboxId)
                            .to(Outbox::Table, Outbox::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_item_outbox")
                    .table(MailItem::Table)
                    .col(MailItem::OutboxId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_item_school")
                    .table(MailItem::Table)
                    .col(MailItem::SchoolCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActionLink::Table)
                    .if_not_exists()
                    .col(pk_auto(ActionLink::Id))
                    .col(string_len_uniq(ActionLink::TokenHash, 64))
                    .col(string_len(ActionLink::SchoolCode, 10))
                    .col(string(ActionLink::Purpose))
                    .col(string_null(ActionLink::Email))
                    .col(timestamp_with_time_zone(ActionLink::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ActionLink::ConsumedAt))
                    .col(timestamp_with_time_zone_null(ActionLink::RevokedAt))
                    .col(timestamp_with_time_zone(ActionLink::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_action_link_school")
                            .from(ActionLink::Table, ActionLink::SchoolCode)
                            .to(Alias::new("school"), Alias::new("code")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_action_link_school")
                    .table(ActionLink::Table)
                    .col(ActionLink::SchoolCode)
                    .col(ActionLink::Purpose)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailOptOut::Table)
                    .if_not_exists()
                    .col(string(MailOptOut::Email).primary_key())
                    .col(timestamp_with_time_zone(MailOptOut::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Setting::Table)
                    .if_not_exists()
                    .col(string(Setting::Key).primary_key())
                    .col(text(Setting::Value))
                    .col(timestamp_with_time_zone(Setting::UpdatedAt))
                    .col(string(Setting::UpdatedBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "setting",
            "mail_opt_out",
            "action_link",
            "mail_item",
            "outbox",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
