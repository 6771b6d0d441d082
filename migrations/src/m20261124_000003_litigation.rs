//! Court cases and their schools, designees, the D.E.N. campaign and its steps, and
//! before/after snapshots in the audit trail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum School {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum CourtCase {
    Table,
    Id,
    Court,
    Number,
    Sequence,
    CourtNumber,
    Year,
    Stars,
    Suffix,
    Category,
    Stage,
    Object,
    NextHearing,
    Status,
    Source,
    CreatedAt,
    UpdatedAt,
}

/// One school in one case; the electronic-access request for that pair lives on the same row
/// (it is one-to-one with the link).
#[derive(DeriveIden)]
enum CaseSchool {
    Table,
    Id,
    CaseId,
    SchoolCode,
    Role,
    OpposingParty,
    AccessRequestedOn,
    AccessApprovedOn,
    Notes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Designee {
    Table,
    Id,
    SchoolCode,
    FullName,
    Function,
    DecisionNumber,
    DecisionDate,
    Email,
    Phone,
    ValidFrom,
    ValidTo,
    ConfirmedAt,
    ConfirmedBy,
    ReplacedBy,
    RecordedBy,
}

#[derive(DeriveIden)]
enum Campaign {
    Table,
    Id,
    Title,
    Deadline,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CampaignExtension {
    Table,
    Id,
    CampaignId,
    SchoolCode,
    Until,
    Reason,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum DenStep {
    Table,
    Id,
    SchoolCode,
    Step,
    OnDate,
    Source,
    RecordedBy,
    Note,
    RecordedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Before,
    After,
}

fn to_school(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(School::Table, School::Code)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CourtCase::Table)
                    .if_not_exists()
                    .col(pk_auto(CourtCase::Id))
                    .col(string(CourtCase::Court))
                    .col(string(CourtCase::Number))
                    .col(integer(CourtCase::Sequence))
                    .col(integer(CourtCase::CourtNumber))
                    .col(integer(CourtCase::Year))
                    .col(integer(CourtCase::Stars).default(0))
                    .col(string_null(CourtCase::Suffix))
                    .col(string_null(CourtCase::Category))
                    .col(string_null(CourtCase::Stage))
                    .col(text_null(CourtCase::Object))
                    .col(date_null(CourtCase::NextHearing))
                    .col(string(CourtCase::Status).default("active"))
                    .col(string(CourtCase::Source))
                    .col(timestamp_with_time_zone(CourtCase::CreatedAt))
                    .col(timestamp_with_time_zone(CourtCase::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_identity")
                    .table(CourtCase::Table)
                    .col(CourtCase::Court)
                    .col(CourtCase::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_hearing")
                    .table(CourtCase::Table)
                    .col(CourtCase::NextHearing)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseSchool::Table)
                    .if_not_exists()
                    .col(pk_auto(CaseSchool::Id))
                    .col(integer(CaseSchool::CaseId))
                    .col(string_len(CaseSchool::SchoolCode, 10))
                    .col(string_null(CaseSchool::Role))
                    .col(text_null(CaseSchool::OpposingParty))
                    .col(date_null(CaseSchool::AccessRequestedOn))
                    .col(date_null(CaseSchool::AccessApprovedOn))
                    .col(text_null(CaseSchool::Notes))
                    .col(timestamp_with_time_zone(CaseSchool::CreatedAt))
                    .col(timestamp_with_time_zone(CaseSchool::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_school_case")
                            .from(CaseSchool::Table, CaseSchool::CaseId)
                            .to(CourtCase::Table, CourtCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_school(
                        "fk_case_school_school",
                        (CaseSchool::Table, CaseSchool::SchoolCode),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_school_pair")
                    .table(CaseSchool::Table)
                    .col(CaseSchool::CaseId)
                    .col(CaseSchool::SchoolCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_school_school")
                    .table(CaseSchool::Table)
                    .col(CaseSchool::SchoolCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Designee::Table)
                    .if_not_exists()
                    .col(pk_auto(Designee::Id))
                    .col(string_len(Designee::SchoolCode, 10))
                    .col(string(Designee::FullName))
                    .col(string(Designee::Function))
                    .col(string_null(Designee::DecisionNumber))
                    .col(date_null(Designee::DecisionDate))
                    .col(string_null(Designee::Email))
                    .col(string_null(Designee::Phone))
                    .col(timestamp_with_time_zone(Designee::ValidFrom))
                    .col(timestamp_with_time_zone_null(Designee::ValidTo))
                    .col(timestamp_with_time_zone_null(Designee::ConfirmedAt))
                    .col(string_null(Designee::ConfirmedBy))
                    .col(integer_null(Designee::ReplacedBy))
                    .col(string(Designee::RecordedBy))
                    .foreign_key(&mut to_school(
                        "fk_designee_school",
                        (Designee::Table, Designee::SchoolCode),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_designee_school")
                    .table(Designee::Table)
                    .col(Designee::SchoolCode)
                    .col(Designee::ValidTo)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Campaign::Table)
                    .if_not_exists()
                    .col(pk_auto(Campaign::Id))
                    .col(string(Campaign::Title))
                    .col(date(Campaign::Deadline))
                    .col(boolean(Campaign::Active).default(true))
                    .col(timestamp_with_time_zone(Campaign::CreatedAt))
                    .col(timestamp_with_time_zone(Campaign::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignExtension::Table)
                    .if_not_exists()
                    .col(pk_auto(CampaignExtension::Id))
                    .col(integer(CampaignExtension::CampaignId))
                    .col(string_len(CampaignExtension::SchoolCode, 10))
                    .col(date(CampaignExtension::Until))
                    .col(text(CampaignExtension::Reason))
                    .col(string(CampaignExtension::RecordedBy))
                    .col(timestamp_with_time_zone(CampaignExtension::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_extension_campaign")
                            .from(CampaignExtension::Table, CampaignExtension::CampaignId)
                            .to(Campaign::Table, Campaign::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_school(
                        "fk_extension_school",
                        (CampaignExtension::Table, CampaignExtension::SchoolCode),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_extension_pair")
                    .table(CampaignExtension::Table)
                    .col(CampaignExtension::CampaignId)
                    .col(CampaignExtension::SchoolCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DenStep::Table)
                    .if_not_exists()
                    .col(pk_auto(DenStep::Id))
                    .col(string_len(DenStep::SchoolCode, 10))
                    .col(string(DenStep::Step))
                    .col(date(DenStep::OnDate))
                    .col(string(DenStep::Source))
                    .col(string(DenStep::RecordedBy))
                    .col(text_null(DenStep::Note))
                    .col(timestamp_with_time_zone(DenStep::RecordedAt))
                    .foreign_key(&mut to_school(
                        "fk_den_step_school",
                        (DenStep::Table, DenStep::SchoolCode),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_den_step_school")
                    .table(DenStep::Table)
                    .col(DenStep::SchoolCode)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(text_null(AuditLog::Before))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(text_null(AuditLog::After))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_entity")
                    .table(Alias::new("audit_log"))
                    .col(Alias::new("entity"))
                    .col(Alias::new("entity_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "den_step",
            "campaign_extension",
            "campaign",
            "designee",
            "case_school",
            "court_case",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
