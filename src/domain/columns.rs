//! Column specifications: one list per spreadsheet kind serves the importer, the template and
//! the exporter. Headers are matched after folding (case, diacritics, spaces, trailing dots).

use super::text::fold_header;

#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec<F: 'static> {
    pub field: F,
    /// The header written in templates and exports.
    pub header: &'static str,
    /// Other header texts accepted on import.
    pub synonyms: &'static [&'static str],
}

impl<F> ColumnSpec<F> {
    fn matches(&self, folded: &str) -> bool {
        fold_header(self.header) == folded || self.synonyms.iter().any(|s| fold_header(s) == folded)
    }
}

/// Where each known field sits in the file, plus the header text as the user wrote it.
#[derive(Debug, Clone)]
pub struct ColumnMap<F: 'static> {
    found: Vec<(F, usize, String)>,
}

impl<F: Copy + PartialEq> ColumnMap<F> {
    /// Maps a header row; the first column that matches a field wins.
    pub fn from_headers(specs: &[ColumnSpec<F>], headers: &[String]) -> Self {
        let mut found: Vec<(F, usize, String)> = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            let folded = fold_header(header);
            if folded.is_empty() {
                continue;
            }
            if let Some(spec) = specs.iter().find(|s| s.matches(&folded))
                && !found.iter().any(|(f, _, _)| *f == spec.field)
            {
                found.push((spec.field, index, header.trim().to_string()));
            }
        }
        ColumnMap { found }
    }

    pub fn index(&self, field: F) -> Option<usize> {
        self.found
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, i, _)| *i)
    }

    pub fn has(&self, field: F) -> bool {
        self.index(field).is_some()
    }

    /// The header as written in the file, or the canonical one when the column is absent.
    pub fn header(&self, specs: &[ColumnSpec<F>], field: F) -> String {
        self.found
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, _, h)| h.clone())
            .or_else(|| {
                specs
                    .iter()
                    .find(|s| s.field == field)
                    .map(|s| s.header.to_string())
            })
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.found.len()
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }
}

/// The header line of an empty list to fill in: UTF-8 with BOM, `;`-separated, CRLF, so
/// Excel with Romanian settings opens it in columns with the diacritics intact.
pub fn template_csv<F>(specs: &[ColumnSpec<F>]) -> String {
    let headers: Vec<&str> = specs.iter().map(|s| s.header).collect();
    format!("\u{feff}{}\r\n", headers.join(";"))
}

/// What a candidate header row looks like to one import kind.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderVerdict {
    /// Every required column is there.
    Complete,
    /// Looks like the header (several known columns) but these required ones are missing.
    Incomplete(Vec<String>),
    NotHeader,
}
