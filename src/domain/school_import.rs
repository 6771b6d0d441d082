//! Validation of a school-network table: which rows are accepted, rejected, skipped,
//! and the warnings. Pure; the database step comes after.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use super::cell::{Cell, Row};
use super::columns::{ColumnMap, HeaderVerdict};
use super::import_report::ImportReport;
use super::school::{
    SCHOOL_COLUMNS, SchoolField, SchoolRecord, SiiirCode, UnitStatus, cif_is_valid,
    email_is_plausible, phone_is_plausible,
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

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    #[error("lipsește coloana „Judet PJ”, necesară pentru filtrul de județ")]
    NoCountyColumn,
}

/// Validates rows one at a time, as the file is read, so writing can start before the end.
/// Each accepted school is handed back once; the report collects the rest.
pub struct SchoolPlanner {
    columns: ColumnMap<SchoolField>,
    county: Option<String>,
    report: ImportReport,
    /// Code → (row, fingerprint of its data) of every accepted row.
    seen: HashMap<String, (u32, u64)>,
    pj_codes: HashSet<String>,
    units: Vec<(u32, String)>,
    /// The last non-blank row, held back until we know it is not a trailing total.
    held: Option<Row>,
}

impl SchoolPlanner {
    /// `county` keeps only rows whose `Judet PJ` matches (case-insensitive).
    pub fn new(
        headers: &[String],
        sheet: Option<&str>,
        header_row: u32,
        county: Option<&str>,
    ) -> Result<Self, PlanError> {
        let columns = ColumnMap::from_headers(SCHOOL_COLUMNS, headers);
        if county.is_some() && !columns.has(SchoolField::County) {
            return Err(PlanError::NoCountyColumn);
        }
        let report = ImportReport {
            kind: "schools".into(),
            sheet: sheet.map(str::to_string),
            header_row,
            ..ImportReport::default()
        };
        Ok(SchoolPlanner {
            columns,
            county: county.map(|c| c.trim().to_string()),
            report,
            seen: HashMap::new(),
            pj_codes: HashSet::new(),
            units: Vec::new(),
            held: None,
        })
    }

    /// Takes the next row; returns the school of the row before it, if accepted.
    pub fn push(&mut self, row: Row) -> Option<AcceptedSchool> {
        if row.is_blank() {
            return None;
        }
        let previous = self.held.replace(row)?;
        self.judge(previous)
    }

    /// Ends the file: judges the last row unless it is a total, and returns the report.
    pub fn finish(mut self) -> (Option<AcceptedSchool>, ImportReport) {
        let last = self
            .held
            .take()
            .filter(|row| !self.is_total(row))
            .and_then(|row| self.judge(row));
        self.warn_orphan_units();
        (last, self.report)
    }

    /// A `TOTAL …` row with no valid code.
    fn is_total(&self, row: &Row) -> bool {
        let no_code = SiiirCode::parse(row.cell(self.columns.index(SchoolField::Code))).is_err();
        no_code
            && row
                .cells
                .iter()
                .any(|c| c.text().is_some_and(|t| fold(&t).starts_with("total")))
    }

    fn judge(&mut self, row: Row) -> Option<AcceptedSchool> {
        self.report.rows_read += 1;
        if let Some(wanted) = &self.county {
            let value = row
                .cell(self.columns.index(SchoolField::County))
                .text()
                .unwrap_or_default();
            if !value.eq_ignore_ascii_case(wanted) {
                self.report.skipped += 1;
                return None;
            }
        }
        let number = row.number;
        let record = parse_row(row, &self.columns, &mut self.report)?;
        let fingerprint = fingerprint(&record);
        let header = || self.columns.header(SCHOOL_COLUMNS, SchoolField::Code);
        match self.seen.get(&record.code) {
            Some(&(earlier, same)) if same == fingerprint => {
                let note = format!("rând identic cu rândul {earlier}; numărat o singură dată");
                self.report.warn(number, &header(), &record.code, note);
                None
            }
            Some(&(earlier, _)) => {
                let error = format!("același cod SIIIR apare și pe rândul {earlier} cu alte date");
                self.report.reject(number, &header(), &record.code, error);
                None
            }
            None => {
                self.seen.insert(record.code.clone(), (number, fingerprint));
                if record.is_pj() {
                    self.pj_codes.insert(record.code.clone());
                } else {
                    self.units.push((number, record.pj_code.clone()));
                }
                Some(AcceptedSchool {
                    row: number,
                    record,
                })
            }
        }
    }

