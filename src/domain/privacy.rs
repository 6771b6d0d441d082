//! Personal data by the law (GDPR art. 5(1)(e), 13, 15, 17; Law 190/2018): how long the
//! register keeps designees' and declared contacts' data, whom people ask about it (the data
//! protection officer, for the information notice), and what an export of one person holds.

use chrono::{DateTime, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::report_table::{Report, Table, Value, col};
use super::text::{one_line, typed};

/// Where the information notice (GDPR art. 13) lives; director pages and school mails link to it.
pub const NOTICE_PATH: &str = "/confidentialitate";

/// What replaces a person's name, function or certificate number once the rule applies.
pub const ANONYMISED: &str = "anonimizat";

/// Years a value may be set to: the rule must keep data a while, and never forever.
pub const PERSONAL_YEARS: std::ops::RangeInclusive<u32> = 1..=10;
pub const CERTIFICATE_MONTHS: std::ops::RangeInclusive<u32> = 1..=36;

/// How long personal data is kept after it stopped being needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetentionRule {
    /// Designees and declared contacts: years after the school's designee changed (the old
    /// one), or after the school's last case (or the contact's case) closed.
    pub personal_years: u32,
    /// Criminal-record certificate numbers: months after the certificate expired.
    pub certificate_months: u32,
}

impl Default for RetentionRule {
    fn default() -> RetentionRule {
        RetentionRule {
            personal_years: 3,
            certificate_months: 6,
        }
    }
}

/// The first instant that is no longer past keeping: an event before it has expired.
fn keep_from(today: NaiveDate, months: u32, tz: Tz) -> DateTime<Utc> {
    let day = today
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
        .succ_opt()
        .unwrap_or(today);
    start_of_day(day, tz)
}

/// Local midnight of `day` as UTC (the first valid instant, on a DST gap).
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

impl RetentionRule {
    /// Designees replaced, and cases closed, before this instant are past keeping today
    /// (counted in local days: on the anniversary day the data goes).
    pub fn personal_cutoff(&self, today: NaiveDate, tz: Tz) -> DateTime<Utc> {
        keep_from(today, self.personal_years.saturating_mul(12), tz)
    }

    /// Certificates valid until this day or earlier are past keeping today.
    pub fn certificate_cutoff(&self, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_months(Months::new(self.certificate_months))
            .unwrap_or(NaiveDate::MIN)
    }

    pub fn describe(&self) -> String {
        format!(
            "persoane desemnate și contacte: {} ani; numere de cazier: {} luni după expirare",
            self.personal_years, self.certificate_months
        )
    }
}

/// The data protection officer, as the information notice names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DpoContact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacySettings {
    pub rule: RetentionRule,
    pub dpo: DpoContact,
}

/// What the *Setări* form sends, as typed.
pub struct PrivacyForm<'a> {
    pub personal_years: &'a str,
    pub certificate_months: &'a str,
    pub dpo_name: &'a str,
    pub dpo_email: &'a str,
    pub dpo_phone: &'a str,
}

/// A refused form: the field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyFormError {
    pub field: &'static str,
    pub message: String,
}

fn whole(
    field: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<u32>,
    unit: &str,
) -> Result<u32, PrivacyFormError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| PrivacyFormError {
            field,
            message: format!(
                "alegeți un număr întreg de {unit} între {} și {}",
                range.start(),
                range.end()
            ),
        })
}

impl PrivacyForm<'_> {
    pub fn checked(&self) -> Result<PrivacySettings, PrivacyFormError> {
        let text = |field: &'static str, value: &str| {
            typed(value)
                .map(|t| one_line(&t))
                .map_err(|e| PrivacyFormError {
                    field,
                    message: e.to_string(),
                })
        };
        let email = text("dpo_email", self.dpo_email)?;
        let email = if email.is_empty() {
            email
        } else {
            super::email::parse(&email).map_err(|e| PrivacyFormError {
                field: "dpo_email",
                message: format!("e-mailul responsabilului: {e}"),
            })?
        };
        Ok(PrivacySettings {
            rule: RetentionRule {
                personal_years: whole(
                    "personal_years",
                    self.personal_years,
                    PERSONAL_YEARS,
                    "ani",
                )?,
                certificate_months: whole(
                    "certificate_months",
                    self.certificate_months,
                    CERTIFICATE_MONTHS,
                    "luni",
                )?,
            },
            dpo: DpoContact {
                name: text("dpo_name", self.dpo_name)?,
                email,
                phone: text("dpo_phone", self.dpo_phone)?,
            },
        })
    }
}

impl PrivacySettings {
    pub fn describe(&self) -> String {
        let dpo = [&self.dpo.name, &self.dpo.email, &self.dpo.phone]
            .into_iter()
            .filter(|v| !v.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "{}; responsabil cu protecția datelor: {}",
            self.rule.describe(),
            if dpo.is_empty() { "—".into() } else { dpo }
        )
    }
}

/// The person an export or an erasure is about: one e-mail address or one phone number, as
/// stored (normalised the way every door stores them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Email(String),
    Phone(String),
}

impl Subject {
    pub fn email(raw: &str) -> Result<Subject, String> {
        super::email::parse(raw)
            .map(Subject::Email)
            .map_err(|e| e.to_string())
    }

    pub fn phone(raw: &str) -> Result<Subject, String> {
        super::designee::normalise_phone(raw).map(Subject::Phone)
    }

    pub fn value(&self) -> &str {
        match self {
            Subject::Email(v) | Subject::Phone(v) => v,
        }
    }

