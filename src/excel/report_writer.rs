//! Writes reports: xlsx (rust_xlsxwriter) with Romanian headers, real date cells shown
//! `dd.mm.yyyy`, codes as text, frozen header, autofilter, widths, status colours, the filter
//! and generation time on the sheet, document properties; or CSV (UTF-8 with BOM).

use rust_xlsxwriter::{
    Chart, ChartType, Color, DocProperties, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::domain::den::StatusKind;
use crate::domain::report_table::{Report, Summary, Table, Value, neutralise};

/// Rows above the header: title, filter, generation time, blank.
const HEADER_ROW: u32 = 4;

struct Formats {
    bold: Format,
    header: Format,
    date: Format,
    text: Format,
    status: Vec<(StatusKind, Format)>,
}

fn formats() -> Formats {
    let status = StatusKind::ALL
        .into_iter()
        .map(|kind| {
            let (fill, font) = match kind {
                StatusKind::OnTrack => (0xDAF5E0, 0x1A7F37),
                StatusKind::DueSoon => (0xFFF1C2, 0x7A4100),
                StatusKind::Overdue => (0xFFE0DD, 0xB42318),
                StatusKind::Done => (0xDDEBFA, 0x0B5CAD),
                StatusKind::Blocked => (0xEEEEEE, 0x444444),
            };
            (
                kind,
                Format::new()
                    .set_background_color(Color::RGB(fill))
                    .set_font_color(Color::RGB(font)),
            )
        })
        .collect();
    Formats {
        bold: Format::new().set_bold().set_font_size(13),
        header: Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xE8EEF4))
            .set_border_bottom(FormatBorder::Thin)
            .set_text_wrap(),
        date: Format::new().set_num_format("dd.mm.yyyy"),
        text: Format::new().set_num_format("@"),
        status,
    }
}

pub fn xlsx(report: &Report, inspectorate: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let properties = DocProperties::new()
        .set_title(&report.title)
        .set_subject(&report.filter)
        .set_author("isj-tracker")
        .set_company(inspectorate)
        .set_comment(format!("Generat la {} (ora României)", report.generated_at));
    workbook.set_properties(&properties);
    let formats = formats();
    for table in &report.tables {
        // Row by row, strings inline: the rows go to a temporary file as they are written
        // instead of building the sheet (and a table of every distinct string) in memory.
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        write_table(sheet, report, table, &formats)?;
    }
    if let Some(summary) = &report.summary {
        let sheet = workbook.add_worksheet();
        write_summary(sheet, report, summary, &formats)?;
    }
    workbook.save_to_buffer()
}

fn write_table(
    sheet: &mut Worksheet,
    report: &Report,
    table: &Table,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(&table.sheet)?;
    // Widths first: a constant-memory sheet has written its columns by the first cell.
    for (c, column) in table.columns.iter().enumerate() {
        sheet.set_column_width(c as u16, column.width)?;
    }
    print_setup(sheet)?;
    sheet.write_string_with_format(0, 0, &report.title, &f.bold)?;
    sheet.write_string(1, 0, format!("Filtru: {}", report.filter))?;
    sheet.write_string(
        2,
        0,
        format!("Generat la: {} (ora României)", report.generated_at),
    )?;
    for (c, column) in table.columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(HEADER_ROW, c, column.header, &f.header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + r as u32;
        for (c, value) in row.iter().enumerate() {
            write_value(sheet, r, c as u16, value, f)?;
        }
    }
    let last_col = table.columns.len().saturating_sub(1) as u16;
    let last_row = HEADER_ROW + table.rows.len() as u32;
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    Ok(())
}

