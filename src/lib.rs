//! isj-tracker: tracks schools' D.E.N. accounts for a county school inspectorate.

pub mod app;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod excel;
pub mod files;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod portal;
pub mod register;
pub mod reports;
pub mod startup;
pub mod telemetry;
pub mod views;
pub mod web;
