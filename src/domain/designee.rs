//! The person a school names for its D.E.N. account: functions, phone and e-mail rules, and
//! the validation of the legal department's existing list.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::cell::{Cell, Row};
use super::columns::{ColumnMap, ColumnSpec, HeaderVerdict};
use super::dates;
use super::den::DenStep;
use super::directory::SchoolDirectory;
use super::import_report::ImportReport;
use super::text::{fold, one_line, typed};

/// The functions a designee may hold (the internal decision names one of them).
pub const FUNCTIONS: &[&str] = &[
    "director",
    "director adjunct",
    "secretar",
    "consilier juridic",
    "altă funcție",
];

/// Prefix of a function outside the list: `altă funcție: administrator financiar`.
pub const OTHER_FUNCTION: &str = "altă funcție";

/// The function from the allowed list for typed text (`Director adj.`, `secretar-șef`); any
/// other text becomes `altă funcție: …` with the text kept (the decision is what counts).
/// `altă funcție` without saying which is no function.
pub fn normalise_function(typed: &str) -> String {
    let folded = fold(typed);
    let canonical = if folded.starts_with("director adj") || folded.contains("adjunct") {
        Some("director adjunct")
    } else if folded.starts_with("director") {
        Some("director")
    } else if folded.starts_with("secretar") {
        Some("secretar")
    } else if folded.contains("consilier juridic") || folded == "jurist" {
        Some("consilier juridic")
    } else {
        None
    };
    if let Some(canonical) = canonical {
        return canonical.to_string();
    }
    let other = if folded.starts_with("alta functie") {
        let rest: String = typed
            .trim()
            .chars()
            .skip(OTHER_FUNCTION.chars().count())
            .collect();
        rest.trim_start_matches([':', '-', '–', ' '])
            .trim()
            .to_string()
    } else {
        typed.trim().to_string()
    };
    if other.is_empty() {
        String::new()
    } else {
        format!("{OTHER_FUNCTION}: {other}")
    }
}

