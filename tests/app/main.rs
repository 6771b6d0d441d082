#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The one integration-test binary: real SQLite files (or a real PostgreSQL when
//! `ISJ_TEST_POSTGRES_URL` is set), the real binary, real HTTP.

mod accounts;
mod auth;
mod backup;
mod browser;
mod bulk;
mod calendar;
mod campaign;
mod crash;
mod deploy;
mod designees;
mod hearings;
mod helpers;
mod hostile;
mod import_cli;
mod import_formats;
mod layering;
mod links;
mod litigation;
mod mail;
mod metrics;
mod portal;
mod privacy;
mod register;
mod reminders;
mod replicas;
mod reports;
mod routes;
mod serve;
mod typed_input;
mod use_cases;
mod web;
