//! Validation of a litigation list: one row is one (case, school) pair. Pure; the directory of
//! known schools is loaded before, the database step comes after.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::case_kinds::{self, CATEGORIES, STAGES};
use super::case_number::CaseNumber;
use super::cell::Row;
use super::columns::{ColumnMap, ColumnSpec, HeaderVerdict};
use super::courts;
use super::dates;
use super::directory::SchoolDirectory;
use super::import_report::ImportReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseField {
    Code,
    SchoolName,
    Number,
    Court,
    Role,
    Object,
    Category,
    Stage,
    NextHearing,
    OpposingParty,
    AccessRequested,
    AccessApproved,
    Notes,
}

const fn col(
    field: CaseField,
    header: &'static str,
    synonyms: &'static [&'static str],
) -> ColumnSpec<CaseField> {
    ColumnSpec {
        field,
        header,
        synonyms,
    }
}

/// The columns of a litigation list, in template order.
pub const CASE_COLUMNS: &[ColumnSpec<CaseField>] = &[
    col(
        CaseField::Code,
        "Cod SIIIR",
        &["Cod SIIIR unitate", "Cod unitate", "SIIIR"],
    ),
    col(
        CaseField::SchoolName,
        "Unitate",
        &["Denumire unitate", "Școala", "Unitatea de învățământ"],
    ),
    col(
        CaseField::Number,
        "Nr. dosar",
        &[
            "Număr dosar",
            "Nr dosar",
            "Numar dosar",
            "Dosar",
            "Nr. dosarului",
        ],
    ),
    col(
        CaseField::Court,
        "Instanța",
        &[
            "Instanta",
            "Instanță",
            "Instanța de judecată",
            "Instanta de judecata",
        ],
    ),
    col(
        CaseField::Role,
        "Calitate",
        &[
            "Calitate unitate",
            "Calitate procesuală",
            "Calitatea unității",
        ],
    ),
    col(CaseField::Object, "Obiect", &["Obiectul dosarului"]),
    col(CaseField::Category, "Materie", &["Categorie", "Materia"]),
    col(CaseField::Stage, "Stadiu", &["Stadiu procesual"]),
    col(
        CaseField::NextHearing,
        "Termen următor",
        &["Termen", "Următorul termen", "Termen de judecată"],
    ),
    col(
        CaseField::OpposingParty,
        "Parte adversă",
        &["Partea adversă", "Părți adverse"],
    ),
    col(
        CaseField::AccessRequested,
        "Data cerere acces",
        &["Cerere acces dosar electronic", "Cerere acces"],
    ),
    col(
        CaseField::AccessApproved,
        "Data acces aprobat",
        &["Acces aprobat"],
    ),
    col(CaseField::Notes, "Observații", &["Observatii", "Mențiuni"]),
];

pub fn case_header_verdict(headers: &[String]) -> HeaderVerdict {
    let map = ColumnMap::from_headers(CASE_COLUMNS, headers);
    let mut missing = Vec::new();
    if !map.has(CaseField::Number) {
        missing.push("Nr. dosar".to_string());
    }
    if !map.has(CaseField::Code) && !map.has(CaseField::SchoolName) {
        missing.push("Cod SIIIR / Unitate".to_string());
    }
    match (missing.is_empty(), map.len()) {
        (true, _) => HeaderVerdict::Complete,
        (false, n) if n >= 2 => HeaderVerdict::Incomplete(missing),
        _ => HeaderVerdict::NotHeader,
    }
}

/// What a list says about a case itself (shared by all its schools). `None` = not stated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct CaseFacts {
    pub category: Option<String>,
    pub stage: Option<String>,
    pub object: Option<String>,
    pub next_hearing: Option<NaiveDate>,
}

/// What a list says about one school in one case, including its electronic-access request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct LinkFacts {
    pub role: Option<String>,
    pub opposing_party: Option<String>,
    pub access_requested_on: Option<NaiveDate>,
    pub access_approved_on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// The e-mail and mobile phone the access request declared.
    pub access_email: Option<String>,
    pub access_phone: Option<String>,
    pub access_refused_on: Option<NaiveDate>,
    pub access_refusal_reason: Option<String>,
}

/// Stated values replace stored ones; what a list leaves empty keeps what is stored (it may
/// have been entered by hand).
fn overlay<T: Clone>(stored: &Option<T>, stated: &Option<T>) -> Option<T> {
    stated.clone().or_else(|| stored.clone())
}

