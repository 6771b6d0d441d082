//! Schema migrations, portable between SQLite and PostgreSQL. No application entities here:
//! each migration describes its tables with its own identifiers, so it never changes later.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_schools;
mod m20261123_000002_staff_access;
mod m20261124_000003_litigation;
mod m20261124_000004_mail;
mod m20261130_000005_auth_throttle;
mod m20261130_000006_hearings;
mod m20261130_000007_calendar;
mod m20261130_000008_access_contact;
mod m20261130_000009_cazier;
mod m20261201_000010_portal;
mod m20261202_000011_pending_upload;
mod m20261208_000012_change_log;
mod m20261208_000013_privacy;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_schools::Migration),
            Box::new(m20261123_000002_staff_access::Migration),
            Box::new(m20261124_000003_litigation::Migration),
            Box::new(m20261124_000004_mail::Migration),
            Box::new(m20261130_000005_auth_throttle::Migration),
            Box::new(m20261130_000006_hearings::Migration),
            Box::new(m20261130_000007_calendar::Migration),
            Box::new(m20261130_000008_access_contact::Migration),
            Box::new(m20261130_000009_cazier::Migration),
            Box::new(m20261201_000010_portal::Migration),
            Box::new(m20261202_000011_pending_upload::Migration),
            Box::new(m20261208_000012_change_log::Migration),
            Box::new(m20261208_000013_privacy::Migration),
        ]
    }
}