/// A Romanian phone number in international form `+40…` (9 digits after the prefix).
pub fn normalise_phone(raw: &str) -> Result<String, String> {
    let raw = &typed(raw).map_err(|e| e.to_string())?;
    if !raw
        .chars()
        .all(|c| c.is_ascii_digit() || " .-/()+\u{a0}".contains(c))
    {
        return Err(format!("„{}” nu este un număr de telefon", raw.trim()));
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("0040") {
        rest.to_string()
    } else if raw.trim_start().starts_with('+') {
        digits
            .strip_prefix("40")
            .ok_or("doar numere din România (+40)")?
            .to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else if digits.len() == 9 {
        // A numeric cell that lost its leading zero.
        digits
    } else {
        return Err(format!("„{}” nu are forma 07xx xxx xxx", raw.trim()));
    };
    if national.len() == 9 && matches!(national.as_bytes()[0], b'2' | b'3' | b'7') {
        Ok(format!("+40{national}"))
    } else {
        Err(format!("„{}” nu are 10 cifre (07xx xxx xxx)", raw.trim()))
    }
}

pub fn is_mobile(phone: &str) -> bool {
    phone.starts_with("+407")
}

/// An e-mail whose address names the person (`ana.popescu@…`) rather than the school: the
/// court requests want an institutional address that survives a change of designee.
pub fn email_looks_personal(email: &str, full_name: &str) -> bool {
    let local = fold(email.split('@').next().unwrap_or_default());
    fold(full_name)
        .split([' ', '-'])
        .filter(|part| part.chars().count() >= 3)
        .any(|part| local.contains(part))
}

/// A designee as recorded: by staff, through the import, or by a director's link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct DesigneeFacts {
    pub full_name: String,
    pub function: String,
    pub decision_number: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A problem with one field of a designee, for forms and imports alike.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    pub field: DesigneeField,
    pub value: String,
    pub message: String,
}

/// Checks and normalises typed designee data; errors refuse, warnings only inform.
pub fn check(
    mut facts: DesigneeFacts,
) -> Result<(DesigneeFacts, Vec<FieldProblem>), Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let problem = |field, value: &str, message: &str| FieldProblem {
        field,
        value: value.to_string(),
        message: message.to_string(),
    };
    let mut line = |field, value: &str| match typed(value) {
        Ok(text) => one_line(&text),
        Err(e) => {
            errors.push(problem(field, value, &e.to_string()));
            String::new()
        }
    };
    facts.full_name = line(DesigneeField::Name, &facts.full_name);
    facts.function = line(DesigneeField::Function, &facts.function);
    facts.decision_number = facts
        .decision_number
        .take()
        .map(|number| line(DesigneeField::DecisionNumber, &number))
        .filter(|number| !number.is_empty());
    let refused = |errors: &[FieldProblem], field| errors.iter().any(|p| p.field == field);
    if facts.full_name.chars().count() < 3 && !refused(&errors, DesigneeField::Name) {
        errors.push(problem(
            DesigneeField::Name,
            &facts.full_name,
            "numele și prenumele lipsesc",
        ));
    }
    let typed_function = facts.function.clone();
    facts.function = normalise_function(&facts.function);
    if facts.function.is_empty() && !refused(&errors, DesigneeField::Function) {
        let message = if typed_function.trim().is_empty() {
            "funcția lipsește"
        } else {
            "precizați funcția (altă funcție: care?)"
        };
        errors.push(problem(DesigneeField::Function, &typed_function, message));
    }
    // The court validates the D.E.N. account against both, so every door asks for both.
    if facts.email.is_none() {
        errors.push(problem(
            DesigneeField::Email,
            "",
            "e-mailul instituțional lipsește (cererile de acces îl cer)",
        ));
    }
    if facts.phone.is_none() {
        errors.push(problem(
            DesigneeField::Phone,
            "",
            "telefonul mobil lipsește (cererile de acces îl cer)",
        ));
    }
    if let Some(email) = facts.email.take() {
        match super::email::parse(&email) {
            Ok(email) => {
                if email_looks_personal(&email, &facts.full_name) {
                    warnings.push(problem(
                        DesigneeField::Email,
                        &email,
                        "adresa pare personală; instanțele cer o adresă instituțională a unității",
                    ));
                }
                facts.email = Some(email);
            }
            Err(e) => errors.push(problem(DesigneeField::Email, &email, &e.to_string())),
        }
    }
    if let Some(phone) = facts.phone.take() {
        match normalise_phone(&phone) {
            Ok(normal) => {
                if !is_mobile(&normal) {
                    warnings.push(problem(
                        DesigneeField::Phone,
                        &phone,
                        "nu este un număr de mobil; cererile de acces cer un mobil",
                    ));
                }
                facts.phone = Some(normal);
            }
            Err(message) => errors.push(problem(DesigneeField::Phone, &phone, &message)),
        }
    }
    if errors.is_empty() {
        Ok((facts, warnings))
    } else {
        Err(errors)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DesigneeField {
    Code,
    Name,
    Function,
    DecisionNumber,
    DecisionDate,
    Email,
    Phone,
    AccessRequested,
    AccessApproved,
    AccountCreated,
    Reported,
}

impl DesigneeField {
    /// The form field's name, for errors that point at it.
    pub fn key(self) -> &'static str {
        match self {
            DesigneeField::Code => "school",
            DesigneeField::Name => "full_name",
            DesigneeField::Function => "function",
            DesigneeField::DecisionNumber => "decision_number",
            DesigneeField::DecisionDate => "decision_date",
            DesigneeField::Email => "email",
            DesigneeField::Phone => "phone",
            DesigneeField::AccessRequested => "access_requested",
            DesigneeField::AccessApproved => "access_approved",
            DesigneeField::AccountCreated => "account_created",
            DesigneeField::Reported => "reported",
        }
    }
}

const fn col(
    field: DesigneeField,
    header: &'static str,
    synonyms: &'static [&'static str],
) -> ColumnSpec<DesigneeField> {
    ColumnSpec {
        field,
        header,
        synonyms,
    }
}