impl CaseFacts {
    /// These stored facts with what a list states laid over them.
    pub fn overlaid_by(&self, stated: &CaseFacts) -> CaseFacts {
        CaseFacts {
            category: overlay(&self.category, &stated.category),
            stage: overlay(&self.stage, &stated.stage),
            object: overlay(&self.object, &stated.object),
            next_hearing: overlay(&self.next_hearing, &stated.next_hearing),
        }
    }
}

impl LinkFacts {
    /// The D.E.N. steps recorded on this link, in words (what removing it would take away).
    pub fn recorded_steps(&self) -> Vec<String> {
        let day = |on: NaiveDate| super::dates::show(on);
        let mut steps = Vec::new();
        if let Some(on) = self.access_requested_on {
            steps.push(format!("cererea de acces din {}", day(on)));
        }
        if let Some(on) = self.access_approved_on {
            steps.push(format!("accesul aprobat din {}", day(on)));
        }
        if let Some(on) = self.access_refused_on {
            steps.push(format!("respingerea accesului din {}", day(on)));
        }
        steps
    }

    /// These stored facts with what a list states laid over them.
    pub fn overlaid_by(&self, stated: &LinkFacts) -> LinkFacts {
        LinkFacts {
            role: overlay(&self.role, &stated.role),
            opposing_party: overlay(&self.opposing_party, &stated.opposing_party),
            access_requested_on: overlay(&self.access_requested_on, &stated.access_requested_on),
            access_approved_on: overlay(&self.access_approved_on, &stated.access_approved_on),
            notes: overlay(&self.notes, &stated.notes),
            access_email: overlay(&self.access_email, &stated.access_email),
            access_phone: overlay(&self.access_phone, &stated.access_phone),
            access_refused_on: overlay(&self.access_refused_on, &stated.access_refused_on),
            access_refusal_reason: overlay(
                &self.access_refusal_reason,
                &stated.access_refusal_reason,
            ),
        }
    }
}

impl LinkFacts {
    /// The contact the access request declared.
    pub fn declared(&self) -> super::designee::AccessContact {
        super::designee::AccessContact {
            email: self.access_email.clone(),
            phone: self.access_phone.clone(),
        }
    }
}

/// The column an approval date is reported under.
pub fn access_header() -> &'static str {
    CASE_COLUMNS
        .iter()
        .find(|c| c.field == CaseField::AccessApproved)
        .map_or("Data acces aprobat", |c| c.header)
}

/// A court case as identified everywhere: (court code, normalised number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseKey {
    pub court: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCase {
    pub key: CaseKey,
    pub parts: CaseNumber,
    pub facts: CaseFacts,
    /// The first row that named this case.
    pub row: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedLink {
    pub row: u32,
    pub case: CaseKey,
    pub school_code: String,
    pub facts: LinkFacts,
}

#[derive(Debug, Clone, Default)]
pub struct CasePlan {
    pub cases: Vec<PlannedCase>,
    pub links: Vec<PlannedLink>,
}

/// Validates rows of a litigation list against the known schools.
pub struct CasePlanner<'a> {
    columns: ColumnMap<CaseField>,
    directory: &'a SchoolDirectory,
    report: ImportReport,
    plan: CasePlan,
    case_index: HashMap<CaseKey, usize>,
    link_index: HashMap<(CaseKey, String), usize>,
}

impl<'a> CasePlanner<'a> {
    pub fn new(
        headers: &[String],
        sheet: Option<&str>,
        header_row: u32,
        directory: &'a SchoolDirectory,
    ) -> Self {
        let report = ImportReport {
            kind: "cases".into(),
            sheet: sheet.map(str::to_string),
            header_row,
            ..ImportReport::default()
        };
        CasePlanner {
            columns: ColumnMap::from_headers(CASE_COLUMNS, headers),
            directory,
            report,
            plan: CasePlan::default(),
            case_index: HashMap::new(),
            link_index: HashMap::new(),
        }
    }

    pub fn push(&mut self, row: Row) {
        if row.is_blank() {
            return;
        }
        self.report.rows_read += 1;
        if self.is_total(&row) {
            self.report.skipped += 1;
            return;
        }
        if let Some((case, link)) = self.parse(row) {
            self.accept(case, link);
        }
    }