    /// AR units whose PJ is not in the file; the caller removes the ones the database knows.
    fn warn_orphan_units(&mut self) {
        let header = self.columns.header(SCHOOL_COLUMNS, SchoolField::PjCode);
        for (row, pj_code) in &self.units {
            if !self.pj_codes.contains(pj_code) {
                self.report.warn(*row, &header, pj_code, ORPHAN_WARNING);
            }
        }
    }
}

fn fingerprint(record: &SchoolRecord) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    record.hash(&mut hasher);
    hasher.finish()
}

fn parse_row(
    mut row: Row,
    columns: &ColumnMap<SchoolField>,
    report: &mut ImportReport,
) -> Option<SchoolRecord> {
    let header = |field| columns.header(SCHOOL_COLUMNS, field);
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
    let status_text = row
        .cell(columns.index(SchoolField::Status))
        .text()
        .unwrap_or_default();
    let status = UnitStatus::parse(&status_text);
    if status.is_none() {
        report.reject(
            row.number,
            &header(SchoolField::Status),
            &status_text,
            "statutul trebuie să fie PJ sau AR",
        );
    }
    let long_name = row.take_text(columns.index(SchoolField::LongName));
    let short_name = row.take_text(columns.index(SchoolField::ShortName));
    if long_name.is_none() && short_name.is_none() {
        let column = header(if columns.has(SchoolField::LongName) {
            SchoolField::LongName
        } else {
            SchoolField::ShortName
        });
        report.reject(row.number, &column, "", "denumirea unității lipsește");
    }
    if report.rejected.len() > errors_before {
        return None;
    }
    let (code, pj_code, status) = (code?, pj_code?, status?);
    let number = row.number;
    if status == UnitStatus::Pj && code != pj_code {
        report.warn(
            row.number,
            &header(SchoolField::PjCode),
            &pj_code,
            "o unitate PJ ar trebui să aibă codul PJ egal cu propriul cod",
        );
    }
    let phone = phone_text(&row, columns, SchoolField::Phone, report);
    let fax = phone_text(&row, columns, SchoolField::Fax, report);
    let mut text = |field| row.take_text(columns.index(field));
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
        phone,
        fax,
        email: text(SchoolField::Email),
        school_year: text(SchoolField::SchoolYear),
    };
    warn_contact_shapes(number, &record, columns, report);
    Some(record)
}

/// Phone numbers typed into a numeric cell lose their leading zero in Excel; put it back.
fn phone_text(
    row: &Row,
    columns: &ColumnMap<SchoolField>,
    field: SchoolField,
    report: &mut ImportReport,
) -> Option<String> {
    let cell = row.cell(columns.index(field));
    let text = cell.text()?;
    let lost_zero =
        matches!(cell, Cell::Number(_)) && text.len() == 9 && text.starts_with(['2', '3', '7']);
    if !lost_zero {
        return Some(text);
    }
    let repaired = format!("0{text}");
    report.warn(
        row.number,
        &columns.header(SCHOOL_COLUMNS, field),
        &text,
        format!("celulă numerică: completat cu zero în față la {repaired}"),
    );
    Some(repaired)
}

fn warn_contact_shapes(
    row: u32,
    record: &SchoolRecord,
    columns: &ColumnMap<SchoolField>,
    report: &mut ImportReport,
) {
    let header = |field| columns.header(SCHOOL_COLUMNS, field);
    for (field, value) in [
        (SchoolField::LongName, &record.long_name),
        (SchoolField::ShortName, &record.short_name),
    ] {
        if let Some(value) = value.as_deref().filter(|v| looks_mojibake(v)) {
            report.warn(
                row,
                &header(field),
                value,
                "diacritice stricate (fișier salvat cu altă codificare?)",
            );
        }
    }
    if let Some(cif) = &record.cif
        && !cif_is_valid(cif)
    {
        report.warn(
            row,
            &header(SchoolField::Cif),
            cif,
            "codul fiscal nu trece verificarea cifrei de control",
        );
    }
    for (field, value) in [
        (SchoolField::Phone, &record.phone),
        (SchoolField::Fax, &record.fax),
    ] {
        if let Some(value) = value
            && !phone_is_plausible(value)
        {
            report.warn(
                row,
                &header(field),
                value,
                "număr de telefon cu formă neobișnuită",
            );
        }
    }
    if let Some(email) = &record.email
        && !email_is_plausible(email)
    {
        report.warn(
            row,
            &header(SchoolField::Email),
            email,
            "adresă de e-mail cu formă neobișnuită",
        );
    }
}

