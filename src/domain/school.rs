//! Schools of the SIIIR "Rețea școlară" export: codes, status and the checks that only warn.

use super::cell::Cell;
use super::columns::ColumnSpec;

/// A SIIIR code: always 10 digits, kept as text (county codes 01–09 start with a zero).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiiirCode(String);

/// A code that was accepted, possibly after repair.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedCode {
    pub code: SiiirCode,
    pub repair: Option<String>,
}

impl SiiirCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a cell. A numeric cell or 9-digit text lost its leading zero in Excel and is
    /// padded back (with a repair note); anything else that is not 10 digits is an error.
    pub fn parse(cell: &Cell) -> Result<ParsedCode, String> {
        match cell {
            Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e10 => {
                let digits = format!("{}", *n as u64);
                Self::from_digits(&digits, true)
            }
            Cell::Number(_) => Err("codul SIIIR trebuie să aibă 10 cifre".into()),
            other => match other.text() {
                None => Err("codul SIIIR lipsește".into()),
                Some(text) if !text.chars().all(|c| c.is_ascii_digit()) => {
                    Err("codul SIIIR poate conține doar cifre".into())
                }
                Some(text) => Self::from_digits(&text, false),
            },
        }
    }

    /// Accepts a code typed by a person (URL, search box): exactly 10 digits.
    pub fn from_exact(text: &str) -> Option<SiiirCode> {
        let text = text.trim();
        (text.len() == 10 && text.chars().all(|c| c.is_ascii_digit()))
            .then(|| SiiirCode(text.into()))
    }

    fn from_digits(digits: &str, numeric_cell: bool) -> Result<ParsedCode, String> {
        match digits.len() {
            10 => Ok(ParsedCode {
                code: SiiirCode(digits.into()),
                repair: None,
            }),
            9 => {
                let code = SiiirCode(format!("0{digits}"));
                let how = if numeric_cell {
                    "celulă numerică"
                } else {
                    "9 cifre"
                };
                let repair = format!("{how}: completat cu zero în față la {}", code.0);
                Ok(ParsedCode {
                    code,
                    repair: Some(repair),
                })
            }
            n if n < 9 && numeric_cell => {
                let code = SiiirCode(format!("{digits:0>10}"));
                Err(format!(
                    "codul SIIIR are doar {n} cifre (poate {}?)",
                    code.0
                ))
            }
            n => Err(format!("codul SIIIR trebuie să aibă 10 cifre, are {n}")),
        }
    }
}

impl std::fmt::Display for SiiirCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Legal status: `PJ` legal entity (carries the obligations) or `AR` attached structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitStatus {
    Pj,
    Ar,
}

impl UnitStatus {
    pub fn parse(text: &str) -> Option<UnitStatus> {
        match text.trim().to_ascii_uppercase().as_str() {
            "PJ" => Some(UnitStatus::Pj),
            "AR" => Some(UnitStatus::Ar),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UnitStatus::Pj => "PJ",
            UnitStatus::Ar => "AR",
        }
    }
}

/// Checks a Romanian tax code (CIF/CUI) with the official weights 7,5,3,2,1,7,5,3,2.
pub fn cif_is_valid(raw: &str) -> bool {
    let digits = raw
        .trim()
        .trim_start_matches(['R', 'r'])
        .trim_start_matches(['O', 'o'])
        .trim();
    if !(2..=10).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let (body, check) = values.split_at(values.len() - 1);
    let weights = [7, 5, 3, 2, 1, 7, 5, 3, 2];
    let offset = weights.len() - body.len();
    let sum: u32 = body
        .iter()
        .zip(&weights[offset..])
        .map(|(d, w)| d * w)
        .sum();
    (sum * 10) % 11 % 10 == check[0]
}