    /// A `Total …` line that hand-made lists end with: no case number, no school code, and a
    /// cell starting with "total".
    fn is_total(&self, row: &Row) -> bool {
        let empty = |field| row.cell(self.columns.index(field)).is_blank();
        empty(CaseField::Number)
            && empty(CaseField::Code)
            && row.cells.iter().any(|c| {
                c.text()
                    .is_some_and(|t| super::text::fold(&t).starts_with("total"))
            })
    }

    pub fn finish(self) -> (CasePlan, ImportReport) {
        (self.plan, self.report)
    }

    fn header(&self, field: CaseField) -> String {
        self.columns.header(CASE_COLUMNS, field)
    }

    fn parse(&mut self, mut row: Row) -> Option<(PlannedCase, PlannedLink)> {
        let number = row.number;
        let errors_before = self.report.rejected.len();
        let parts = self.case_number(&row);
        let school_name = row.cell(self.columns.index(CaseField::SchoolName)).text();
        let code_cell = row.cell(self.columns.index(CaseField::Code));
        let school = self.directory.resolve_pj(
            number,
            (&self.header(CaseField::Code), code_cell),
            (&self.header(CaseField::SchoolName), school_name.as_deref()),
            &mut self.report,
        );
        let court = parts.as_ref().and_then(|parts| self.court(&row, parts));
        let date = |field: CaseField, report: &mut ImportReport| {
            let cell = row.cell(self.columns.index(field));
            dates::parse_cell(cell).unwrap_or_else(|error| {
                report.reject(
                    number,
                    &self.columns.header(CASE_COLUMNS, field),
                    &cell.display(),
                    error,
                );
                None
            })
        };
        let next_hearing = date(CaseField::NextHearing, &mut self.report);
        let access_requested_on = date(CaseField::AccessRequested, &mut self.report);
        let access_approved_on = date(CaseField::AccessApproved, &mut self.report);
        if self.report.rejected.len() > errors_before {
            return None;
        }
        let (parts, court, school_code) = (parts?, court?, school?);
        let mut text = |field| row.take_text(self.columns.index(field));
        let facts = CaseFacts {
            category: text(CaseField::Category).map(|c| case_kinds::normalise(CATEGORIES, &c)),
            stage: text(CaseField::Stage).map(|s| case_kinds::normalise(STAGES, &s)),
            object: text(CaseField::Object),
            next_hearing,
        };
        let link = LinkFacts {
            role: text(CaseField::Role),
            opposing_party: text(CaseField::OpposingParty),
            access_requested_on,
            access_approved_on,
            notes: text(CaseField::Notes),
            ..LinkFacts::default()
        };
        let key = CaseKey {
            court: court.to_string(),
            number: parts.to_string(),
        };
        let case = PlannedCase {
            key: key.clone(),
            parts,
            facts,
            row: number,
        };
        Some((
            case,
            PlannedLink {
                row: number,
                case: key,
                school_code,
                facts: link,
            },
        ))
    }

    fn case_number(&mut self, row: &Row) -> Option<CaseNumber> {
        let header = self.header(CaseField::Number);
        let cell = row.cell(self.columns.index(CaseField::Number));
        let Some(text) = cell.text() else {
            self.report
                .reject(row.number, &header, "", "numărul dosarului lipsește");
            return None;
        };
        CaseNumber::parse(&text)
            .map_err(|error| self.report.reject(row.number, &header, &text, error))
            .ok()
    }