/// The warning text for an AR whose PJ is missing; also used to drop it when the PJ is stored.
pub const ORPHAN_WARNING: &str = "unitatea PJ de care aparține structura nu există în fișier";

/// Drops orphan warnings for PJ codes the database already has.
pub fn drop_known_orphans(report: &mut ImportReport, known_pj: &std::collections::HashSet<String>) {
    report
        .warnings
        .retain(|w| !(w.warning == ORPHAN_WARNING && known_pj.contains(&w.value)));
}

/// PJ codes referenced by AR units but absent from the file.
pub fn orphan_pj_codes(report: &ImportReport) -> Vec<String> {
    let mut codes: Vec<String> = report
        .warnings
        .iter()
        .filter(|w| w.warning == ORPHAN_WARNING)
        .map(|w| w.value.clone())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the planner over rows (numbered from 2) under a fixed header.
    fn plan(rows: Vec<Vec<&str>>, county: Option<&str>) -> (Vec<AcceptedSchool>, ImportReport) {
        let headers: Vec<String> = [
            "Judet PJ",
            "Cod SIIIR unitate",
            "Cod SIIIR PJ",
            "Statut unitate",
            "Denumire lunga unitate",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect();
        let mut planner = SchoolPlanner::new(&headers, None, 1, county).unwrap();
        let mut accepted = Vec::new();
        for (i, cells) in rows.into_iter().enumerate() {
            let row = Row {
                number: i as u32 + 2,
                cells: cells.into_iter().map(|c| Cell::Text(c.into())).collect(),
            };
            accepted.extend(planner.push(row));
        }
        let (last, report) = planner.finish();
        accepted.extend(last);
        (accepted, report)
    }

    #[test]
    fn duplicates_conflicts_and_totals() {
        let (accepted, r) = plan(
            vec![
                vec!["HD", "2061103288", "2061103288", "PJ", "Școala A"],
                vec!["HD", "2061103288", "2061103288", "PJ", "Școala A"],
                vec!["HD", "2061103288", "2061103288", "PJ", "Școala B"],
                vec!["AB", "0161102892", "0161102892", "PJ", "Școala C"],
                vec!["HD", "2062102079", "2061100000", "AR", "Grădinița D"],
                vec!["HD", "2062102080", "2061103288", "XX", "Grădinița E"],
                vec!["", "", "", "", ""],
                vec!["TOTAL", "", "", "", "5"],
            ],
            Some("hd"),
        );
        assert_eq!(r.rows_read, 6);
        assert_eq!(r.skipped, 1);
        assert_eq!(accepted.len(), 2);
        assert_eq!(r.rejected.len(), 2);
        assert!(
            r.rejected[0].error.contains("rândul 2"),
            "{:?}",
            r.rejected[0]
        );
        assert_eq!(r.rejected[1].column, "Statut unitate");
        assert!(
            r.warnings
                .iter()
                .any(|w| w.warning.contains("identic") && w.row == 3)
        );
        assert_eq!(orphan_pj_codes(&r), vec!["2061100000".to_string()]);
    }

    #[test]
    fn a_total_row_in_the_middle_is_data_and_rejected() {
        let (accepted, r) = plan(
            vec![
                vec!["HD", "", "", "", "TOTAL"],
                vec!["HD", "2061103288", "2061103288", "PJ", "Școala A"],
            ],
            None,
        );
        assert_eq!((accepted.len(), r.rows_read, r.rejected_rows()), (1, 2, 1));
    }

    #[test]
    fn header_verdicts() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            school_header_verdict(&h(&[
                "COD SIIIR UNITATE",
                "statut unitate.",
                "Cod  SIIIR PJ",
                "Denumire scurtă unitate"
            ])),
            HeaderVerdict::Complete
        );
        assert!(matches!(
            school_header_verdict(&h(&[
                "Cod SIIIR unitate",
                "Cod SIIIR PJ",
                "Denumire PJ",
                "Judet PJ"
            ])),
            HeaderVerdict::Incomplete(_)
        ));
        assert_eq!(
            school_header_verdict(&h(&["***Export complet rețea școlară"])),
            HeaderVerdict::NotHeader
        );
    }
}
