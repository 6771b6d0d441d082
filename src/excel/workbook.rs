//! Workbooks through calamine, after [`super::guard`] let them through. xlsx is streamed cell
//! by cell; xls and ods are small by construction of their formats and read as ranges.

use std::io::Cursor;

use calamine::{Data, DataType, Ods, Reader, SheetVisible, Xls, Xlsx};

use super::{Feed, Format, HeaderFinder, Limits, RowSink, SheetReader, SpreadsheetError};
use crate::domain::cell::Cell;

/// Visible sheets first, in workbook order, then hidden ones.
fn sheet_order(sheets: &[calamine::Sheet]) -> Vec<String> {
    let visible = sheets.iter().filter(|s| s.visible == SheetVisible::Visible);
    let hidden = sheets.iter().filter(|s| s.visible != SheetVisible::Visible);
    visible.chain(hidden).map(|s| s.name.clone()).collect()
}

/// Streams the first sheet with a header; false when no sheet has one.
pub(super) fn read_xlsx<S: RowSink>(
    bytes: &[u8],
    limits: &Limits,
    finder: &mut HeaderFinder,
    sink: &mut S,
) -> Result<bool, S::Error> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    for name in sheet_order(workbook.sheets_metadata()) {
        let mut reader = workbook.worksheet_cells_reader(&name).map_err(xlsx_error)?;
        let mut sheet = SheetReader::new(Some(name.clone()), limits);
        let dims = reader.dimensions();
        sheet.check_bounds(dims.end.0, dims.end.1 as usize + 1)?;
        let mut current: Option<(u32, Vec<Cell>)> = None;
        let mut gave_up = false;
        while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
            let (row, column) = cell.get_position();
            let value = to_cell(cell.get_value());
            if current.as_ref().is_some_and(|(r, _)| *r != row)
                && let Some((r, cells)) = current.take()
                && let Feed::GiveUp = sheet.feed(r, cells, finder, sink)?
            {
                gave_up = true;
                break;
            }
            let (_, cells) = current.get_or_insert_with(|| (row, Vec::new()));
            place(cells, column, value, &sheet, row)?;
        }
        if let (Some((r, cells)), false) = (current, gave_up) {
            sheet.feed(r, cells, finder, sink)?;
        }
        if sheet.header_found() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Puts a cell at its column; blank cells far to the right are dropped, data there refuses the file.
fn place(
    cells: &mut Vec<Cell>,
    column: u32,
    value: Cell,
    sheet: &SheetReader,
    row: u32,
) -> Result<(), SpreadsheetError> {
    if value.is_blank() {
        return Ok(());
    }
    let column = column as usize;
    sheet.check_bounds(row, column + 1)?;
    if cells.len() <= column {
        cells.resize(column + 1, Cell::Empty);
    }
    cells[column] = value;
    Ok(())
}

pub(super) fn read_other<S: RowSink>(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    finder: &mut HeaderFinder,
    sink: &mut S,
) -> Result<bool, S::Error> {
    if format == Format::Xls {
        let mut workbook = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
        let names = sheet_order(workbook.sheets_metadata());
        read_ranges(
            names,
            |name| workbook.worksheet_range(name).map_err(xls_error),
            limits,
            finder,
            sink,
        )
    } else {
        let mut workbook = Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
        let names = sheet_order(workbook.sheets_metadata());
        read_ranges(
            names,
            |name| workbook.worksheet_range(name).map_err(ods_error),
            limits,
            finder,
            sink,
        )
    }
}

fn read_ranges<S: RowSink>(
    names: Vec<String>,
    mut range_of: impl FnMut(&str) -> Result<calamine::Range<Data>, SpreadsheetError>,
    limits: &Limits,
    finder: &mut HeaderFinder,
    sink: &mut S,
) -> Result<bool, S::Error> {
    for name in names {
        let range = range_of(&name)?;
        let mut sheet = SheetReader::new(Some(name.clone()), limits);
        let (Some(start), Some(end)) = (range.start(), range.end()) else {
            continue;
        };
        sheet.check_bounds(end.0, end.1 as usize + 1)?;
        for (offset, row) in range.rows().enumerate() {
            let mut cells = vec![Cell::Empty; start.1 as usize];
            cells.extend(row.iter().map(to_cell));
            if let Feed::GiveUp = sheet.feed(start.0 + offset as u32, cells, finder, sink)? {
                break;
            }
        }
        if sheet.header_found() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Converts any calamine value; dates honour the workbook's 1900/1904 epoch.
fn to_cell<T: DataType>(value: &T) -> Cell {
    if value.is_empty() {
        Cell::Empty
    } else if let Some(text) = value.get_string() {
        Cell::Text(text.to_string())
    } else if value.is_datetime() || value.is_datetime_iso() {
        match value.as_datetime() {
            Some(date) => Cell::Date(date),
            None => Cell::Text(value.as_string().unwrap_or_default()),
        }
    } else if let Some(int) = value.get_int() {
        Cell::Number(int as f64)
    } else if let Some(float) = value.get_float() {
        Cell::Number(float)
    } else if let Some(flag) = value.get_bool() {
        Cell::Bool(flag)
    } else if let Some(error) = value.get_error() {
        Cell::Error(format!("#{error:?}"))
    } else {
        Cell::Text(value.as_string().unwrap_or_default())
    }
}

fn xlsx_error(e: calamine::XlsxError) -> SpreadsheetError {
    match e {
        calamine::XlsxError::Password => SpreadsheetError::Encrypted,
        other => SpreadsheetError::Unreadable(other.to_string()),
    }
}

fn xls_error(e: calamine::XlsError) -> SpreadsheetError {
    match e {
        calamine::XlsError::Password => SpreadsheetError::Encrypted,
        other => SpreadsheetError::Unreadable(other.to_string()),
    }
}

fn ods_error(e: calamine::OdsError) -> SpreadsheetError {
    match e {
        calamine::OdsError::Password => SpreadsheetError::Encrypted,
        other => SpreadsheetError::Unreadable(other.to_string()),
    }
}