pub const DESIGNEE_COLUMNS: &[ColumnSpec<DesigneeField>] = &[
    col(
        DesigneeField::Code,
        "Cod SIIIR",
        &["Cod SIIIR unitate", "Cod unitate", "SIIIR"],
    ),
    col(
        DesigneeField::Name,
        "Nume și prenume",
        &[
            "Nume si prenume",
            "Numele și prenumele",
            "Persoana desemnată",
            "Nume",
        ],
    ),
    col(
        DesigneeField::Function,
        "Funcția",
        &["Funcția", "Functia", "Funcție"],
    ),
    col(
        DesigneeField::DecisionNumber,
        "Nr. decizie",
        &["Număr decizie", "Nr decizie", "Numar decizie", "Decizia nr"],
    ),
    col(
        DesigneeField::DecisionDate,
        "Data deciziei",
        &["Data decizie", "Decizia din"],
    ),
    col(
        DesigneeField::Email,
        "E-mail",
        &["Email", "Adresă e-mail", "Adresa de e-mail"],
    ),
    col(
        DesigneeField::Phone,
        "Telefon",
        &["Telefon mobil", "Mobil", "Nr. telefon"],
    ),
    col(
        DesigneeField::AccessRequested,
        "Data cerere acces",
        &["Cerere acces"],
    ),
    col(
        DesigneeField::AccessApproved,
        "Data acces aprobat",
        &["Acces aprobat"],
    ),
    col(
        DesigneeField::AccountCreated,
        "Data creare cont D.E.N.",
        &["Cont D.E.N. creat", "Data creare cont"],
    ),
    col(
        DesigneeField::Reported,
        "Data comunicare ISJ",
        &["Comunicat ISJ", "Data comunicării"],
    ),
];

const STEP_COLUMNS: [(DesigneeField, DenStep); 4] = [
    (DesigneeField::AccessRequested, DenStep::AccessRequested),
    (DesigneeField::AccessApproved, DenStep::AccessApproved),
    (DesigneeField::AccountCreated, DenStep::AccountCreated),
    (DesigneeField::Reported, DenStep::Reported),
];

/// The column a step's date is reported under.
pub fn step_header(step: DenStep) -> &'static str {
    STEP_COLUMNS
        .iter()
        .find(|(_, s)| *s == step)
        .and_then(|(field, _)| DESIGNEE_COLUMNS.iter().find(|c| c.field == *field))
        .map_or("Data", |c| c.header)
}

