//! Romanian working days and the hours mail may go out. Public holidays are computed (Codul
//! muncii art. 139), including the Orthodox Easter, Good Friday and Pentecost (Rusalii).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;

/// Orthodox Easter Sunday (Gregorian date): the Julian computus, then the 13-day calendar
/// difference valid for 1900–2099.
pub fn orthodox_easter(year: i32) -> Option<NaiveDate> {
    let (a, b, c) = (year % 4, year % 7, year % 19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    let julian =
        NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)?;
    Some(julian + Duration::days(13))
}

/// Legal public holidays of Romania in `year`.
pub fn public_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed: &[(u32, u32)] = &[
        (1, 1),
        (1, 2),
        (1, 6),
        (1, 7),
        (1, 24),
        (5, 1),
        (6, 1),
        (8, 15),
        (11, 30),
        (12, 1),
        (12, 25),
        (12, 26),
    ];
    let mut days: Vec<NaiveDate> = fixed
        .iter()
        // Bobotează and Sf. Ioan are public holidays since 2024.
        .filter(|(m, d)| year >= 2024 || !(*m == 1 && (*d == 6 || *d == 7)))
        .filter_map(|(m, d)| NaiveDate::from_ymd_opt(year, *m, *d))
        .collect();
    if let Some(easter) = orthodox_easter(year) {
        for offset in [-2, 0, 1, 49, 50] {
            days.push(easter + Duration::days(offset));
        }
    }
    days.sort();
    days
}

pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        && !public_holidays(day.year()).contains(&day)
}

/// Working days after `from` up to and including `to` (0 when `to` ≤ `from`).
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| is_working_day(*d))
        .count() as i64
}

/// The last working day on or before `day`.
/// The `n`th working day after `day` (`n` = 0: `day` itself).
pub fn working_days_after(day: NaiveDate, n: u32) -> NaiveDate {
    let mut current = day;
    let mut left = n;
    while left > 0 {
        current = current.succ_opt().unwrap_or(current);
        if is_working_day(current) {
            left -= 1;
        }
    }
    current
}

pub fn working_day_on_or_before(day: NaiveDate) -> NaiveDate {
    let mut day = day;
    while !is_working_day(day) {
        day = day.pred_opt().unwrap_or(day);
    }
    day
}

/// Mail to schools goes out only on working days from 08:00 to 18:00 local time (hours).
pub const WINDOW_START_HOUR: u32 = 8;
pub const WINDOW_END_HOUR: u32 = 18;

pub fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

pub fn in_send_window(at: DateTime<Utc>, tz: Tz) -> bool {
    let local = at.with_timezone(&tz);
    is_working_day(local.date_naive())
        && (WINDOW_START_HOUR..WINDOW_END_HOUR).contains(&local.hour())
}

/// The next moment the window opens after `at` (or `at` itself when inside it).
pub fn next_window_start(at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    if in_send_window(at, tz) {
        return at;
    }
    let mut day = local_date(at, tz);
    loop {
        if is_working_day(day) {
            // 08:00 exists every day in Bucharest (the DST jumps happen at 03:00/04:00).
            let opening = day
                .and_hms_opt(WINDOW_START_HOUR, 0, 0)
                .and_then(|t| tz.from_local_datetime(&t).earliest());
            if let Some(start) = opening {
                let start = start.with_timezone(&Utc);
                if start > at {
                    return start;
                }
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn orthodox_easter_dates() {
        // Published dates of the Romanian Orthodox Easter.
        for (year, month, day) in [
            (2023, 4, 16),
            (2024, 5, 5),
            (2025, 4, 20),
            (2026, 4, 12),
            (2027, 5, 2),
            (2028, 4, 16),
        ] {
            assert_eq!(orthodox_easter(year), Some(d(year, month, day)), "{year}");
        }
    }

    #[test]
    fn holidays_and_working_days() {
        let h2026 = public_holidays(2026);
        for day in [
            d(2026, 1, 1),
            d(2026, 1, 6),
            d(2026, 4, 10),
            d(2026, 4, 13),
            d(2026, 5, 31),
            d(2026, 6, 1),
            d(2026, 12, 1),
        ] {
            assert!(h2026.contains(&day), "{day}");
        }
        assert!(!is_working_day(d(2026, 4, 13)), "Orthodox Easter Monday");
        assert!(!is_working_day(d(2026, 12, 1)), "national day");
        assert!(!is_working_day(d(2026, 11, 28)), "Saturday");
        assert!(is_working_day(d(2026, 12, 2)));
        assert!(
            !public_holidays(2023).contains(&d(2023, 1, 6)),
            "Bobotează only from 2024"
        );
        // 27.11 (Fri) → 04.12: 30.11 and 01.12 are holidays, weekend skipped: 2, 3, 4 December.
        assert_eq!(working_days_between(d(2026, 11, 27), d(2026, 12, 4)), 3);
        assert_eq!(working_day_on_or_before(d(2026, 12, 1)), d(2026, 11, 27));
    }

    #[test]
    fn the_window_across_daylight_saving() {
        let tz = chrono_tz::Europe::Bucharest;
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.to_utc())
                .unwrap_or_default()
        };
        assert!(
            in_send_window(at("2026-03-30T05:00:00Z"), tz),
            "08:00 summer time"
        );
        assert!(
            !in_send_window(at("2026-03-27T05:59:00Z"), tz),
            "07:59 winter time"
        );
        assert!(
            in_send_window(at("2026-03-27T06:00:00Z"), tz),
            "08:00 winter time"
        );
        assert!(
            !in_send_window(at("2026-10-26T16:00:00Z"), tz),
            "18:00 winter time"
        );
        assert_eq!(
            next_window_start(at("2026-10-23T16:30:00Z"), tz),
            at("2026-10-26T06:00:00Z"),
            "Friday evening → Monday 08:00 after the change"
        );
        assert_eq!(
            next_window_start(at("2026-03-27T17:00:00Z"), tz),
            at("2026-03-30T05:00:00Z")
        );
    }
}
