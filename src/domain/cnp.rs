//! Recognising a Romanian personal numeric code (CNP) however it is written, so none is
//! stored by mistake (Law 190/2018 art. 4): `1850101-123456`, full-width digits, a
//! zero-width space between groups, `CNP:1850101123456`.

use unicode_normalization::UnicodeNormalization;

const WEIGHTS: [u32; 12] = [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9];

/// Whether 13 digits end in a CNP's check digit (weights 279146358279, remainder 10 → 1)
/// and start with a sex-and-century digit 1–9.
pub fn has_cnp_check_digit(digits: &[u32; 13]) -> bool {
    let sum: u32 = WEIGHTS.iter().zip(digits).map(|(w, d)| w * d).sum();
    let check = match sum % 11 {
        10 => 1,
        r => r,
    };
    digits[0] != 0 && digits[12] == check
}

/// Whether 13 digits also carry a CNP's month, day and county (01–52 or 70): used for the
/// windows of a longer run of digits, where a check digit alone matches one in ten.
fn is_plausible_cnp(digits: &[u32; 13]) -> bool {
    let pair = |i: usize| digits[i] * 10 + digits[i + 1];
    has_cnp_check_digit(digits)
        && (1..=12).contains(&pair(3))
        && (1..=31).contains(&pair(5))
        && ((1..=52).contains(&pair(7)) || pair(7) == 70)
}

/// True when the text is, or contains, a CNP-shaped number: its digits of any width or
/// script, read across separators (spaces, dashes, dots, invisible characters) but not
/// across letters, make a run of exactly 13 with a CNP check digit, or a longer run holds 13
/// in a row that look like a whole CNP.
pub fn contains_cnp(text: &str) -> bool {
    digit_runs(text).iter().any(|run| match run.len() {
        13 => run_window(run, 0).is_some_and(|d| has_cnp_check_digit(&d)),
        n if n > 13 => {
            (0..=n - 13).any(|i| run_window(run, i).is_some_and(|d| is_plausible_cnp(&d)))
        }
        _ => false,
    })
}

fn run_window(run: &[u32], start: usize) -> Option<[u32; 13]> {
    run.get(start..start + 13)?.try_into().ok()
}

/// The runs of digits in the text, compatibility-normalised first (full-width and
/// mathematical digits become ASCII); a letter ends a run, anything else is skipped.
fn digit_runs(text: &str) -> Vec<Vec<u32>> {
    let mut runs = vec![Vec::new()];
    for c in text.nfkc() {
        if let Some(d) = digit_value(c) {
            if let Some(run) = runs.last_mut() {
                run.push(d);
            }
        } else if c.is_alphabetic() && runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs
}

/// The value of a decimal digit of any script (the Unicode `Nd` blocks of the Basic
/// Multilingual Plane each start at a zero).
fn digit_value(c: char) -> Option<u32> {
    const ZEROS: &[u32] = &[
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
        0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
        0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
        0xFF10,
    ];
    let code = u32::from(c);
    ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&code))
        .map(|zero| code - zero)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A made-up CNP with a valid check digit: 1850101 12345 + 1.
    const CNP: &str = "1850101123451";

    #[test]
    fn the_test_cnp_is_valid() {
        let digits: Vec<u32> = CNP.chars().filter_map(|c| c.to_digit(10)).collect();
        let digits: [u32; 13] = digits.try_into().unwrap_or([0; 13]);
        assert!(has_cnp_check_digit(&digits));
    }

    #[test]
    fn every_way_of_writing_a_cnp_is_found() {
        let full_width: String = CNP
            .chars()
            .filter_map(|c| c.to_digit(10))
            .filter_map(|d| char::from_u32(0xFF10 + d))
            .collect();
        let arabic: String = CNP
            .chars()
            .filter_map(|c| c.to_digit(10))
            .filter_map(|d| char::from_u32(0x660 + d))
            .collect();
        for written in [
            CNP.to_string(),
            "1850101-123451".into(),
            "1 850101 123451".into(),
            "185.01.01.123451".into(),
            full_width,
            arabic,
            "1850101\u{200B}123451".into(),
            "CNP:1850101123451".into(),
            "CJ nr. 1850101123451 din".into(),
            format!("98{CNP}7"),
        ] {
            assert!(contains_cnp(&written), "{written}");
        }
    }

    #[test]
    fn certificate_numbers_pass() {
        for number in [
            "CJ 12345",
            "1850101123453",
            "2026/0012345",
            "185010112345",
            "AB1850101123451CD12345678901234",
        ] {
            assert_eq!(contains_cnp(number), number.starts_with("AB"), "{number}");
        }
    }
}