pub fn designee_header_verdict(headers: &[String]) -> HeaderVerdict {
    let map = ColumnMap::from_headers(DESIGNEE_COLUMNS, headers);
    let missing: Vec<String> = [
        (DesigneeField::Code, "Cod SIIIR"),
        (DesigneeField::Name, "Nume și prenume"),
        (DesigneeField::Function, "Funcția"),
    ]
    .into_iter()
    .filter(|(field, _)| !map.has(*field))
    .map(|(_, header)| header.to_string())
    .collect();
    match (missing.is_empty(), map.len()) {
        (true, _) => HeaderVerdict::Complete,
        (false, n) if n >= 2 => HeaderVerdict::Incomplete(missing),
        _ => HeaderVerdict::NotHeader,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedDesignee {
    pub row: u32,
    pub school_code: String,
    pub facts: DesigneeFacts,
    /// D.E.N. steps the list says were reached, with their dates.
    pub steps: Vec<(DenStep, NaiveDate)>,
}

pub struct DesigneePlanner<'a> {
    columns: ColumnMap<DesigneeField>,
    directory: &'a SchoolDirectory,
    report: ImportReport,
    planned: Vec<PlannedDesignee>,
    by_school: HashMap<String, usize>,
}

impl<'a> DesigneePlanner<'a> {
    pub fn new(
        headers: &[String],
        sheet: Option<&str>,
        header_row: u32,
        directory: &'a SchoolDirectory,
    ) -> Self {
        let report = ImportReport {
            kind: "designees".into(),
            sheet: sheet.map(str::to_string),
            header_row,
            ..ImportReport::default()
        };
        let columns = ColumnMap::from_headers(DESIGNEE_COLUMNS, headers);
        DesigneePlanner {
            columns,
            directory,
            report,
            planned: Vec::new(),
            by_school: HashMap::new(),
        }
    }

    pub fn push(&mut self, row: Row) {
        if row.is_blank() {
            return;
        }
        self.report.rows_read += 1;
        let Some(planned) = self.parse(row) else {
            return;
        };
        let header = self.columns.header(DESIGNEE_COLUMNS, DesigneeField::Code);
        match self.by_school.get(&planned.school_code) {
            Some(&i)
                if self.planned[i].facts == planned.facts
                    && self.planned[i].steps == planned.steps =>
            {
                let note = format!(
                    "rând identic cu rândul {}; numărat o singură dată",
                    self.planned[i].row
                );
                self.report
                    .warn(planned.row, &header, &planned.school_code, note);
            }
            Some(&i) => {
                let error = format!(
                    "unitatea are deja o persoană desemnată pe rândul {}",
                    self.planned[i].row
                );
                self.report
                    .reject(planned.row, &header, &planned.school_code, error);
            }
            None => {
                self.by_school
                    .insert(planned.school_code.clone(), self.planned.len());
                self.planned.push(planned);
            }
        }
    }

    pub fn finish(self) -> (Vec<PlannedDesignee>, ImportReport) {
        (self.planned, self.report)
    }

    fn parse(&mut self, mut row: Row) -> Option<PlannedDesignee> {
        let number = row.number;
        let header = |field| self.columns.header(DESIGNEE_COLUMNS, field);
        let errors_before = self.report.rejected.len();
        let code_cell = row.cell(self.columns.index(DesigneeField::Code)).clone();
        let school = self.directory.resolve_pj(
            number,
            (&header(DesigneeField::Code), &code_cell),
            (&header(DesigneeField::Name), None),
            &mut self.report,
        );
        let date = |field, report: &mut ImportReport| {
            let cell = row.cell(self.columns.index(field));
            dates::parse_cell(cell).unwrap_or_else(|error| {
                report.reject(number, &header(field), &cell.display(), error);
                None
            })
        };
        let decision_date = date(DesigneeField::DecisionDate, &mut self.report);
        let steps: Vec<(DenStep, NaiveDate)> = STEP_COLUMNS
            .iter()
            .filter_map(|(field, step)| date(*field, &mut self.report).map(|on| (*step, on)))
            .collect();
        let phone = phone_cell(row.cell(self.columns.index(DesigneeField::Phone)));
        let mut text = |field| row.take_text(self.columns.index(field));
        let facts = DesigneeFacts {
            full_name: text(DesigneeField::Name).unwrap_or_default(),
            function: text(DesigneeField::Function).unwrap_or_default(),
            decision_number: text(DesigneeField::DecisionNumber),
            decision_date,
            email: text(DesigneeField::Email),
            phone,
        };
        let checked = check(facts);
        let problems = match &checked {
            Ok((_, warnings)) => warnings.clone(),
            Err(errors) => errors.clone(),
        };
        for problem in problems {
            if checked.is_ok() {
                self.report.warn(
                    number,
                    &header(problem.field),
                    &problem.value,
                    problem.message,
                );
            } else {
                self.report.reject(
                    number,
                    &header(problem.field),
                    &problem.value,
                    problem.message,
                );
            }
        }
        if self.report.rejected.len() > errors_before {
            return None;
        }
        let (facts, _) = checked.ok()?;
        Some(PlannedDesignee {
            row: number,
            school_code: school?,
            facts,
            steps,
        })
    }
}

/// A phone typed into a numeric cell loses its leading zero and any spacing.
fn phone_cell(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n > 0.0 => Some(format!("0{}", *n as u64)),
        other => other.text(),
    }
}