    /// The court named in the row, else the one the number's court code stands for.
    fn court(&mut self, row: &Row, parts: &CaseNumber) -> Option<&'static str> {
        let header = self.header(CaseField::Court);
        match row.cell(self.columns.index(CaseField::Court)).text() {
            Some(text) => match courts::find(&text) {
                Some(court) => Some(court.code),
                None => {
                    self.report.reject(row.number, &header, &text, "instanță necunoscută (scrieți denumirea, de exemplu „Tribunalul Hunedoara”)");
                    None
                }
            },
            None => match courts::by_number(parts.court_code) {
                Some(court) => {
                    self.report.warn(
                        row.number,
                        &header,
                        "",
                        format!(
                            "instanța lipsește; dedusă din numărul dosarului: {}",
                            court.name
                        ),
                    );
                    Some(court.code)
                }
                None => {
                    let error = format!(
                        "instanța lipsește și codul {} din numărul dosarului nu este cunoscut",
                        parts.court_code
                    );
                    self.report.reject(row.number, &header, "", error);
                    None
                }
            },
        }
    }

    fn accept(&mut self, case: PlannedCase, link: PlannedLink) {
        let row = link.row;
        let pair = (link.case.clone(), link.school_code.clone());
        if let Some(&earlier) = self.link_index.get(&pair) {
            let first = &self.plan.links[earlier];
            let same_case = self
                .case_index
                .get(&case.key)
                .is_some_and(|&i| merged(&self.plan.cases[i].facts, &case.facts).is_some());
            let header = self.header(CaseField::Number);
            if first.facts == link.facts && same_case {
                self.report.warn(
                    row,
                    &header,
                    &pair.0.number,
                    format!(
                        "rând identic cu rândul {}; numărat o singură dată",
                        first.row
                    ),
                );
            } else {
                let error = format!(
                    "același dosar și aceeași unitate apar și pe rândul {} cu alte date",
                    first.row
                );
                self.report.reject(row, &header, &pair.0.number, error);
            }
            return;
        }
        match self.case_index.get(&case.key) {
            Some(&i) => match merged(&self.plan.cases[i].facts, &case.facts) {
                Some(facts) => self.plan.cases[i].facts = facts,
                None => {
                    let error = format!(
                        "dosarul apare și pe rândul {} cu alt stadiu, obiect, materie sau termen",
                        self.plan.cases[i].row
                    );
                    self.report.reject(
                        row,
                        &self.header(CaseField::Number),
                        &case.key.number,
                        error,
                    );
                    return;
                }
            },
            None => {
                self.case_index
                    .insert(case.key.clone(), self.plan.cases.len());
                self.plan.cases.push(case);
            }
        }
        self.link_index.insert(pair, self.plan.links.len());
        self.plan.links.push(link);
    }
}

/// Two rows' statements about the same case agree when no field is stated differently;
/// the result fills each field from whichever row states it.
fn merged(first: &CaseFacts, later: &CaseFacts) -> Option<CaseFacts> {
    fn pick<T: Clone + PartialEq>(a: &Option<T>, b: &Option<T>) -> Result<Option<T>, ()> {
        match (a, b) {
            (Some(x), Some(y)) if x != y => Err(()),
            (Some(x), _) => Ok(Some(x.clone())),
            (None, y) => Ok(y.clone()),
        }
    }
    Some(CaseFacts {
        category: pick(&first.category, &later.category).ok()?,
        stage: pick(&first.stage, &later.stage).ok()?,
        object: pick(&first.object, &later.object).ok()?,
        next_hearing: pick(&first.next_hearing, &later.next_hearing).ok()?,
    })
}

