//! Text normalisation shared by importers and search.
//!
//! Official files mix cedilla (ş ţ) and comma-below (ș ț) letters, even inside one name,
//! so values are stored as received (NFC) and compared on a folded key.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Trims, NFC-normalises, turns non-breaking spaces and control characters (but line feeds
/// and tabs) into plain spaces and drops invisible ones ([`is_invisible`]); `None` when empty. For text from
/// files and the portal, which is taken as it comes; typed text goes through [`typed`].
pub fn clean(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || is_space(c));
    if trimmed.is_empty() {
        return None;
    }
    // Most cells are already clean: copy them once instead of re-normalising.
    let already_clean = (trimmed.is_ascii()
        && !trimmed
            .bytes()
            .any(|b| b.is_ascii_control() && b != b'\n' && b != b'\t'))
        || (is_nfc_quick(trimmed.chars()) == IsNormalized::Yes
            && !trimmed.chars().any(|c| is_space(c) || is_hidden(c)));
    if already_clean {
        return Some(trimmed.to_string());
    }
    let text: String = trimmed
        .nfc()
        .map(|c| {
            let blank = is_space(c) || (c.is_control() && c != '\n' && c != '\t');
            if blank { ' ' } else { c }
        })
        .filter(|c| !is_invisible(*c))
        .collect();
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// A character no one sees that changes how text is shown, searched or compared:
/// bidirectional controls (U+202A–202E, U+2066–2069, U+200E, U+200F, U+061C), zero-width
/// characters (U+200B–200D, U+2060, U+FEFF), the soft hyphen, variation selectors, tags and
/// the other invisible format characters.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Invisible or control: what makes a value need more than a copy.
fn is_hidden(c: char) -> bool {
    is_invisible(c) || c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Why typed text is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedTextError {
    #[error(
        "textul conține un caracter de control (U+{code:04X}, la poziția {position}), care nu se poate păstra; scrieți textul din nou, fără el"
    )]
    Control { code: u32, position: usize },
}