    /// Enough to tell two requests apart in the audit trail, not enough to reach the person.
    pub fn masked(&self) -> String {
        match self {
            Subject::Email(v) => match v.split_once('@') {
                Some((local, domain)) => {
                    format!("{}***@{domain}", local.chars().next().unwrap_or('*'))
                }
                None => "***".into(),
            },
            Subject::Phone(v) => {
                let tail: String = v
                    .chars()
                    .rev()
                    .take(3)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("***{tail}")
            }
        }
    }
}

/// One stored value: JSON carries it as stored (instants in RFC 3339 UTC, days ISO), pages
/// and workbooks show it the Romanian way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    At(DateTime<Utc>),
    Day(NaiveDate),
    Number(i64),
    Empty,
}

impl Cell {
    /// As people read it: `dd.mm.yyyy`, instants in local time.
    pub fn shown(&self, tz: Tz) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::At(at) => at.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string(),
            Cell::Day(day) => day.format("%d.%m.%Y").to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }

    fn value(&self, tz: Tz) -> Value {
        match self {
            Cell::Day(day) => Value::Date(Some(*day)),
            Cell::Number(n) => Value::Int(*n),
            other => Value::Code(other.shown(tz)),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.into())
    }
}

impl From<DateTime<Utc>> for Cell {
    fn from(at: DateTime<Utc>) -> Cell {
        Cell::At(at)
    }
}

impl From<NaiveDate> for Cell {
    fn from(day: NaiveDate) -> Cell {
        Cell::Day(day)
    }
}

impl From<i32> for Cell {
    fn from(n: i32) -> Cell {
        Cell::Number(n.into())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Cell {
        value.map_or(Cell::Empty, Into::into)
    }
}

/// The rows of one table that hold the person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldTable {
    pub table: &'static str,
    pub title: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// Everything stored about one person (GDPR art. 15): only tables that hold them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonalDataExport {
    pub subject: String,
    pub generated_at: DateTime<Utc>,
    pub tables: Vec<HeldTable>,
}

/// Long texts wide, numbers narrow, the rest enough for an address.
fn column_width(column: &str) -> f64 {
    match column {
        "text" | "conținut (JSON)" => 80.0,
        "id" | "versiune" | "rânduri" => 9.0,
        _ => 18.0,
    }
}

impl PersonalDataExport {
    pub fn rows(&self) -> usize {
        self.tables.iter().map(|t| t.rows.len()).sum()
    }

    /// As a workbook: a contents sheet, then one sheet per table that holds the person.
    pub fn report(&self, tz: Tz) -> Report {
        let contents = Table {
            sheet: "Cuprins".into(),
            columns: vec![
                col("Tabel", 22.0),
                col("Ce conține", 50.0),
                col("Rânduri", 10.0),
            ],
            rows: self
                .tables
                .iter()
                .map(|t| {
                    vec![
                        Value::Code(t.table.into()),
                        Value::text(t.title),
                        Value::Int(t.rows.len() as i64),
                    ]
                })
                .collect(),
        };
        let sheets = self.tables.iter().map(|t| Table {
            sheet: t.table.into(),
            columns: t.columns.iter().map(|c| col(c, column_width(c))).collect(),
            rows: t
                .rows
                .iter()
                .map(|r| r.iter().map(|v| v.value(tz)).collect())
                .collect(),
        });
        Report {
            name: "date-personale".into(),
            title: "Date personale stocate despre o persoană".into(),
            filter: format!("Persoana: {}", self.subject),
            generated_at: self
                .generated_at
                .with_timezone(&tz)
                .format("%d.%m.%Y %H:%M")
                .to_string(),
            tables: std::iter::once(contents).chain(sheets).collect(),
            summary: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_anniversary_day_is_the_first_day_data_is_past_keeping() {
        let tz = chrono_tz::Europe::Bucharest;
        let rule = RetentionRule::default();
        let cutoff = rule.personal_cutoff(d(2029, 12, 8), tz);
        // Replaced on 08.12.2026 late evening local time (UTC still the same day): kept until
        // the day turns, gone on 08.12.2029.
        let evening = start_of_day(d(2026, 12, 8), tz) + chrono::Duration::hours(23);
        assert!(evening < cutoff);
        let next_morning = start_of_day(d(2026, 12, 9), tz);
        assert!(next_morning >= cutoff);
        assert_eq!(rule.certificate_cutoff(d(2026, 12, 8)), d(2026, 6, 8));
    }

    #[test]
    fn the_form_refuses_forever_and_a_bad_address() {
        let form = |years, email| PrivacyForm {
            personal_years: years,
            certificate_months: "6",
            dpo_name: "Ioana Pop",
            dpo_email: email,
            dpo_phone: "0254 000 000",
        };
        assert_eq!(form("0", "").checked().unwrap_err().field, "personal_years");
        assert_eq!(
            form("99", "").checked().unwrap_err().field,
            "personal_years"
        );
        assert_eq!(form("3", "dpo@").checked().unwrap_err().field, "dpo_email");
        let ok = form("5", "DPO@isjhd.ro").checked().unwrap();
        assert_eq!(ok.rule.personal_years, 5);
        assert_eq!(ok.dpo.email, "dpo@isjhd.ro");
    }

    #[test]
    fn a_masked_subject_cannot_reach_the_person() {
        let email = Subject::email("Ana.Pop@Scoala.ro").unwrap();
        assert_eq!(email.value(), "ana.pop@scoala.ro");
        assert_eq!(email.masked(), "a***@scoala.ro");
        let phone = Subject::phone("0722 123 456").unwrap();
        assert!(phone.masked().ends_with("456") && !phone.masked().contains("0722"));
    }
}