/// On paper: A4 landscape, every column on one page's width, the header row on every page,
/// page numbers in the footer.
fn print_setup(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    const A4: u8 = 9;
    sheet
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3)
        .set_footer("&L&A&RPagina &P din &N");
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    f: &Formats,
) -> Result<(), XlsxError> {
    match value {
        Value::Text(text) => {
            if !text.is_empty() {
                sheet.write_string(row, col, neutralise(text))?;
            }
        }
        Value::Code(code) => {
            sheet.write_string_with_format(row, col, code, &f.text)?;
        }
        Value::Date(Some(day)) => {
            sheet.write_datetime_with_format(row, col, day, &f.date)?;
        }
        Value::Date(None) => {}
        Value::Int(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        Value::Status(kind, label) => {
            let format = f
                .status
                .iter()
                .find(|(k, _)| k == kind)
                .map(|(_, format)| format);
            match format {
                Some(format) => sheet.write_string_with_format(row, col, label, format)?,
                None => sheet.write_string(row, col, label)?,
            };
        }
    }
    Ok(())
}

fn write_summary(
    sheet: &mut Worksheet,
    report: &Report,
    summary: &Summary,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name("Sumar")?;
    print_setup(sheet)?;
    sheet.write_string_with_format(0, 0, format!("{} — sumar", report.title), &f.bold)?;
    sheet.write_string(1, 0, format!("Filtru: {}", report.filter))?;
    sheet.write_string(
        2,
        0,
        format!("Generat la: {} (ora României)", report.generated_at),
    )?;
    sheet.write_string_with_format(HEADER_ROW, 0, "Situație", &f.header)?;
    sheet.write_string_with_format(HEADER_ROW, 1, "Unități", &f.header)?;
    sheet.set_column_width(0, 28)?;
    for (i, (kind, count)) in summary.by_status.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        write_value(
            sheet,
            row,
            0,
            &Value::Status(*kind, kind.label().to_string()),
            f,
        )?;
        sheet.write_number(row, 1, f64::from(*count))?;
    }
    let mut chart = Chart::new(ChartType::Bar);
    let last = HEADER_ROW + summary.by_status.len() as u32;
    chart
        .add_series()
        .set_categories(("Sumar", HEADER_ROW + 1, 0, last, 0))
        .set_values(("Sumar", HEADER_ROW + 1, 1, last, 1))
        .set_name("Unități");
    chart.title().set_name("Unități pe situații");
    chart.legend().set_hidden();
    sheet.insert_chart(HEADER_ROW, 3, &chart)?;

    let start = last + 3;
    sheet.write_string_with_format(start, 0, "Localitate", &f.header)?;
    for (i, kind) in StatusKind::ALL.iter().enumerate() {
        sheet.write_string_with_format(start, 1 + i as u16, kind.label(), &f.header)?;
        sheet.set_column_width(1 + i as u16, 16)?;
    }
    for (i, (locality, counts)) in summary.by_locality.iter().enumerate() {
        let row = start + 1 + i as u32;
        sheet.write_string(row, 0, neutralise(locality))?;
        for (c, n) in counts.iter().enumerate() {
            sheet.write_number(row, 1 + c as u16, f64::from(*n))?;
        }
    }
    sheet.autofilter(
        start,
        0,
        start + summary.by_locality.len() as u32,
        StatusKind::ALL.len() as u16,
    )?;
    Ok(())
}

/// The first table as CSV: UTF-8 with BOM (Excel reads the diacritics), a title block, then
/// the header and rows; `separator` is `;` for Excel with Romanian settings or `,`.
pub fn csv(report: &Report, separator: u8) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(separator)
            .flexible(true)
            .from_writer(&mut out);
        writer.write_record([report.title.as_str()])?;
        writer.write_record([format!("Filtru: {}", report.filter)])?;
        writer.write_record([format!(
            "Generat la: {} (ora României)",
            report.generated_at
        )])?;
        if let Some(table) = report.tables.first() {
            writer.write_record(table.columns.iter().map(|c| c.header))?;
            for row in &table.rows {
                writer.write_record(row.iter().map(Value::display))?;
            }
        }
        writer.flush()?;
    }
    Ok(out)
}
