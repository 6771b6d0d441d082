//! CSV as saved by a Romanian Excel: UTF-8 with or without BOM, UTF-16, Windows-1250 or
//! ISO-8859-16; `,`, `;` or tab separated.

use encoding_rs::{Encoding, ISO_8859_16, WINDOWS_1250};

use super::{Feed, HeaderFinder, Limits, RowSink, SheetReader, SpreadsheetError};
use crate::domain::cell::Cell;

/// Streams the CSV into the sink; false when no header was found.
pub(crate) fn read<S: RowSink>(
    bytes: &[u8],
    limits: &Limits,
    finder: &mut HeaderFinder,
    sink: &mut S,
) -> Result<bool, S::Error> {
    let text = decode(bytes);
    let separator = detect_separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut sheet = SheetReader::new(None, limits);
    // A spreadsheet program shows blank lines as empty rows while the CSV reader skips them;
    // count them so row numbers are the ones the user sees.
    let mut rows = RowCounter::default();
    for (records, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            SpreadsheetError::Unreadable(format!(
                "CSV invalid la înregistrarea {}: {e}",
                records + 1
            ))
        })?;
        let index = rows.next(&text, &record);
        let cells = record
            .iter()
            .map(|field| Cell::Text(field.to_string()))
            .collect();
        if let Feed::GiveUp = sheet.feed(index, cells, finder, sink)? {
            break;
        }
    }
    Ok(sheet.header_found())
}

/// 0-based spreadsheet row of each record, counting the blank lines the CSV reader skips
/// (they sit between the previous record and this one); a record with a line break inside a
/// quoted field is still one row.
#[derive(Default)]
struct RowCounter {
    row: Option<u32>,
}

impl RowCounter {
    fn next(&mut self, text: &str, record: &csv::StringRecord) -> u32 {
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        let blank = blank_lines_at(text.as_bytes(), start);
        let index = match self.row {
            None => blank,
            Some(previous) => previous + 1 + blank,
        };
        self.row = Some(index);
        index
    }
}

/// Line ends (`\r\n`, `\r` or `\n`, each counted once) starting at `start`; a `\n` that
/// completes the previous line's `\r` does not count.
fn blank_lines_at(bytes: &[u8], start: usize) -> u32 {
    let mut i = start;
    if i > 0 && bytes.get(i - 1) == Some(&b'\r') && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut count = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' => {
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            b'\n' => i += 1,
            _ => break,
        }
        count += 1;
    }
    count
}

/// Decodes the file. Without a BOM and not valid UTF-8, picks the single-byte Romanian
/// code page whose reading yields more Romanian letters.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let candidates = [WINDOWS_1250, ISO_8859_16];
    let decoded: Vec<String> = candidates
        .iter()
        .map(|e| e.decode_without_bom_handling(bytes).0.into_owned())
        .collect();
    decoded
        .into_iter()
        .max_by_key(|t| romanian_score(t))
        .unwrap_or_default()
}

fn romanian_score(text: &str) -> i64 {
    text.chars()
        .map(|c| match c {
            'ă' | 'â' | 'î' | 'ș' | 'ț' | 'ş' | 'ţ' | 'Ă' | 'Â' | 'Î' | 'Ș' | 'Ț' | 'Ş' | 'Ţ'
            | '„' | '”' => 2,
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => -5,
            c if c.is_ascii() => 0,
            _ => -1,
        })
        .sum()
}

/// The separator that occurs most often outside quotes in the first 30 lines.
fn detect_separator(text: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut in_quotes = false;
    for c in text
        .lines()
        .take(30)
        .flat_map(|l| l.bytes().chain(std::iter::once(b'\n')))
    {
        match c {
            b'"' => in_quotes = !in_quotes,
            b'\n' => in_quotes = false,
            _ if !in_quotes => {
                if let Some(entry) = counts.iter_mut().find(|(sep, _)| *sep == c) {
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(sep, _)| *sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_romanian_code_pages() {
        let (cp1250, _, _) = WINDOWS_1250.encode("ŞCOALA „Ţara Haţegului” Brăila");
        assert_eq!(decode(&cp1250), "ŞCOALA „Ţara Haţegului” Brăila");
        let (latin10, _, _) = ISO_8859_16.encode("Școala „Țara Hațegului” Brăila");
        assert_eq!(
            crate::domain::text::fold(&decode(&latin10)),
            "scoala tara hategului braila"
        );
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("Țară".as_bytes());
        assert_eq!(decode(&bom), "Țară");
    }

    #[test]
    fn row_numbers_count_blank_lines_but_not_breaks_inside_quotes() {
        for text in [
            "titlu\n\nA;B\n1;\"două\nlinii\"\n\n3;x\n",
            "titlu\r\n\r\nA;B\r\n1;\"două\r\nlinii\"\r\n\r\n3;x\r\n",
        ] {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(b';')
                .from_reader(text.as_bytes());
            let mut rows = RowCounter::default();
            let numbers: Vec<u32> = reader
                .records()
                .filter_map(Result::ok)
                .map(|r| rows.next(text, &r))
                .collect();
            assert_eq!(numbers, vec![0, 2, 3, 5], "{text:?}");
        }
    }

    #[test]
    fn separators() {
        assert_eq!(detect_separator("a;b;c\n1;2;3"), b';');
        assert_eq!(detect_separator("\"a;x\",b,c\n1,2,3"), b',');
        assert_eq!(detect_separator("a\tb\n"), b'\t');
    }
}