/// A Romanian phone number: 10 digits `02…`, `03…` or `07…`, optionally written `+40…`.
pub fn phone_is_plausible(raw: &str) -> bool {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    let national = if let Some(rest) = digits.strip_prefix("0040") {
        format!("0{rest}")
    } else if raw.trim_start().starts_with('+') {
        match digits.strip_prefix("40") {
            Some(rest) => format!("0{rest}"),
            None => return false,
        }
    } else {
        digits
    };
    let allowed = raw
        .chars()
        .all(|c| c.is_ascii_digit() || " .-/()+".contains(c));
    allowed
        && national.len() == 10
        && national.starts_with('0')
        && matches!(national.as_bytes()[1], b'2' | b'3' | b'7')
}

/// One e-mail address of a plausible shape (the school's published address).
pub fn email_is_plausible(raw: &str) -> bool {
    let raw = raw.trim();
    let Some((local, domain)) = raw.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !raw
            .chars()
            .any(|c| c.is_whitespace() || ",;<>\"".contains(c))
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchoolField {
    SchoolYear,
    County,
    PjLocality,
    PjSiruta,
    PjArea,
    PjCode,
    PjName,
    Locality,
    Siruta,
    Area,
    SiruesCode,
    Code,
    ShortName,
    LongName,
    UnitType,
    Status,
    Cif,
    OperatingMode,
    Funding,
    Ownership,
    Street,
    StreetNumber,
    PostalCode,
    Phone,
    Fax,
    Email,
}

const fn col(
    field: SchoolField,
    header: &'static str,
    synonyms: &'static [&'static str],
) -> ColumnSpec<SchoolField> {
    ColumnSpec {
        field,
        header,
        synonyms,
    }
}

/// The 26 columns of the SIIIR export, in the Ministry's order.
pub const SCHOOL_COLUMNS: &[ColumnSpec<SchoolField>] = &[
    col(SchoolField::SchoolYear, "An", &["An școlar"]),
    col(SchoolField::County, "Judet PJ", &["Județ PJ"]),
    col(SchoolField::PjLocality, "Localitate PJ", &[]),
    col(SchoolField::PjSiruta, "Cod SIRUTA PJ", &[]),
    col(
        SchoolField::PjArea,
        "Mediu loc. PJ",
        &["Mediu localitate PJ"],
    ),
    col(SchoolField::PjCode, "Cod SIIIR PJ", &[]),
    col(SchoolField::PjName, "Denumire PJ", &[]),
    col(SchoolField::Locality, "Localitate unitate", &[]),
    col(SchoolField::Siruta, "Cod SIRUTA unitate", &[]),
    col(
        SchoolField::Area,
        "Mediu loc. unitate",
        &["Mediu localitate unitate"],
    ),
    col(SchoolField::SiruesCode, "Cod SIRUES", &[]),
    col(SchoolField::Code, "Cod SIIIR unitate", &[]),
    col(SchoolField::ShortName, "Denumire scurta unitate", &[]),
    col(SchoolField::LongName, "Denumire lunga unitate", &[]),
    col(SchoolField::UnitType, "Tip unitate", &[]),
    col(SchoolField::Status, "Statut unitate", &[]),
    col(SchoolField::Cif, "Cod fiscal", &["CIF", "CUI"]),
    col(SchoolField::OperatingMode, "Mod functionare", &[]),
    col(SchoolField::Funding, "Forma finantare", &[]),
    col(SchoolField::Ownership, "Forma proprietate", &[]),
    col(SchoolField::Street, "Strada", &[]),
    col(SchoolField::StreetNumber, "Numar", &[]),
    col(SchoolField::PostalCode, "Cod postal", &[]),
    col(SchoolField::Phone, "Telefon", &[]),
    col(SchoolField::Fax, "Fax", &[]),
    col(SchoolField::Email, "Email", &["E-mail"]),
];

