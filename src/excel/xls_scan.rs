//! Legacy .xls: calamine turns the cells of a sheet into a dense grid from the first to the
//! last cell, so one far-away cell in a 5 KiB file would cost a gigabyte. This walks the BIFF
//! records of the workbook stream and measures each sheet's span before calamine runs.

use std::io::{Cursor, Read};

use super::{Limits, SpreadsheetError};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
/// Present when the workbook is password-protected; the records after it are encrypted.
const FILEPASS: u16 = 0x002F;
/// Records that hold one value and start with its row and column (u16 each).
const SINGLE_CELL: &[u16] = &[0x0203, 0x00FD, 0x0204, 0x027E, 0x0205, 0x0006, 0x00D6];
/// MULRK: row, first column, values…, last column.
const MULRK: u16 = 0x00BD;

pub(super) fn check_workbook(
    bytes: &[u8],
    stream: &str,
    limits: &Limits,
) -> Result<(), SpreadsheetError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(unreadable)?;
    let mut data = Vec::new();
    file.open_stream(stream)
        .map_err(unreadable)?
        .read_to_end(&mut data)
        .map_err(unreadable)?;
    let mut span = Span::default();
    let mut pos = 0usize;
    while pos + 4 <= data.len() {
        let kind = u16::from_le_bytes([data[pos], data[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([data[pos + 2], data[pos + 3]]));
        let record = data.get(pos + 4..pos + 4 + len).unwrap_or(&[]);
        match kind {
            FILEPASS => return Err(SpreadsheetError::Encrypted),
            BOF => span = Span::default(),
            EOF => span.check(limits)?,
            MULRK if record.len() >= 6 => {
                let row = u16_at(record, 0);
                span.add(row, u16_at(record, 2));
                span.add(row, u16_at(record, record.len() - 2));
            }
            k if SINGLE_CELL.contains(&k) && record.len() >= 4 => {
                span.add(u16_at(record, 0), u16_at(record, 2))
            }
            _ => {}
        }
        pos += 4 + len;
    }
    span.check(limits)
}

fn u16_at(record: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([record[at], record[at + 1]])
}

fn unreadable(e: std::io::Error) -> SpreadsheetError {
    SpreadsheetError::Unreadable(format!("registru .xls deteriorat ({e})"))
}

#[derive(Default)]
struct Span {
    rows: Option<(u16, u16)>,
    columns: Option<(u16, u16)>,
}

impl Span {
    fn add(&mut self, row: u16, column: u16) {
        let widen = |range: Option<(u16, u16)>, v: u16| {
            Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        };
        self.rows = widen(self.rows, row);
        self.columns = widen(self.columns, column);
    }

    fn check(&self, limits: &Limits) -> Result<(), SpreadsheetError> {
        let (Some((_, last_row)), Some((first_column, last_column))) = (self.rows, self.columns)
        else {
            return Ok(());
        };
        let sheet = "xls".to_string();
        let columns = u64::from(last_column) + 1;
        if columns > limits.max_columns {
            return Err(SpreadsheetError::TooManyColumns {
                sheet,
                columns,
                limit: limits.max_columns,
            });
        }
        let (first_row, _) = self.rows.unwrap_or_default();
        let cells =
            (u64::from(last_row - first_row) + 1) * (u64::from(last_column - first_column) + 1);
        if cells > limits.max_cells {
            return Err(SpreadsheetError::ZipBomb(format!(
                "foaia ar avea {cells} celule, peste limita de {}",
                limits.max_cells
            )));
        }
        Ok(())
    }
}
