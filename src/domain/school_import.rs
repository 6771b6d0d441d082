//! Validation of a school-network table: which rows are accepted, rejected, skipped,
//! and the warnings. Pure; the database step comes after.

use std::collections::HashMap;

use super::cell::{Cell, Row, Table};
use super::columns::{ColumnMap, HeaderVerdict};
use super::report::ImportReport;
use super::school::{
    SCHOOL_COLUMNS, SchoolField, SchoolRecord, SiiirCode, UnitStatus, cif_is_valid, email_is_plausible,
    phone_is_plausible,
};
use super::text::{fold, looks_mojibake};

/// Judges a candidate header row for the school import.
pub fn school_header_verdict(headers: &[String]) -> HeaderVerdict {
    let map = ColumnMap::from_headers(SCHOOL_COLUMNS, headers);
    let mut missing = Vec::new();
    for field in [SchoolField::Code, SchoolField::Status, SchoolField::PjCode] {
        if !map.has(field) {
            missing.push(map.header(SCHOOL_COLUMNS, field));
        }
    }
    if !map.has(SchoolField::LongName) && !map.has(SchoolField::ShortName) {
        missing.push("Denumire lunga unitate / Denumire scurta unitate".to_string());
    }
    match (missing.is_empty(), map.len()) {
        (true, _) => HeaderVerdict::Complete,
        (false, n) if n >= 3 => HeaderVerdict::Incomplete(missing),
        _ => HeaderVerdict::NotHeader,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedSchool {
    pub row: u32,
    pub record: SchoolRecord,
}

#[derive(Debug)]
pub struct SchoolImportPlan {
    pub accepted: Vec<AcceptedSchool>,
    pub report: ImportReport,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    #[error("lipsește coloana „Judet PJ”, necesară pentru filtrul de județ")]
    NoCountyColumn,
}

/// Validates every row. `county` keeps only rows whose `Judet PJ` matches (case-insensitive).
pub fn plan_school_import(table: &Table, county: Option<&str>) -> Result<SchoolImportPlan, PlanError> {
    let columns = ColumnMap::from_headers(SCHOOL_COLUMNS, &table.headers);
    if county.is_some() && !columns.has(SchoolField::County) {
        return Err(PlanError::NoCountyColumn);
    }
    let mut report = ImportReport {
        kind: "schools".into(),
        sheet: table.sheet.clone(),
        header_row: table.header_row,
        ..ImportReport::default()
    };
    let rows = data_rows(table, &columns);
    let mut accepted: Vec<AcceptedSchool> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in rows {
        report.rows_read += 1;
        if let Some(wanted) = county {
            let value = row.cell(columns.index(SchoolField::County)).text().unwrap_or_default();
            if !value.eq_ignore_ascii_case(wanted.trim()) {
                report.skipped += 1;
                continue;
            }
        }
        let Some(record) = parse_row(row, &columns, &mut report) else {
            continue;
        };
        match seen.get(&record.code) {
            Some(&earlier) if accepted[earlier].record == record => {
                let header = columns.header(SCHOOL_COLUMNS, SchoolField::Code);
                let note = format!("rând identic cu rândul {}; numărat o singură dată", accepted[earlier].row);
                report.warn(row.number, &header, &record.code, note);
            }
            Some(&earlier) => {
                let header = columns.header(SCHOOL_COLUMNS, SchoolField::Code);
                let error = format!(
                    "același cod SIIIR apare și pe rândul {} cu alte date",
                    accepted[earlier].row
                );
                report.reject(row.number, &header, &record.code, error);
            }
            None => {
                seen.insert(record.code.clone(), accepted.len());
                accepted.push(AcceptedSchool { row: row.number, record });
            }
        }
    }
    warn_orphan_units(&accepted, &columns, &mut report);
    Ok(SchoolImportPlan { accepted, report })
}

/// Non-blank rows, without a trailing total row (`TOTAL …` and no valid code).
fn data_rows<'a>(table: &'a Table, columns: &ColumnMap<SchoolField>) -> Vec<&'a Row> {
    let mut rows: Vec<&Row> = table.rows.iter().filter(|r| !r.is_blank()).collect();
    if let Some(last) = rows.last() {
        let code_blank = SiiirCode::parse(last.cell(columns.index(SchoolField::Code))).is_err();
        let says_total = last.cells.iter().any(|c| c.text().is_some_and(|t| fold(&t).starts_with("total")));
        if code_blank && says_total {
            rows.pop();
        }
    }
    rows
}

