//! ODS sheets declare repeated rows and columns, so a few bytes can ask for a billion cells,
//! which calamine would expand in memory. This scan measures where content really ends
//! before calamine runs.

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Limits, SpreadsheetError};

/// Reads `content.xml` to the end and refuses sheets whose content reaches past the limits.
pub(super) fn check_content<R: BufRead>(
    reader: R,
    limits: &Limits,
) -> Result<(), SpreadsheetError> {
    let mut xml = Reader::from_reader(reader);
    let mut buf = Vec::new();
    let mut sheet = Extent::default();
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| unreadable(&e))?;
        match event {
            Event::Start(e) if e.name().as_ref() == "table:table" => sheet = Extent::named(&e),
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                sheet.start_row(repeat(&e, "table:number-rows-repeated")?)
            }
            Event::Start(e) if is_cell(&e) => {
                sheet.cell(repeat(&e, "table:number-columns-repeated")?, true)
            }
            Event::Empty(e) if is_cell(&e) => {
                let has_value = e
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some();
                sheet.cell(repeat(&e, "table:number-columns-repeated")?, has_value);
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => sheet.end_row(limits)?,
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

fn is_cell(e: &BytesStart) -> bool {
    matches!(
        e.name().as_ref(),
        "table:table-cell" | "table:covered-table-cell"
    )
}

fn repeat(e: &BytesStart, name: &str) -> Result<u64, SpreadsheetError> {
    match e.try_get_attribute(name).map_err(|e| unreadable(&e))? {
        None => Ok(1),
        Some(attribute) => attribute.value.trim().parse::<u64>().ok().ok_or_else(|| {
            SpreadsheetError::Unreadable("număr de repetări invalid în foaia ODS".into())
        }),
    }
}

fn unreadable(e: &dyn std::fmt::Display) -> SpreadsheetError {
    SpreadsheetError::Unreadable(format!("XML invalid în registrul ODS ({e})"))
}

#[derive(Default)]
struct Extent {
    name: String,
    rows: u64,
    widest: u64,
    row_repeat: u64,
    width: u64,
    content_width: u64,
    last_content_row: u64,
}

impl Extent {
    fn named(e: &BytesStart) -> Extent {
        let name = e
            .try_get_attribute("table:name")
            .ok()
            .flatten()
            .map(|a| a.value.into_owned())
            .unwrap_or_default();
        Extent {
            name,
            ..Extent::default()
        }
    }

    fn start_row(&mut self, repeat: u64) {
        self.row_repeat = repeat;
        self.width = 0;
        self.content_width = 0;
    }

    fn cell(&mut self, repeat: u64, has_content: bool) {
        self.width = self.width.saturating_add(repeat);
        if has_content {
            self.content_width = self.width;
        }
    }

    fn end_row(&mut self, limits: &Limits) -> Result<(), SpreadsheetError> {
        self.rows = self.rows.saturating_add(self.row_repeat);
        if self.content_width == 0 {
            return Ok(());
        }
        self.last_content_row = self.rows;
        self.widest = self.widest.max(self.content_width);
        let sheet = self.name.clone();
        if self.last_content_row > limits.max_rows {
            return Err(SpreadsheetError::TooManyRows {
                sheet,
                rows: self.last_content_row,
                limit: limits.max_rows,
            });
        }
        if self.widest > limits.max_columns {
            return Err(SpreadsheetError::TooManyColumns {
                sheet,
                columns: self.widest,
                limit: limits.max_columns,
            });
        }
        let cells = self.last_content_row.saturating_mul(self.widest);
        if cells > limits.max_cells {
            return Err(SpreadsheetError::ZipBomb(format!(
                "foaia „{sheet}” ar avea {cells} celule, peste limita de {}",
                limits.max_cells
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &str) -> String {
        format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    #[test]
    fn repeated_content_rows_count_but_trailing_empty_rows_do_not() {
        let limits = Limits::default();
        let trailing_empty = sheet(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row>
               <table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
        );
        assert_eq!(check_content(trailing_empty.as_bytes(), &limits), Ok(()));
        let bomb = sheet(
            r#"<table:table-row table:number-rows-repeated="600000"><table:table-cell table:number-columns-repeated="150"><text:p>x</text:p></table:table-cell></table:table-row>"#,
        );
        assert!(matches!(
            check_content(bomb.as_bytes(), &limits),
            Err(SpreadsheetError::TooManyRows { .. })
        ));
        let wide = sheet(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="300" office:value-type="float"/></table:table-row>"#,
        );
        assert!(matches!(
            check_content(wide.as_bytes(), &limits),
            Err(SpreadsheetError::TooManyColumns { .. })
        ));
        let many = sheet(
            r#"<table:table-row table:number-rows-repeated="90000"><table:table-cell table:number-columns-repeated="100"><text:p>x</text:p></table:table-cell></table:table-row>"#,
        );
        assert!(matches!(
            check_content(many.as_bytes(), &limits),
            Err(SpreadsheetError::ZipBomb(_))
        ));
    }
}