/// A designee as stored: the facts, when they held, and who confirmed them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredDesignee {
    pub id: i32,
    pub school_code: String,
    pub facts: DesigneeFacts,
    pub valid_from: chrono::DateTime<chrono::Utc>,
    pub valid_to: Option<chrono::DateTime<chrono::Utc>>,
    pub confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub confirmed_by: Option<String>,
    pub recorded_by: String,
    /// When its personal data was anonymised (retention rule or erasure); older log entries
    /// have none.
    #[serde(default)]
    pub anonymised_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl StoredDesignee {
    /// The school stood behind these facts (staff with its decision, or its own link).
    pub fn is_confirmed(&self) -> bool {
        self.confirmed_at.is_some() && self.confirmed_by.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::super::directory::tests::sample;
    use super::*;

    #[test]
    fn phones() {
        for raw in [
            "0722 123 456",
            "0722.123.456",
            "+40 722 123 456",
            "0040722123456",
            "(0722) 123-456",
            "722123456",
        ] {
            assert_eq!(normalise_phone(raw).as_deref(), Ok("+40722123456"), "{raw}");
        }
        assert_eq!(
            normalise_phone("0254 211 111").as_deref(),
            Ok("+40254211111")
        );
        for raw in [
            "+44 20 7946 0958",
            "0722 123",
            "07221234567",
            "sună-mă",
            "0822123456",
        ] {
            assert!(normalise_phone(raw).is_err(), "{raw}");
        }
        assert_eq!(
            phone_cell(&Cell::Number(722123456.0)).as_deref(),
            Some("0722123456")
        );
    }

    #[test]
    fn functions_and_personal_addresses() {
        assert_eq!(normalise_function("Director adj."), "director adjunct");
        assert_eq!(normalise_function("DIRECTOR"), "director");
        assert_eq!(normalise_function("Secretar-șef"), "secretar");
        assert_eq!(
            normalise_function("administrator financiar"),
            "altă funcție: administrator financiar"
        );
        assert_eq!(
            normalise_function("Altă funcție - informatician"),
            "altă funcție: informatician"
        );
        assert_eq!(normalise_function("alta functie"), "", "which one?");
        assert!(email_looks_personal("ana.popescu@gmail.com", "Popescu Ana"));
        assert!(email_looks_personal(
            "ionescu.m@yahoo.com",
            "Maria Ionescu-Șerban"
        ));
        assert!(
            !email_looks_personal("scoala1deva@yahoo.com", "Popescu Ana"),
            "free mail alone is normal for schools"
        );
    }

    #[test]
    fn rows_of_the_legal_list() {
        let headers: Vec<String> = [
            "Cod SIIIR",
            "Nume și prenume",
            "Funcția",
            "Data deciziei",
            "E-mail",
            "Telefon",
            "Cont D.E.N. creat",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect();
        let directory = sample();
        let mut planner = DesigneePlanner::new(&headers, None, 1, &directory);
        let rows: [[&str; 7]; 5] = [
            [
                "2061100001",
                "Popescu  Ana",
                "Director",
                "01.09.2026",
                "ana.popescu@gmail.com",
                "0722 123 456",
                "20.11.2026",
            ],
            [
                "2061100003",
                "Ion Marin",
                "secretar",
                "",
                "liceubrad@yahoo.com",
                "0254 123 456",
                "",
            ],
            ["2061100004", "X", "", "", "nu-i-adresa", "12", ""],
            [
                "2062100002",
                "Vasile Ene",
                "director",
                "",
                "ene@scoala.ro",
                "0722000000",
                "",
            ],
            [
                "2061100005",
                "Dan Pop",
                "director",
                "31.02.2026",
                "pop@scoala.ro",
                "0722000001",
                "azi",
            ],
        ];
        for (i, cells) in rows.iter().enumerate() {
            planner.push(Row {
                number: i as u32 + 2,
                cells: cells.iter().map(|c| Cell::Text(c.to_string())).collect(),
            });
        }
        let (planned, report) = planner.finish();
        assert_eq!(planned.len(), 2);
        assert_eq!(planned[0].facts.full_name, "Popescu Ana");
        assert_eq!(planned[0].facts.phone.as_deref(), Some("+40722123456"));
        assert_eq!(
            planned[0].steps,
            vec![(
                DenStep::AccountCreated,
                NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
            )]
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.row == 2 && w.column == "E-mail")
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.row == 3 && w.column == "Telefon")
        );
        let columns = |row| {
            report
                .rejected
                .iter()
                .filter(|r| r.row == row)
                .map(|r| r.column.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            columns(4),
            vec!["Nume și prenume", "Funcția", "E-mail", "Telefon"]
        );
        assert_eq!(
            columns(5),
            vec!["Cod SIIIR"],
            "the AR's PJ already has a designee in this file"
        );
        assert_eq!(columns(6), vec!["Data deciziei", "Cont D.E.N. creat"]);
    }
}

/// The e-mail and mobile phone an access request declared.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AccessContact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Normalises a declared contact by the designee's rules; an empty one is no contact.
pub fn check_contact(email: &str, phone: &str) -> Result<AccessContact, FieldProblem> {
    let email = email.trim();
    let phone = phone.trim();
    let email = match email {
        "" => None,
        typed => Some(super::email::parse(typed).map_err(|e| FieldProblem {
            field: DesigneeField::Email,
            value: typed.to_string(),
            message: format!("adresa de e-mail declarată: {e}"),
        })?),
    };
    let phone = match phone {
        "" => None,
        typed => Some(normalise_phone(typed).map_err(|message| FieldProblem {
            field: DesigneeField::Phone,
            value: typed.to_string(),
            message,
        })?),
    };
    Ok(AccessContact { email, phone })
}

/// What differs between a request's declared contact and the current designee's: the court
/// validates the D.E.N. account against the request, so a difference must be fixed.
pub fn contact_mismatch(
    declared: &AccessContact,
    designee: Option<&DesigneeFacts>,
) -> Option<String> {
    let designee = designee?;
    let mut differs = Vec::new();
    if declared.email.is_some() && declared.email != designee.email {
        differs.push("e-mailul");
    }
    if declared.phone.is_some() && declared.phone != designee.phone {
        differs.push("telefonul");
    }
    (!differs.is_empty()).then(|| {
        format!(
            "{} declarat în cererea de acces diferă de al persoanei desemnate",
            differs.join(" și ")
        )
    })
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    #[test]
    fn declared_contacts_and_mismatch() {
        let declared = check_contact(" Secretariat@Scoala.ro ", "0722 111 222").unwrap_or_default();
        assert_eq!(declared.email.as_deref(), Some("secretariat@scoala.ro"));
        assert_eq!(declared.phone.as_deref(), Some("+40722111222"));
        assert!(check_contact("nu-e-adresa", "").is_err());
        let designee = DesigneeFacts {
            full_name: "Pop Ana".into(),
            function: "director".into(),
            decision_number: None,
            decision_date: None,
            email: Some("secretariat@scoala.ro".into()),
            phone: Some("+40744000000".into()),
        };
        assert_eq!(
            contact_mismatch(&declared, Some(&designee)).as_deref(),
            Some("telefonul declarat în cererea de acces diferă de al persoanei desemnate")
        );
        assert_eq!(
            contact_mismatch(&AccessContact::default(), Some(&designee)),
            None
        );
    }
}

/// A criminal-record certificate (cazier judiciar) shown for a designee: electronic, free,
/// valid six months from issue, verifiable by its number. Never a CNP, never the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CazierEvidence {
    pub number: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
}