/// The side a typed role puts the school on, for display.
pub fn side(role: &str) -> Option<&'static str> {
    let folded = super::text::fold(role);
    if folded.contains("reclamant") || folded.contains("contestator") || folded.contains("petent") {
        Some("activ")
    } else if folded.contains("parat") || folded.contains("intimat") {
        Some("pasiv")
    } else if folded.contains("intervenient") || folded.contains("chemat in garantie") {
        Some("terț")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::cell::Cell;
    use super::super::directory::tests::sample;
    use super::*;

    const HEADERS: [&str; 8] = [
        "Cod SIIIR",
        "Unitate",
        "Nr. dosar",
        "Instanța",
        "Calitate",
        "Stadiu",
        "Termen următor",
        "Data cerere acces",
    ];

    fn plan(rows: Vec<[&str; 8]>) -> (CasePlan, ImportReport) {
        let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
        let directory = sample();
        let mut planner = CasePlanner::new(&headers, None, 1, &directory);
        for (i, cells) in rows.into_iter().enumerate() {
            planner.push(Row {
                number: i as u32 + 2,
                cells: cells.iter().map(|c| Cell::Text(c.to_string())).collect(),
            });
        }
        planner.finish()
    }

    #[test]
    fn one_case_several_schools_and_duplicates() {
        let (plan, report) = plan(vec![
            [
                "2061100001",
                "",
                "Dosar nr. 1234/97/2024",
                "Tribunalul Hunedoara",
                "pârât",
                "Fond",
                "15.12.2026",
                "",
            ],
            [
                "2061100003",
                "",
                "1234 / 97 / 2024",
                "TRIBUNALUL HUNEDOARA",
                "pârât",
                "",
                "",
                "02.12.2026",
            ],
            [
                "2061100003",
                "",
                "1234/97/2024",
                "Tribunalul Hunedoara",
                "pârât",
                "",
                "",
                "02.12.2026",
            ],
            [
                "2061100003",
                "",
                "1234/97/2024",
                "Tribunalul Hunedoara",
                "reclamant",
                "",
                "",
                "",
            ],
            [
                "2061100004",
                "",
                "1234/97/2024",
                "Tribunalul Hunedoara",
                "pârât",
                "Apel",
                "",
                "",
            ],
            [
                "2062100002",
                "",
                "1234/97/2024",
                "Curtea de Apel Alba Iulia",
                "intimat",
                "Apel",
                "",
                "",
            ],
        ]);
        assert_eq!(
            plan.cases.len(),
            2,
            "same number at another court is another case"
        );
        assert_eq!(plan.links.len(), 3);
        assert_eq!(plan.cases[0].facts.stage.as_deref(), Some("Fond"));
        assert_eq!(
            plan.links[1].facts.access_requested_on,
            NaiveDate::from_ymd_opt(2026, 12, 2)
        );
        assert_eq!(
            plan.links[2].school_code, "2061100001",
            "the AR row lands on its PJ"
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.row == 4 && w.warning.contains("identic"))
        );
        let rejected: Vec<u32> = report.rejected.iter().map(|r| r.row).collect();
        assert_eq!(rejected, vec![5, 6], "{:?}", report.rejected);
        assert!(report.rejected[1].error.contains("rândul 2"));
    }

    #[test]
    fn courts_numbers_and_dates() {
        let (plan, report) = plan(vec![
            ["2061100001", "", "55/221/2025", "", "", "", "", ""],
            ["2061100001", "", "56/999/2025", "", "", "", "", ""],
            [
                "2061100001",
                "",
                "57/97/2025",
                "Tribunalul Atlantida",
                "",
                "",
                "",
                "",
            ],
            [
                "2061100001",
                "",
                "58-97-2025",
                "Tribunalul Hunedoara",
                "",
                "",
                "",
                "",
            ],
            [
                "2061100001",
                "",
                "59/97/2025",
                "Tribunalul Hunedoara",
                "",
                "",
                "31.02.2026",
                "mâine",
            ],
            [
                "",
                "Liceul Tehnologic Brad",
                "60/97/2025",
                "Judecătoria Brad",
                "",
                "",
                "15 ian. 2027",
                "",
            ],
            ["", "", "", "", "", "", "", ""],
            ["", "TOTAL: 6 dosare", "", "", "", "", "", ""],
        ]);
        assert_eq!(report.skipped, 1, "a total line is skipped, not rejected");
        assert_eq!(
            plan.cases
                .iter()
                .map(|c| c.key.court.as_str())
                .collect::<Vec<_>>(),
            vec!["JudecatoriaDEVA", "JudecatoriaBRAD"]
        );
        assert_eq!(
            plan.cases[1].facts.next_hearing,
            NaiveDate::from_ymd_opt(2027, 1, 15)
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.row == 2 && w.warning.contains("Judecătoria Deva"))
        );
        let by_row = |row| {
            report
                .rejected
                .iter()
                .filter(|r| r.row == row)
                .map(|r| r.column.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(by_row(3), vec!["Instanța"]);
        assert_eq!(by_row(4), vec!["Instanța"]);
        assert_eq!(by_row(5), vec!["Nr. dosar"]);
        assert_eq!(by_row(6), vec!["Termen următor", "Data cerere acces"]);
        assert_eq!(report.rows_read, 7, "blank rows are not counted");
    }

    #[test]
    fn header_verdicts_and_sides() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            case_header_verdict(&h(&["Nr dosar:", "Denumire unitate"])),
            HeaderVerdict::Complete
        );
        assert!(matches!(
            case_header_verdict(&h(&["Instanta", "Obiect", "Stadiu procesual"])),
            HeaderVerdict::Incomplete(_)
        ));
        assert_eq!(
            case_header_verdict(&h(&["Situația litigiilor"])),
            HeaderVerdict::NotHeader
        );
        assert_eq!(side("Intimat Pârât"), Some("pasiv"));
        assert_eq!(side("Recurent Reclamant"), Some("activ"));
        assert_eq!(side("martor"), None);
    }
}