/// One school as stored: codes as text, every other value trimmed and NFC-normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct SchoolRecord {
    pub code: String,
    pub pj_code: String,
    pub status: String,
    pub long_name: Option<String>,
    pub short_name: Option<String>,
    pub pj_name: Option<String>,
    pub unit_type: Option<String>,
    pub county: Option<String>,
    pub pj_locality: Option<String>,
    pub pj_siruta: Option<String>,
    pub pj_area: Option<String>,
    pub locality: Option<String>,
    pub siruta: Option<String>,
    pub area: Option<String>,
    pub sirues_code: Option<String>,
    pub cif: Option<String>,
    pub operating_mode: Option<String>,
    pub funding: Option<String>,
    pub ownership: Option<String>,
    pub street: Option<String>,
    pub street_number: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub school_year: Option<String>,
}

impl SchoolRecord {
    pub fn unit_status(&self) -> Option<UnitStatus> {
        UnitStatus::parse(&self.status)
    }

    pub fn is_pj(&self) -> bool {
        self.unit_status() == Some(UnitStatus::Pj)
    }

    /// The name shown to users: the long name, else the short one.
    pub fn display_name(&self) -> &str {
        self.long_name
            .as_deref()
            .or(self.short_name.as_deref())
            .unwrap_or(&self.code)
    }

    /// Folded text the search box matches against (names, locality, code).
    pub fn search_key(&self) -> String {
        let parts = [
            Some(self.code.as_str()),
            self.long_name.as_deref(),
            self.short_name.as_deref(),
            self.locality.as_deref(),
            self.pj_name.as_deref(),
        ];
        super::text::fold(&parts.into_iter().flatten().collect::<Vec<_>>().join(" | "))
    }
}

/// A stored school with its bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchool {
    pub record: SchoolRecord,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActiveFilter {
    #[default]
    Active,
    Inactive,
    All,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolFilter {
    pub query: Option<String>,
    pub locality: Option<String>,
    /// `URBAN` or `RURAL`.
    pub area: Option<String>,
    /// `PJ` or `AR`.
    pub status: Option<String>,
    pub active: ActiveFilter,
    /// 1-based.
    pub page: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_leading_zeros_and_reject_letters() {
        let ok = SiiirCode::parse(&Cell::Text(" 2061103288 ".into())).unwrap();
        assert_eq!(ok.code.as_str(), "2061103288");
        assert!(ok.repair.is_none());
        let padded = SiiirCode::parse(&Cell::Number(161102892.0)).unwrap();
        assert_eq!(padded.code.as_str(), "0161102892");
        assert!(padded.repair.is_some());
        let nine = SiiirCode::parse(&Cell::Text("161102892".into())).unwrap();
        assert_eq!(nine.code.as_str(), "0161102892");
        assert!(SiiirCode::parse(&Cell::Text("12AB".into())).is_err());
        assert!(SiiirCode::parse(&Cell::Text("12345678".into())).is_err());
        assert!(SiiirCode::parse(&Cell::Text("12345678901".into())).is_err());
        assert!(SiiirCode::parse(&Cell::Empty).is_err());
        assert!(SiiirCode::parse(&Cell::Number(1.5)).is_err());
    }

    #[test]
    fn cif_check_digit() {
        assert!(cif_is_valid("23995427"));
        assert!(cif_is_valid("RO 23995427"));
        assert!(!cif_is_valid("529111"));
        assert!(!cif_is_valid("123456"));
        assert!(!cif_is_valid("4278060 (asociaţie)"));
    }

    #[test]
    fn phone_shapes() {
        assert!(phone_is_plausible("0254512116"));
        assert!(phone_is_plausible("+40 254 212 345"));
        assert!(phone_is_plausible("0722-123.456"));
        assert!(!phone_is_plausible("0000713486"));
        assert!(!phone_is_plausible("0254 / int. 12"));
        assert!(!phone_is_plausible("12345"));
    }

    #[test]
    fn email_shapes() {
        assert!(email_is_plausible("sclaninoasa@yahoo.com"));
        assert!(email_is_plausible("SCOALA@YAHOO.ES"));
        assert!(!email_is_plausible("a@b.ro; c@d.ro"));
        assert!(!email_is_plausible("scoala.yahoo.com"));
        assert!(!email_is_plausible("x@localhost"));
    }
}
