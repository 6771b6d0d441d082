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

/// An applied import as the import history shows it.
#[derive(Debug, Clone)]
pub struct StoredBatch {
    pub id: i32,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub actor: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub report: ImportReport,
}

/// The kinds of file the service imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Schools,
    Cases,
    Designees,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [
        ImportKind::Schools,
        ImportKind::Cases,
        ImportKind::Designees,
    ];

    /// The `kind` of the JSON report and of stored batches.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Schools => "schools",
            ImportKind::Cases => "cases",
            ImportKind::Designees => "designees",
        }
    }

    pub fn parse(text: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// What an import kind is called on pages and in messages.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "cases" => "dosare",
        "designees" => "persoane desemnate",
        _ => "rețea școlară",
    }
}

/// What one counted row is, per import kind.
pub fn counted_noun(kind: &str) -> &'static str {
    match kind {
        "cases" => "Rânduri dosar–unitate",
        "designees" => "Persoane desemnate",
        _ => "Unități",
    }
}

/// The human summary printed by `import --format text`.
pub fn report_as_text(report: &ImportReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mode = if report.dry_run {
        " (simulare, nimic scris)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "Import {}: {}{mode}",
        kind_label(&report.kind),
        report.file
    );
    let sheet = report.sheet.as_deref().unwrap_or("CSV");
    let _ = writeln!(
        out,
        "Foaia {sheet}, antetul pe rândul {}",
        report.header_row
    );
    let _ = writeln!(
        out,
        "Rânduri citite {}, sărite {}, adăugate {}, actualizate {}, neschimbate {}, dezactivate {}",
        report.rows_read,
        report.skipped,
        report.inserted,
        report.updated,
        report.unchanged,
        report.deactivated
    );
    let _ = writeln!(
        out,
        "Rânduri respinse {}, avertismente {}",
        report.rejected_rows(),
        report.warnings.len()
    );
    for r in &report.rejected {
        let _ = writeln!(
            out,
            "  RESPINS rândul {}, coloana „{}”, valoarea „{}”: {}",
            r.row, r.column, r.value, r.error
        );
    }
    for w in &report.warnings {
        let _ = writeln!(
            out,
            "  atenție rândul {}, coloana „{}”, valoarea „{}”: {}",
            w.row, w.column, w.value, w.warning
        );
    }
    out
}
