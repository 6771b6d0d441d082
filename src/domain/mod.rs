//! Pure domain: types, rules and validation. No database, web or spreadsheet library here.

pub mod audit;
pub mod board;
pub mod calendar;
pub mod case_import;
pub mod case_kinds;
pub mod case_number;
pub mod cases;
pub mod cell;
pub mod change;
pub mod columns;
pub mod county;
pub mod courts;
pub mod dates;
pub mod den;
pub mod designee;
pub mod directory;
pub mod outbox;
pub mod portal;
pub mod register;
pub mod reminders;
pub mod report;
pub mod report_table;
pub mod school;
pub mod school_import;
pub mod staff;
pub mod text;