/// Person-facing text as typed at a door (a form, a director's link, the command line):
/// NFC, invisible characters removed, line ends as `\n`, tabs and other blank controls as
/// spaces; any other control character, a lone carriage return included, is refused.
/// Fields of one line then collapse their white space ([`one_line`]).
pub fn typed(raw: &str) -> Result<String, TypedTextError> {
    if raw.is_ascii() && !raw.bytes().any(|b| b.is_ascii_control()) {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.nfc().enumerate().peekable();
    while let Some((position, c)) = chars.next() {
        match c {
            '\r' if chars.peek().is_some_and(|(_, next)| *next == '\n') => {}
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' => out.push(' '),
            c if is_invisible(c) => {}
            c if c.is_control() => {
                return Err(TypedTextError::Control {
                    code: u32::from(c),
                    position: position + 1,
                });
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// One line of typed text: every run of white space, line ends included, is one space.
pub fn one_line(typed: &str) -> String {
    typed
        .split(|c: char| c.is_whitespace() || is_space(c))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Like [`clean`], but keeps the allocation when the text is already clean.
pub fn clean_owned(raw: String) -> Option<String> {
    let untouched = !raw.starts_with(char::is_whitespace)
        && !raw.ends_with(char::is_whitespace)
        && !raw.is_empty()
        && (raw.is_ascii()
            || (is_nfc_quick(raw.chars()) == IsNormalized::Yes && !raw.chars().any(is_space)));
    if untouched { Some(raw) } else { clean(&raw) }
}

/// True when the text has nothing but white space.
pub fn is_blank(raw: &str) -> bool {
    raw.chars().all(|c| c.is_whitespace() || is_space(c))
}

/// Lower case, no diacritics (cedilla and comma-below both vanish), typographic quotes folded
/// to nothing, runs of white space collapsed to one space.
pub fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if is_quote(c) {
            continue;
        }
        if is_space(c) || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        push_folded(&mut out, c);
    }
    out
}

/// Appends one character without its diacritics, in lower case. ASCII and the Romanian
/// letters take a fast path; anything else goes through canonical decomposition.
fn push_folded(out: &mut String, c: char) {
    let base = match c {
        'a'..='z' | '0'..='9' => c,
        'A'..='Z' => c.to_ascii_lowercase(),
        'ă' | 'â' | 'Ă' | 'Â' => 'a',
        'î' | 'Î' => 'i',
        'ș' | 'ş' | 'Ș' | 'Ş' => 's',
        'ț' | 'ţ' | 'Ț' | 'Ţ' => 't',
        c if c.is_ascii() => c,
        c => {
            for d in std::iter::once(c)
                .nfd()
                .filter(|d| !is_combining_mark(*d) && !is_quote(*d))
            {
                out.extend(d.to_lowercase());
            }
            return;
        }
    };
    out.push(base);
}

/// Only the letters and digits of [`fold`]: names compared with spaces, quotes, dots and
/// dashes ignored too (`Alba-Iulia` = `ALBA IULIA`, `Școala „X”` = `scoala x`).
pub fn compact(raw: &str) -> String {
    fold(raw).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// "o zi", "7 zile", "22 de zile": Romanian puts "de" after numbers ending in 20–99 or 00.
pub fn days(n: i64) -> String {
    match n.abs() {
        1 => "o zi".into(),
        m if m % 100 >= 20 || (m % 100 == 0 && m > 0) => format!("{n} de zile"),
        _ => format!("{n} zile"),
    }
}

/// Folds a column header: like [`fold`], and dots or colons ending a word do not count
/// (`Mediu loc. PJ` = `mediu loc pj`, `Nr. dosar:` = `nr dosar`).
pub fn fold_header(raw: &str) -> String {
    fold(raw)
        .split(' ')
        .map(|word| word.trim_end_matches(['.', ':']))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// UTF-8 Romanian letters read once as Windows-1252/1250 (`È™` for `ș`, `Äƒ` for `ă`).
pub fn looks_mojibake(text: &str) -> bool {
    const BROKEN: &[&str] = &[
        "È™", "È›", "È˜", "Èš", "Äƒ", "Ä‚", "Ã¢", "Ã‚", "Ã®", "ÃŽ", "ÅŸ", "Åž", "Å£", "Å¢", "â€ž",
        "â€",
    ];
    text.contains(['È', 'Ä', 'Ã', 'Å', '€']) && BROKEN.iter().any(|b| text.contains(b))
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{200B}' | '\u{FEFF}'
    )
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '„' | '”' | '“' | '«' | '»' | '‘' | '’' | '‚' | '`'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cedilla_and_comma_below_fold_alike() {
        assert_eq!(fold("HAŢEG"), fold("Hațeg"));
        assert_eq!(fold("HAŢEG"), "hateg");
        assert_eq!(fold("ŞCOALA  „Avram Iancu”"), "scoala avram iancu");
        assert_eq!(fold("Sfânta Vineri Î"), "sfanta vineri i");
        assert_eq!(fold("Ödön Ñandú s\u{0327}"), "odon nandu s");
    }

    #[test]
    fn header_folding_ignores_trailing_dots_and_spaces() {
        assert_eq!(fold_header(" Mediu  loc.\u{a0}PJ "), "mediu loc pj");
        assert_eq!(fold_header("Nr. dosar."), "nr dosar");
        assert_eq!(fold_header("Mediu loc PJ"), fold_header("Mediu loc. PJ"));
    }

    #[test]
    fn mojibake_is_recognised() {
        let broken: String = encoding_rs::WINDOWS_1252
            .decode("Școală „Țară”".as_bytes())
            .0
            .into_owned();
        assert!(looks_mojibake(&broken), "{broken}");
        assert!(!looks_mojibake(
            "ȘCOALA GIMNAZIALĂ „Ţara Haţegului” Brăila Â Î"
        ));
    }

    #[test]
    fn typed_text_drops_the_invisible_and_refuses_controls() {
        assert_eq!(
            typed("Pop\u{202E}escu\u{200B} Ana\u{200F}"),
            Ok("Popescu Ana".into())
        );
        assert_eq!(typed("a\r\nb\tc"), Ok("a\nb c".into()));
        assert_eq!(typed("s\u{0326}"), Ok("ș".into()));
        assert_eq!(
            typed("Fond\rSUMMARY:X"),
            Err(TypedTextError::Control {
                code: 13,
                position: 5
            })
        );
        assert!(typed("a\u{0}b").is_err());
        assert!(typed("a\u{1b}[31m").is_err());
        assert!(typed("a\u{9b}b").is_err(), "C1 control");
        assert_eq!(one_line(" Pop \n  Ana\u{a0}Maria "), "Pop Ana Maria");
    }

    #[test]
    fn clean_drops_invisible_and_blanks_controls() {
        assert_eq!(clean("\u{202E}Deva\u{200F}"), Some("Deva".into()));
        assert_eq!(clean("Fond\rX"), Some("Fond X".into()));
    }

    #[test]
    fn clean_trims_and_normalises() {
        assert_eq!(clean("  Scolii\u{a0}"), Some("Scolii".to_string()));
        assert_eq!(clean(" \u{a0} "), None);
        // "s" + combining comma below becomes the precomposed letter.
        assert_eq!(clean("s\u{0326}"), Some("ș".to_string()));
    }
}