fn parse_row(row: &Row, columns: &ColumnMap<SchoolField>, report: &mut ImportReport) -> Option<SchoolRecord> {
    let header = |field| columns.header(SCHOOL_COLUMNS, field);
    let text = |field| row.cell(columns.index(field)).text();
    let errors_before = report.rejected.len();

    let code_of = |field: SchoolField, report: &mut ImportReport| {
        let cell = row.cell(columns.index(field));
        match SiiirCode::parse(cell) {
            Ok(parsed) => {
                if let Some(repair) = parsed.repair {
                    report.warn(row.number, &header(field), &cell.display(), repair);
                }
                Some(parsed.code.as_str().to_string())
            }
            Err(error) => {
                report.reject(row.number, &header(field), &cell.display(), error);
                None
            }
        }
    };
    let code = code_of(SchoolField::Code, report);
    let pj_code = code_of(SchoolField::PjCode, report);
    let status_text = text(SchoolField::Status).unwrap_or_default();
    let status = UnitStatus::parse(&status_text);
    if status.is_none() {
        report.reject(row.number, &header(SchoolField::Status), &status_text, "statutul trebuie să fie PJ sau AR");
    }
    let long_name = text(SchoolField::LongName);
    let short_name = text(SchoolField::ShortName);
    if long_name.is_none() && short_name.is_none() {
        let column = header(if columns.has(SchoolField::LongName) { SchoolField::LongName } else { SchoolField::ShortName });
        report.reject(row.number, &column, "", "denumirea unității lipsește");
    }
    if report.rejected.len() > errors_before {
        return None;
    }
    let (code, pj_code, status) = (code?, pj_code?, status?);
    if status == UnitStatus::Pj && code != pj_code {
        report.warn(row.number, &header(SchoolField::PjCode), &pj_code, "o unitate PJ ar trebui să aibă codul PJ egal cu propriul cod");
    }
    let record = SchoolRecord {
        code,
        pj_code,
        status: status.as_str().to_string(),
        long_name,
        short_name,
        pj_name: text(SchoolField::PjName),
        unit_type: text(SchoolField::UnitType),
        county: text(SchoolField::County).map(|c| c.to_uppercase()),
        pj_locality: text(SchoolField::PjLocality),
        pj_siruta: text(SchoolField::PjSiruta),
        pj_area: text(SchoolField::PjArea),
        locality: text(SchoolField::Locality),
        siruta: text(SchoolField::Siruta),
        area: text(SchoolField::Area),
        sirues_code: text(SchoolField::SiruesCode),
        cif: text(SchoolField::Cif),
        operating_mode: text(SchoolField::OperatingMode),
        funding: text(SchoolField::Funding),
        ownership: text(SchoolField::Ownership),
        street: text(SchoolField::Street),
        street_number: text(SchoolField::StreetNumber),
        postal_code: text(SchoolField::PostalCode),
        phone: phone_text(row, columns, SchoolField::Phone, report),
        fax: phone_text(row, columns, SchoolField::Fax, report),
        email: text(SchoolField::Email),
        school_year: text(SchoolField::SchoolYear),
    };
    warn_contact_shapes(row.number, &record, columns, report);
    Some(record)
}

/// Phone numbers typed into a numeric cell lose their leading zero in Excel; put it back.
fn phone_text(row: &Row, columns: &ColumnMap<SchoolField>, field: SchoolField, report: &mut ImportReport) -> Option<String> {
    let cell = row.cell(columns.index(field));
    let text = cell.text()?;
    let lost_zero = matches!(cell, Cell::Number(_)) && text.len() == 9 && text.starts_with(['2', '3', '7']);
    if !lost_zero {
        return Some(text);
    }
    let repaired = format!("0{text}");
    report.warn(row.number, &columns.header(SCHOOL_COLUMNS, field), &text, format!("celulă numerică: completat cu zero în față la {repaired}"));
    Some(repaired)
}

fn warn_contact_shapes(row: u32, record: &SchoolRecord, columns: &ColumnMap<SchoolField>, report: &mut ImportReport) {
    let header = |field| columns.header(SCHOOL_COLUMNS, field);
    for (field, value) in [(SchoolField::LongName, &record.long_name), (SchoolField::ShortName, &record.short_name)] {
        if let Some(value) = value.as_deref().filter(|v| looks_mojibake(v)) {
            report.warn(row, &header(field), value, "diacritice stricate (fișier salvat cu altă codificare?)");
        }
    }
    if let Some(cif) = &record.cif {
        if !cif_is_valid(cif) {
            report.warn(row, &header(SchoolField::Cif), cif, "codul fiscal nu trece verificarea cifrei de control");
        }
    }
    for (field, value) in [(SchoolField::Phone, &record.phone), (SchoolField::Fax, &record.fax)] {
        if let Some(value) = value {
            if !phone_is_plausible(value) {
                report.warn(row, &header(field), value, "număr de telefon cu formă neobișnuită");
            }
        }
    }
    if let Some(email) = &record.email {
        if !email_is_plausible(email) {
            report.warn(row, &header(SchoolField::Email), email, "adresă de e-mail cu formă neobișnuită");
        }
    }
}

