//! HTML (maud) and text renderings. Views render what they are given and query nothing.

pub mod auth;
pub mod calendar;
pub mod cases;
pub mod changes;
pub mod den;
pub mod errors;
pub mod imports;
pub mod layout;
pub mod links;
pub mod outbox;
pub mod overview;
pub mod portal;
pub mod privacy;
pub mod reports;
pub mod schools;
pub mod search;
pub mod settings;
pub mod staff;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// `dd.mm.yyyy HH:mm` in the user's time zone.
pub fn format_datetime(at: DateTime<Utc>, tz: Tz) -> String {
    // Lists show a hundred of these a page; a plain format! is several times cheaper.
    use chrono::Timelike;
    let local = at.with_timezone(&tz);
    let time = local.time();
    format!(
        "{} {:02}:{:02}",
        crate::domain::dates::show(local.date_naive()),
        time.hour(),
        time.minute()
    )
}

/// 18200 → `18.200` (Romanian grouping).
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A query-string value, percent-encoded.
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanian_formats() {
        assert_eq!(format_count(18200), "18.200");
        assert_eq!(format_count(256), "256");
        assert_eq!(format_count(1_234_567), "1.234.567");
        let summer = chrono::DateTime::parse_from_rfc3339("2026-07-01T21:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            format_datetime(summer, chrono_tz::Europe::Bucharest),
            "02.07.2026 00:30"
        );
    }
}
