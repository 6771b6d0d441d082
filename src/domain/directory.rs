//! The schools an import can refer to, loaded once before a case or designee list is read:
//! codes, which PJ each unit belongs to, and folded names for rows that lack a code.

use std::collections::HashMap;

use super::cell::Cell;
use super::import_report::ImportReport;
use super::school::SiiirCode;

#[derive(Debug, Clone, PartialEq)]
pub struct KnownSchool {
    pub code: String,
    pub pj_code: String,
    pub is_pj: bool,
    pub active: bool,
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct SchoolDirectory {
    by_code: HashMap<String, KnownSchool>,
    /// Folded long or short name → codes of active schools with that name.
    by_name: HashMap<String, Vec<String>>,
}

/// Names compared with case, diacritics, quotes, spaces and punctuation folded away.
pub fn name_key(name: &str) -> String {
    super::text::compact(name)
}

impl SchoolDirectory {
    /// `names` are the long and short name of each school.
    pub fn new(schools: impl IntoIterator<Item = (KnownSchool, [Option<String>; 2])>) -> Self {
        let mut directory = SchoolDirectory::default();
        for (school, names) in schools {
            if school.active {
                let mut keys: Vec<String> = names
                    .iter()
                    .flatten()
                    .map(|n| name_key(n))
                    .filter(|k| !k.is_empty())
                    .collect();
                keys.dedup();
                for key in keys {
                    directory
                        .by_name
                        .entry(key)
                        .or_default()
                        .push(school.code.clone());
                }
            }
            directory.by_code.insert(school.code.clone(), school);
        }
        directory
    }

    pub fn get(&self, code: &str) -> Option<&KnownSchool> {
        self.by_code.get(code)
    }

    /// The PJ that carries the obligations of a row's school, from its code cell or, when that
    /// is empty, its name cell; warnings and errors go to the report. `None` when rejected.
    pub fn resolve_pj(
        &self,
        row: u32,
        code: (&str, &Cell),
        name: (&str, Option<&str>),
        report: &mut ImportReport,
    ) -> Option<String> {
        let (code_header, code_cell) = code;
        let school = if code_cell.is_blank() {
            self.by_unique_name(row, name, report)?
        } else {
            let parsed = match SiiirCode::parse(code_cell) {
                Ok(parsed) => parsed,
                Err(error) => {
                    report.reject(row, code_header, &code_cell.display(), error);
                    return None;
                }
            };
            if let Some(repair) = parsed.repair {
                report.warn(row, code_header, &code_cell.display(), repair);
            }
            match self.get(parsed.code.as_str()) {
                Some(school) => school,
                None => {
                    report.reject(
                        row,
                        code_header,
                        parsed.code.as_str(),
                        "codul SIIIR nu există în rețeaua școlară importată",
                    );
                    return None;
                }
            }
        };
        if !school.active {
            report.warn(
                row,
                code_header,
                &school.code,
                "unitatea nu mai apare în ultima rețea școlară importată",
            );
        }
        if school.is_pj {
            return Some(school.code.clone());
        }
        match self.get(&school.pj_code) {
            Some(pj) => {
                let note = format!(
                    "structură arondată: atașat unității cu personalitate juridică {} ({})",
                    pj.code, pj.name
                );
                report.warn(row, code_header, &school.code, note);
                Some(pj.code.clone())
            }
            None => {
                report.reject(
                    row,
                    code_header,
                    &school.code,
                    format!(
                        "unitatea PJ {} a structurii nu există în rețeaua școlară",
                        school.pj_code
                    ),
                );
                None
            }
        }
    }

    fn by_unique_name(
        &self,
        row: u32,
        name: (&str, Option<&str>),
        report: &mut ImportReport,
    ) -> Option<&KnownSchool> {
        let (header, text) = name;
        let Some(text) = text else {
            report.reject(
                row,
                header,
                "",
                "lipsesc atât codul SIIIR, cât și denumirea unității",
            );
            return None;
        };
        let codes = self
            .by_name
            .get(&name_key(text))
            .map(Vec::as_slice)
            .unwrap_or_default();
        match codes {
            [code] => {
                let school = self.get(code)?;
                report.warn(
                    row,
                    header,
                    text,
                    format!("unitate identificată după denumire: {code}"),
                );
                Some(school)
            }
            [] => {
                report.reject(
                    row,
                    header,
                    text,
                    "nicio unitate activă nu are această denumire; completați codul SIIIR",
                );
                None
            }
            many => {
                report.reject(
                    row,
                    header,
                    text,
                    format!(
                        "denumirea se potrivește cu {} unități; completați codul SIIIR",
                        many.len()
                    ),
                );
                None
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> SchoolDirectory {
        let school = |code: &str, pj: &str, name: &str, active: bool| {
            let known = KnownSchool {
                code: code.into(),
                pj_code: pj.into(),
                is_pj: code == pj,
                active,
                name: name.into(),
            };
            (known, [Some(name.to_string()), None])
        };
        SchoolDirectory::new([
            school(
                "2061100001",
                "2061100001",
                "Școala Gimnazială „Avram Iancu” Deva",
                true,
            ),
            school(
                "2062100002",
                "2061100001",
                "Grădinița cu Program Normal Nr. 1 Deva",
                true,
            ),
            school("2061100003", "2061100003", "Liceul Tehnologic Brad", true),
            school("2061100004", "2061100004", "Școala Gimnazială Nr. 1", true),
            school("2061100005", "2061100005", "Școala Gimnazială Nr. 1", true),
            school("2061100006", "2061100006", "Școala Veche", false),
        ])
    }

    fn resolve(code: Cell, name: Option<&str>) -> (Option<String>, ImportReport) {
        let mut report = ImportReport::default();
        let pj = sample().resolve_pj(5, ("Cod SIIIR", &code), ("Unitate", name), &mut report);
        (pj, report)
    }

    #[test]
    fn codes_units_and_names() {
        assert_eq!(
            resolve(Cell::Text("2061100001".into()), None).0.as_deref(),
            Some("2061100001")
        );
        let (pj, report) = resolve(Cell::Number(2062100002.0), None);
        assert_eq!(
            pj.as_deref(),
            Some("2061100001"),
            "an AR's case goes to its PJ"
        );
        assert!(report.warnings[0].warning.contains("arondată"));
        let (pj, report) = resolve(Cell::Empty, Some("SCOALA GIMNAZIALA \"AVRAM IANCU\"  DEVA"));
        assert_eq!(pj.as_deref(), Some("2061100001"));
        assert!(report.warnings[0].warning.contains("denumire"));
        assert!(
            resolve(Cell::Empty, Some("Școala Gimnazială Nr. 1"))
                .1
                .rejected[0]
                .error
                .contains("2 unități")
        );
        assert!(
            resolve(Cell::Empty, Some("Școala Veche")).1.rejected[0]
                .error
                .contains("nicio unitate")
        );
        assert!(
            resolve(Cell::Text("2069999999".into()), None).1.rejected[0]
                .error
                .contains("nu există")
        );
        assert!(resolve(Cell::Text("20611A0001".into()), None).1.rejected[0].column == "Cod SIIIR");
        assert!(
            resolve(Cell::Empty, None).1.rejected[0]
                .error
                .contains("lipsesc")
        );
    }
}
