//! The result of an import, in the JSON shape of design §3.1.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedCell {
    pub row: u32,
    pub column: String,
    pub value: String,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningCell {
    pub row: u32,
    pub column: String,
    pub value: String,
    pub warning: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub kind: String,
    pub file: String,
    pub sheet: Option<String>,
    pub header_row: u32,
    pub rows_read: u64,
    pub skipped: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deactivated: u64,
    pub dry_run: bool,
    pub rejected: Vec<RejectedCell>,
    pub warnings: Vec<WarningCell>,
}

impl ImportReport {
    /// Number of distinct rows that were rejected (one row may carry several errors).
    pub fn rejected_rows(&self) -> usize {
        let mut rows: Vec<u32> = self.rejected.iter().map(|r| r.row).collect();
        rows.dedup();
        rows.len()
    }

    pub fn reject(&mut self, row: u32, column: &str, value: &str, error: impl Into<String>) {
        self.rejected.push(RejectedCell {
            row,
            column: column.to_string(),
            value: value.to_string(),
            error: error.into(),
        });
    }

    pub fn warn(&mut self, row: u32, column: &str, value: &str, warning: impl Into<String>) {
        self.warnings.push(WarningCell {
            row,
            column: column.to_string(),
            value: value.to_string(),
            warning: warning.into(),
        });
    }
}
