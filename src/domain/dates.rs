//! Dates as they arrive in case lists and decisions: real date cells, Excel serial numbers,
//! and text in the forms Romanian users write.

use chrono::{Datelike, Duration, NaiveDate};

use super::cell::Cell;
use super::text::fold;

pub const MIN_YEAR: i32 = 1990;
pub const MAX_YEAR: i32 = 2100;

/// Romanian month names and abbreviations, folded (no diacritics, lower case).
const MONTHS: &[(&str, u32)] = &[
    ("ianuarie", 1),
    ("ian", 1),
    ("februarie", 2),
    ("feb", 2),
    ("febr", 2),
    ("martie", 3),
    ("mar", 3),
    ("mart", 3),
    ("aprilie", 4),
    ("apr", 4),
    ("mai", 5),
    ("iunie", 6),
    ("iun", 6),
    ("iulie", 7),
    ("iul", 7),
    ("august", 8),
    ("aug", 8),
    ("septembrie", 9),
    ("sep", 9),
    ("sept", 9),
    ("octombrie", 10),
    ("oct", 10),
    ("noiembrie", 11),
    ("noi", 11),
    ("nov", 11),
    ("decembrie", 12),
    ("dec", 12),
];

/// A date as Romanian users read it: `dd.mm.yyyy`.
pub fn show(day: NaiveDate) -> String {
    // Pages show hundreds of dates; a plain format! is several times cheaper than strftime.
    use chrono::Datelike;
    format!("{:02}.{:02}.{:04}", day.day(), day.month(), day.year())
}

/// A date from a cell; `Ok(None)` for an empty cell.
pub fn parse_cell(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let date = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(moment) => moment.date(),
        Cell::Number(serial) => from_excel_serial(*serial)?,
        Cell::Text(text) if text.trim().is_empty() => return Ok(None),
        Cell::Text(text) => parse_text(text)?,
        other => return Err(format!("„{}” nu este o dată", other.display())),
    };
    plausible(date)
}

/// Excel's 1900 date system: day 1 is 1900-01-01 and the fictitious 1900-02-29 is day 60, so
/// later serials count from 1899-12-30.
fn from_excel_serial(serial: f64) -> Result<NaiveDate, String> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return Err(format!("{serial} nu este o dată Excel"));
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or("bază Excel invalidă")?;
    Ok(base + Duration::days(serial.trunc() as i64))
}

fn plausible(date: NaiveDate) -> Result<Option<NaiveDate>, String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(Some(date))
    } else {
        Err(format!(
            "anul {} este în afara intervalului {MIN_YEAR}–{MAX_YEAR}",
            date.year()
        ))
    }
}

/// `dd.mm.yyyy`, `dd.mm.yy`, `dd/mm/yyyy`, `yyyy-mm-dd`, `15 ian. 2024`, `15 ianuarie 2024`;
/// a time after the date is ignored.
pub fn parse_text(raw: &str) -> Result<NaiveDate, String> {
    let refuse = || format!("„{}” nu este o dată (folosiți zz.ll.aaaa)", raw.trim());
    let text = fold(raw);
    let date_part = text.split(['t', ' ']).next().unwrap_or_default();
    if let Some(date) = numeric(date_part) {
        return date.ok_or_else(refuse);
    }
    let words: Vec<&str> = text
        .split([' ', '.', ','])
        .filter(|w| !w.is_empty())
        .collect();
    if let [day, month, year, ..] = words.as_slice() {
        let month = MONTHS
            .iter()
            .find(|(name, _)| name == month)
            .map(|(_, n)| *n);
        if let (Ok(day), Some(month), Some(year)) = (day.parse(), month, full_year(year)) {
            return NaiveDate::from_ymd_opt(year, month, day).ok_or_else(refuse);
        }
    }
    Err(refuse())
}

/// Numeric forms. `None` when the text is not numeric; `Some(None)` for an impossible date.
fn numeric(text: &str) -> Option<Option<NaiveDate>> {
    if let Some((year, rest)) = text.split_once('-') {
        let (month, day) = rest.split_once('-')?;
        let (year, month, day) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
        return Some(NaiveDate::from_ymd_opt(year, month, day));
    }
    let parts: Vec<&str> = text.split(['.', '/']).collect();
    if let [day, month, year] = parts.as_slice() {
        let (day, month, year) = (day.parse().ok()?, month.parse().ok()?, full_year(year)?);
        return Some(NaiveDate::from_ymd_opt(year, month, day));
    }
    None
}

/// Two-digit years: 90–99 are 19yy, 00–89 are 20yy.
fn full_year(text: &str) -> Option<i32> {
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: i32 = text.parse().ok()?;
    match text.len() {
        2 if year >= 90 => Some(1900 + year),
        2 => Some(2000 + year),
        4 => Some(year),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn text_forms() {
        for raw in [
            "15.01.2024",
            "15.01.24",
            "15/01/2024",
            "2024-01-15",
            "15 ian. 2024",
            "15 ianuarie 2024",
            "15 IANUARIE 2024",
            "15.01.2024 10:30",
            "2024-01-15T08:00:00",
        ] {
            assert_eq!(
                parse_cell(&Cell::Text(raw.into())),
                Ok(day(2024, 1, 15)),
                "{raw}"
            );
        }
        assert_eq!(
            parse_cell(&Cell::Text("3 martie 2025".into())),
            Ok(day(2025, 3, 3))
        );
        assert_eq!(
            parse_cell(&Cell::Text("01.02.95".into())),
            Ok(day(1995, 2, 1))
        );
    }

    #[test]
    fn serials_and_cells() {
        assert_eq!(parse_cell(&Cell::Number(45306.0)), Ok(day(2024, 1, 15)));
        assert_eq!(parse_cell(&Cell::Empty), Ok(None));
        let moment = day(2024, 1, 15).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(parse_cell(&Cell::Date(moment)), Ok(day(2024, 1, 15)));
    }

    #[test]
    fn refusals() {
        for raw in [
            "31.02.2024",
            "mâine",
            "15 brumar 2024",
            "15.13.2024",
            "01.01.1989",
            "01.01.2101",
            "2024",
        ] {
            assert!(parse_cell(&Cell::Text(raw.into())).is_err(), "{raw}");
        }
        assert!(
            parse_cell(&Cell::Number(60.0)).is_err(),
            "1900 is out of range"
        );
        assert!(parse_cell(&Cell::Bool(true)).is_err());
    }
}