/// Days before a certificate expires that the school is reminded.
pub const CAZIER_REMINDER_DAYS: i64 = 14;

/// Checks a typed certificate: a number that neither is nor contains a CNP
/// ([`super::cnp::contains_cnp`]), an issue date not in the future; valid until the same day
/// six months later.
pub fn check_cazier(
    number: &str,
    issued_on: NaiveDate,
    today: NaiveDate,
) -> Result<CazierEvidence, String> {
    let number = one_line(&typed(number).map_err(|e| e.to_string())?);
    if number.is_empty() || number.chars().count() > 40 {
        return Err("scrieți numărul certificatului (cel mult 40 de caractere)".into());
    }
    if super::cnp::contains_cnp(&number) {
        return Err("numărul conține un CNP (13 cifre cu cifra de control a unui CNP); CNP-ul nu se păstrează în aplicație: scrieți doar numărul certificatului".into());
    }
    if issued_on > today {
        return Err("data eliberării nu poate fi în viitor".into());
    }
    let valid_until = issued_on
        .checked_add_months(chrono::Months::new(6))
        .ok_or("data eliberării nu este plauzibilă")?;
    Ok(CazierEvidence {
        number,
        issued_on,
        valid_until,
    })
}

#[cfg(test)]
mod cazier_tests {
    use super::*;

    #[test]
    fn six_months_and_no_cnp() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        let ok = check_cazier(" CJ 12345 ", d(2026, 8, 31), d(2026, 11, 30));
        assert_eq!(
            ok.map(|c| (c.number, c.valid_until)),
            Ok(("CJ 12345".to_string(), d(2027, 2, 28)))
        );
        assert!(
            check_cazier("1900101123457", d(2026, 8, 1), d(2026, 11, 30)).is_err(),
            "a CNP"
        );
        assert!(
            check_cazier("CJ 1", d(2026, 12, 1), d(2026, 11, 30)).is_err(),
            "future"
        );
    }
}
