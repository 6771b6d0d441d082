//! A report as tables of typed cells, before any file format: the xlsx and CSV writers and the
//! tests all read this.

use chrono::NaiveDate;

use super::den::StatusKind;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// Codes (SIIIR, case numbers): always text, leading zeros kept.
    Code(String),
    Date(Option<NaiveDate>),
    Int(i64),
    /// A D.E.N. status: its label, coloured by kind.
    Status(StatusKind, String),
}

impl Value {
    pub fn text(value: impl Into<String>) -> Value {
        Value::Text(value.into())
    }

    pub fn opt(value: Option<&str>) -> Value {
        Value::Text(value.unwrap_or_default().to_string())
    }

    /// The value as a CSV field or a plain-text cell, formulas neutralised, dates `dd.mm.yyyy`.
    pub fn display(&self) -> String {
        match self {
            Value::Text(t) | Value::Code(t) | Value::Status(_, t) => neutralise(t),
            Value::Date(Some(d)) => super::dates::show(*d),
            Value::Date(None) => String::new(),
            Value::Int(n) => n.to_string(),
        }
    }
}

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading apostrophe (OWASP CSV injection advice): names come from imported files.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: &'static str,
    /// Width in characters.
    pub width: f64,
}

pub const fn col(header: &'static str, width: f64) -> Column {
    Column { header, width }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

/// Counts for the summary sheet of the D.E.N. report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub by_status: Vec<(StatusKind, u32)>,
    /// Locality → counts in the order of [`StatusKind::ALL`].
    pub by_locality: Vec<(String, Vec<u32>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// `den-status`, `cases`, `designees`, `reminders`.
    pub name: String,
    pub title: String,
    /// The filter as the user chose it, in words.
    pub filter: String,
    /// `dd.mm.yyyy HH:mm` Europe/Bucharest.
    pub generated_at: String,
    pub tables: Vec<Table>,
    pub summary: Option<Summary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_everywhere_text_goes() {
        for (raw, shown) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+40 722", "'+40 722"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Școala", "Școala"),
        ] {
            assert_eq!(Value::text(raw).display(), shown);
        }
        assert_eq!(Value::Code("0161102892".into()).display(), "0161102892");
        assert_eq!(
            Value::Date(NaiveDate::from_ymd_opt(2026, 12, 15)).display(),
            "15.12.2026"
        );
    }
}