/// AR units whose PJ is not in the file; the caller removes the ones the database knows.
fn warn_orphan_units(accepted: &[AcceptedSchool], columns: &ColumnMap<SchoolField>, report: &mut ImportReport) {
    let pj_codes: std::collections::HashSet<&str> =
        accepted.iter().filter(|a| a.record.status == "PJ").map(|a| a.record.code.as_str()).collect();
    let header = columns.header(SCHOOL_COLUMNS, SchoolField::PjCode);
    for unit in accepted.iter().filter(|a| a.record.status == "AR") {
        if !pj_codes.contains(unit.record.pj_code.as_str()) {
            report.warn(unit.row, &header, &unit.record.pj_code, ORPHAN_WARNING);
        }
    }
}

/// The warning text for an AR whose PJ is missing; also used to drop it when the PJ is stored.
pub const ORPHAN_WARNING: &str = "unitatea PJ de care aparține structura nu există în fișier";

/// Drops orphan warnings for PJ codes the database already has.
pub fn drop_known_orphans(report: &mut ImportReport, known_pj: &std::collections::HashSet<String>) {
    report.warnings.retain(|w| !(w.warning == ORPHAN_WARNING && known_pj.contains(&w.value)));
}

/// PJ codes referenced by AR units but absent from the file.
pub fn orphan_pj_codes(report: &ImportReport) -> Vec<String> {
    let mut codes: Vec<String> =
        report.warnings.iter().filter(|w| w.warning == ORPHAN_WARNING).map(|w| w.value.clone()).collect();
    codes.sort();
    codes.dedup();
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: Vec<Vec<&str>>) -> Table {
        let headers = ["Judet PJ", "Cod SIIIR unitate", "Cod SIIIR PJ", "Statut unitate", "Denumire lunga unitate"];
        Table {
            sheet: None,
            header_row: 1,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i as u32 + 2,
                    cells: cells.into_iter().map(|c| Cell::Text(c.into())).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn duplicates_conflicts_and_totals() {
        let t = table(vec![
            vec!["HD", "2061103288", "2061103288", "PJ", "Școala A"],
            vec!["HD", "2061103288", "2061103288", "PJ", "Școala A"],
            vec!["HD", "2061103288", "2061103288", "PJ", "Școala B"],
            vec!["AB", "0161102892", "0161102892", "PJ", "Școala C"],
            vec!["HD", "2062102079", "2061100000", "AR", "Grădinița D"],
            vec!["HD", "2062102080", "2061103288", "XX", "Grădinița E"],
            vec!["", "", "", "", ""],
            vec!["TOTAL", "", "", "", "5"],
        ]);
        let plan = plan_school_import(&t, Some("hd")).unwrap();
        let r = &plan.report;
        assert_eq!(r.rows_read, 6);
        assert_eq!(r.skipped, 1);
        assert_eq!(plan.accepted.len(), 2);
        assert_eq!(r.rejected.len(), 2);
        assert!(r.rejected[0].error.contains("rândul 2"), "{:?}", r.rejected[0]);
        assert_eq!(r.rejected[1].column, "Statut unitate");
        assert!(r.warnings.iter().any(|w| w.warning.contains("identic") && w.row == 3));
        assert_eq!(orphan_pj_codes(r), vec!["2061100000".to_string()]);
    }

    #[test]
    fn header_verdicts() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            school_header_verdict(&h(&["COD SIIIR UNITATE", "statut unitate.", "Cod  SIIIR PJ", "Denumire scurtă unitate"])),
            HeaderVerdict::Complete
        );
        assert!(matches!(
            school_header_verdict(&h(&["Cod SIIIR unitate", "Cod SIIIR PJ", "Denumire PJ", "Judet PJ"])),
            HeaderVerdict::Incomplete(_)
        ));
        assert_eq!(school_header_verdict(&h(&["***Export complet rețea școlară"])), HeaderVerdict::NotHeader);
    }
}
