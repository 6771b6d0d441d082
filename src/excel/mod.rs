//! Reading spreadsheets (xlsx, xls, ods, csv) row by row, safely.
//!
//! The file kind is decided by its bytes; hostile files are refused by [`guard`] before
//! calamine sees them; the header row is found by its texts.

mod csv_text;
pub mod guard;
mod ods_scan;
pub mod report_writer;
mod workbook;
mod xls_scan;

use crate::domain::cell::{Cell, Row};
use crate::domain::columns::HeaderVerdict;

pub use guard::{Format, Limits};

/// Why a file is refused as a whole. Messages are shown to users, in Romanian.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SpreadsheetError {
    #[error("fișierul este gol")]
    Empty,
    #[error("fișierul are {size} octeți, peste limita de {limit} octeți")]
    TooLarge { size: u64, limit: u64 },
    #[error("fișierul nu este un registru de calcul (xlsx, xls, ods) sau un CSV: {0}")]
    NotSpreadsheet(String),
    #[error(
        "registrul este protejat cu parolă sau criptat; salvați-l fără parolă și încercați din nou"
    )]
    Encrypted,
    #[error("registrul conține macrocomenzi (xlsm); salvați-l ca .xlsx")]
    Macros,
    #[error("arhivă suspectă (posibilă „bombă zip”): {0}")]
    ZipBomb(String),
    #[error("arhiva conține o cale nepermisă: {0}")]
    UnsafeEntryName(String),
    #[error("arhiva are {0} fișiere interne, peste limita de 200")]
    TooManyEntries(u64),
    #[error("foaia „{sheet}” are {rows} rânduri, peste limita de {limit}")]
    TooManyRows {
        sheet: String,
        rows: u64,
        limit: u64,
    },
    #[error("foaia „{sheet}” are {columns} coloane, peste limita de {limit}")]
    TooManyColumns {
        sheet: String,
        columns: u64,
        limit: u64,
    },
    #[error("fișierul nu poate fi citit: {0}")]
    Unreadable(String),
    #[error("nu am găsit rândul de antet în primele 30 de rânduri ale niciunei foi")]
    NoHeader,
    #[error("lipsesc coloane obligatorii: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
}

/// Receives a sheet as it is read: the header row once, then every row below it.
pub trait RowSink {
    type Error: From<SpreadsheetError>;

    fn header(
        &mut self,
        sheet: Option<&str>,
        header_row: u32,
        headers: Vec<String>,
    ) -> Result<(), Self::Error>;

    fn row(&mut self, row: Row) -> Result<(), Self::Error>;
}

/// Streams the first sheet whose first 30 rows contain a header that `verdict` accepts into
/// `sink`. Nothing reaches the sink before [`guard::inspect`] has accepted the file.
pub fn read_rows<S: RowSink>(
    bytes: &[u8],
    limits: &Limits,
    verdict: &dyn Fn(&[String]) -> HeaderVerdict,
    sink: &mut S,
) -> Result<(), S::Error> {
    let format = guard::inspect(bytes, limits)?;
    let mut finder = HeaderFinder::new(verdict);
    let found = match format {
        Format::Csv => csv_text::read(bytes, limits, &mut finder, sink)?,
        Format::Xlsx => workbook::read_xlsx(bytes, limits, &mut finder, sink)?,
        format @ (Format::Xls | Format::Ods) => {
            workbook::read_other(bytes, format, limits, &mut finder, sink)?
        }
    };
    if found {
        Ok(())
    } else {
        Err(finder.not_found().into())
    }
}

/// Rows searched for the header.
pub const HEADER_SEARCH_ROWS: u32 = 30;

/// Remembers the best incomplete header seen so the refusal can name the missing columns.
pub(crate) struct HeaderFinder<'a> {
    verdict: &'a dyn Fn(&[String]) -> HeaderVerdict,
    missing: Option<Vec<String>>,
}

impl<'a> HeaderFinder<'a> {
    fn new(verdict: &'a dyn Fn(&[String]) -> HeaderVerdict) -> Self {
        HeaderFinder {
            verdict,
            missing: None,
        }
    }

    /// True when this row is the header.
    pub(crate) fn is_header(&mut self, cells: &[Cell]) -> bool {
        let texts: Vec<String> = cells.iter().map(|c| c.text().unwrap_or_default()).collect();
        match (self.verdict)(&texts) {
            HeaderVerdict::Complete => true,
            HeaderVerdict::Incomplete(missing) => {
                if self
                    .missing
                    .as_ref()
                    .is_none_or(|m| m.len() > missing.len())
                {
                    self.missing = Some(missing);
                }
                false
            }
            HeaderVerdict::NotHeader => false,
        }
    }

    pub(crate) fn not_found(&mut self) -> SpreadsheetError {
        match self.missing.take() {
            Some(missing) => SpreadsheetError::MissingColumns(missing),
            None => SpreadsheetError::NoHeader,
        }
    }
}

/// Follows one sheet: looks for the header in its first rows, then passes rows to the sink.
pub(crate) struct SheetReader {
    sheet: Option<String>,
    limits: Limits,
    header_found: bool,
}

pub(crate) enum Feed {
    Continue,
    /// No header in the first rows: stop reading this sheet.
    GiveUp,
}

impl SheetReader {
    pub(crate) fn new(sheet: Option<String>, limits: &Limits) -> Self {
        SheetReader {
            sheet,
            limits: limits.clone(),
            header_found: false,
        }
    }

    pub(crate) fn header_found(&self) -> bool {
        self.header_found
    }

    /// Feeds one row (0-based index, dense cells).
    pub(crate) fn feed<S: RowSink>(
        &mut self,
        index: u32,
        cells: Vec<Cell>,
        finder: &mut HeaderFinder,
        sink: &mut S,
    ) -> Result<Feed, S::Error> {
        self.check_bounds(index, cells.len())?;
        if self.header_found {
            sink.row(Row {
                number: index + 1,
                cells,
            })?;
            return Ok(Feed::Continue);
        }
        if index >= HEADER_SEARCH_ROWS {
            return Ok(Feed::GiveUp);
        }
        if finder.is_header(&cells) {
            self.header_found = true;
            let headers = cells.iter().map(|c| c.text().unwrap_or_default()).collect();
            sink.header(self.sheet.as_deref(), index + 1, headers)?;
        }
        Ok(Feed::Continue)
    }

    pub(crate) fn check_bounds(&self, index: u32, width: usize) -> Result<(), SpreadsheetError> {
        let sheet = || self.sheet.clone().unwrap_or_else(|| "CSV".into());
        if u64::from(index) >= self.limits.max_rows {
            return Err(SpreadsheetError::TooManyRows {
                sheet: sheet(),
                rows: u64::from(index) + 1,
                limit: self.limits.max_rows,
            });
        }
        if width as u64 > self.limits.max_columns {
            return Err(SpreadsheetError::TooManyColumns {
                sheet: sheet(),
                columns: width as u64,
                limit: self.limits.max_columns,
            });
        }
        Ok(())
    }
}
