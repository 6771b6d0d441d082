//! Refuses hostile files before any spreadsheet parser runs: decides the format from the
//! magic bytes, checks zip archives entry by entry (count, names, declared and actual sizes,
//! compression ratio, encryption) and the declared sheet dimensions.

use std::io::{Cursor, Read};

use super::SpreadsheetError;

/// Size limits for one imported file.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_entries: u64,
    pub max_uncompressed_total: u64,
    /// Entries above this size must not be compressed more than `max_ratio`.
    pub ratio_threshold_bytes: u64,
    pub max_ratio: u64,
    pub max_rows: u64,
    pub max_columns: u64,
    /// Cells a sheet may span (rows × columns up to its last content), as parsers of the
    /// non-streamed formats allocate that many. The national file spans 473,200.
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        Limits {
            max_file_bytes: 20 * MIB,
            max_entries: 200,
            max_uncompressed_total: 200 * MIB,
            ratio_threshold_bytes: MIB,
            max_ratio: 100,
            max_rows: 100_000,
            max_columns: 200,
            max_cells: 2_000_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Decides the format and refuses anything unsafe or unreadable.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Format, SpreadsheetError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SpreadsheetError::Empty);
    }
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(SpreadsheetError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return inspect_zip(bytes, limits);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return inspect_ole(bytes, limits);
    }
    if let Some(kind) = known_binary(bytes) {
        return Err(SpreadsheetError::NotSpreadsheet(kind.into()));
    }
    if looks_like_text(bytes) {
        return Ok(Format::Csv);
    }
    Err(SpreadsheetError::NotSpreadsheet(
        "conținut binar necunoscut".into(),
    ))
}

fn known_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"%PDF", "document PDF"),
        (b"\x89PNG", "imagine PNG"),
        (b"\xFF\xD8\xFF", "imagine JPEG"),
        (b"GIF8", "imagine GIF"),
        (b"\x7FELF", "program executabil"),
        (b"MZ", "program executabil"),
        (b"\x1F\x8B", "arhivă gzip"),
        (b"Rar!", "arhivă RAR"),
        (b"7z\xBC\xAF", "arhivă 7z"),
        (b"PK\x05\x06", "arhivă zip goală"),
        (b"{\\rtf", "document RTF"),
    ];
    MAGICS
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// Text has no NUL bytes and few control characters (UTF-16 text is allowed by its BOM).
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    !sample.contains(&0) && controls * 100 <= sample.len()
}

fn inspect_ole(bytes: &[u8], limits: &Limits) -> Result<Format, SpreadsheetError> {
    let file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| SpreadsheetError::Unreadable(format!("container OLE deteriorat ({e})")))?;
    if file.exists("/EncryptedPackage") || file.exists("/EncryptionInfo") {
        return Err(SpreadsheetError::Encrypted);
    }
    for stream in ["/Workbook", "/Book"] {
        if file.exists(stream) {
            super::xls_scan::check_workbook(bytes, stream, limits)?;
            return Ok(Format::Xls);
        }
    }
    Err(SpreadsheetError::NotSpreadsheet(
        "document OLE care nu este un registru Excel".into(),
    ))
}

/// Entries whose first bytes are kept for the dimension and shared-string checks.
fn wants_head(name: &str) -> bool {
    (name.starts_with("xl/worksheets/") && name.ends_with(".xml"))
        || name == "xl/sharedStrings.xml"
        || name == "mimetype"
        || name == "META-INF/manifest.xml"
}

/// An entry as the checks saw it: inflated as a stream (counted, never kept whole), its first
/// bytes kept when the checks read them. The parser then inflates it again from the original
/// file: a second inflate costs less than holding the sheet's XML (≈ 60 MB nationally).
struct Entry {
    name: String,
    size: u64,
    head: Vec<u8>,
}

const HEAD_BYTES: usize = 16 * 1024;

fn inspect_zip(bytes: &[u8], limits: &Limits) -> Result<Format, SpreadsheetError> {
    let declared_entries = eocd_entry_count(bytes)?;
    if declared_entries > limits.max_entries {
        return Err(SpreadsheetError::TooManyEntries(declared_entries));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| SpreadsheetError::Unreadable(format!("arhivă zip deteriorată ({e})")))?;
    if archive.len() as u64 > limits.max_entries {
        return Err(SpreadsheetError::TooManyEntries(archive.len() as u64));
    }
    check_declared(&mut archive, limits)?;
    let entries = decompress_all(&mut archive, limits)?;
    classify_zip(&entries, limits)
}

/// Reads the entry count from the end-of-central-directory record, before the zip library
/// builds its index (a forged count could make it allocate for millions of entries).
fn eocd_entry_count(bytes: &[u8]) -> Result<u64, SpreadsheetError> {
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let tail = &bytes[tail_start..];
    let pos = tail
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .ok_or_else(|| {
            SpreadsheetError::Unreadable(
                "arhivă zip incompletă (lipsește directorul central)".into(),
            )
        })?;
    let record = &tail[pos..];
    if record.len() < 22 {
        return Err(SpreadsheetError::Unreadable("arhivă zip incompletă".into()));
    }
    let total = u16::from_le_bytes([record[10], record[11]]);
    // 0xFFFF means a zip64 archive with more entries than 16 bits can count.
    Ok(if total == u16::MAX {
        u64::MAX
    } else {
        u64::from(total)
    })
}

fn check_declared(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<(), SpreadsheetError> {
    let (mut total, mut compressed_total): (u64, u64) = (0, 0);
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| SpreadsheetError::Unreadable(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| SpreadsheetError::Unreadable(e.to_string()))?
            .to_string();
        check_name(&name)?;
        if entry.encrypted() {
            return Err(SpreadsheetError::Encrypted);
        }
        check_ratio(&name, entry.size(), entry.compressed_size(), limits)?;
        total = total.saturating_add(entry.size());
        compressed_total = compressed_total.saturating_add(entry.compressed_size());
        if total > limits.max_uncompressed_total {
            return Err(SpreadsheetError::ZipBomb(format!(
                "dimensiunea declarată după dezarhivare depășește {} MiB",
                limits.max_uncompressed_total / (1024 * 1024)
            )));
        }
    }
    // Many entries just under the per-entry threshold add up: the archive as a whole must
    // keep to the same ratio, or nothing of it is inflated.
    check_ratio("arhiva", total, compressed_total, limits)
}

fn check_name(name: &str) -> Result<(), SpreadsheetError> {
    let unsafe_name = name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
        || name.contains('\0');
    if unsafe_name {
        return Err(SpreadsheetError::UnsafeEntryName(name.to_string()));
    }
    Ok(())
}

fn check_ratio(
    name: &str,
    size: u64,
    compressed: u64,
    limits: &Limits,
) -> Result<(), SpreadsheetError> {
    if size > limits.ratio_threshold_bytes
        && size > compressed.max(1).saturating_mul(limits.max_ratio)
    {
        return Err(SpreadsheetError::ZipBomb(format!(
            "„{name}” se dezarhivează la {size} octeți din {compressed} (raport peste {}:1)",
            limits.max_ratio
        )));
    }
    Ok(())
}

/// Decompresses every entry through a bounded reader: the real size must match the declared
/// one, so a lying header cannot smuggle a bomb past [`check_declared`].
fn decompress_all(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<Vec<Entry>, SpreadsheetError> {
    let mut entries = Vec::with_capacity(archive.len());
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
                SpreadsheetError::Encrypted
            }
            other => SpreadsheetError::Unreadable(other.to_string()),
        })?;
        let name = entry
            .name()
            .map_err(|e| SpreadsheetError::Unreadable(e.to_string()))?
            .to_string();
        let (declared, compressed) = (entry.size(), entry.compressed_size());
        // The budget of all entries together is enforced while inflating, not after.
        let budget = limits.max_uncompressed_total.saturating_sub(total);
        let mut limited = entry.take(declared.min(budget).saturating_add(1));
        let mut head = Vec::new();
        let actual = if name == "content.xml" {
            // The ODS sheet body: scanned as it is inflated.
            let mut counted = Counted {
                inner: &mut limited,
                count: 0,
            };
            super::ods_scan::check_content(std::io::BufReader::new(&mut counted), limits)?;
            std::io::copy(&mut counted, &mut std::io::sink()).map_err(unreadable)?;
            counted.count
        } else {
            if wants_head(&name) {
                (&mut limited)
                    .take(HEAD_BYTES as u64)
                    .read_to_end(&mut head)
                    .map_err(unreadable)?;
            }
            head.len() as u64
                + std::io::copy(&mut limited, &mut std::io::sink()).map_err(unreadable)?
        };
        if actual > declared {
            return Err(SpreadsheetError::ZipBomb(format!(
                "„{name}” este mai mare decât declară arhiva"
            )));
        }
        if actual > budget {
            return Err(SpreadsheetError::ZipBomb(
                "conținutul dezarhivat depășește limita".into(),
            ));
        }
        check_ratio(&name, actual, compressed, limits)?;
        total += actual;
        if total > limits.max_uncompressed_total {
            return Err(SpreadsheetError::ZipBomb(
                "conținutul dezarhivat depășește limita".into(),
            ));
        }
        entries.push(Entry {
            name,
            size: actual,
            head,
        });
    }
    Ok(entries)
}

/// Passes bytes through, counting them.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

fn unreadable(e: std::io::Error) -> SpreadsheetError {
    SpreadsheetError::Unreadable(format!("arhivă zip deteriorată ({e})"))
}

fn classify_zip(entries: &[Entry], limits: &Limits) -> Result<Format, SpreadsheetError> {
    let has = |name: &str| entries.iter().any(|e| e.name == name);
    if has("EncryptedPackage") {
        return Err(SpreadsheetError::Encrypted);
    }
    if has("xl/workbook.xml") {
        if has("xl/vbaProject.bin") {
            return Err(SpreadsheetError::Macros);
        }
        check_sheet_dimensions(entries, limits)?;
        check_shared_strings(entries)?;
        return Ok(Format::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Err(SpreadsheetError::NotSpreadsheet(
            "formatul xlsb nu este acceptat; salvați ca .xlsx".into(),
        ));
    }
    let is_ods = entries
        .iter()
        .any(|e| e.name == "mimetype" && e.head.starts_with(ODS_MIME));
    if is_ods {
        let manifest = entries.iter().find(|e| e.name == "META-INF/manifest.xml");
        if manifest.is_some_and(|m| contains(&m.head, b"encryption-data")) {
            return Err(SpreadsheetError::Encrypted);
        }
        return Ok(Format::Ods);
    }
    Err(SpreadsheetError::NotSpreadsheet(
        "arhivă zip care nu este un registru xlsx sau ods".into(),
    ))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The `<dimension ref="A1:Z18204"/>` every Excel sheet declares near its start.
fn check_sheet_dimensions(entries: &[Entry], limits: &Limits) -> Result<(), SpreadsheetError> {
    for entry in entries
        .iter()
        .filter(|e| e.name.starts_with("xl/worksheets/") && e.name.ends_with(".xml"))
    {
        let Some(reference) = attribute_after(&entry.head, b"<dimension", b"ref") else {
            continue;
        };
        let last = reference.rsplit(':').next().unwrap_or(&reference);
        let (columns, rows) = cell_reference(last);
        let sheet = entry.name.trim_start_matches("xl/worksheets/").to_string();
        if rows > limits.max_rows {
            return Err(SpreadsheetError::TooManyRows {
                sheet,
                rows,
                limit: limits.max_rows,
            });
        }
        if columns > limits.max_columns {
            return Err(SpreadsheetError::TooManyColumns {
                sheet,
                columns,
                limit: limits.max_columns,
            });
        }
    }
    Ok(())
}

/// calamine reserves memory for `uniqueCount` strings before reading any: a forged count
/// would allocate gigabytes. Each string takes at least 12 bytes of XML (`<si><t/></si>`).
fn check_shared_strings(entries: &[Entry]) -> Result<(), SpreadsheetError> {
    let Some(entry) = entries.iter().find(|e| e.name == "xl/sharedStrings.xml") else {
        return Ok(());
    };
    let Some(count) = attribute_after(&entry.head, b"<sst", b"uniqueCount") else {
        return Ok(());
    };
    let count: u64 = count.trim().parse().unwrap_or(u64::MAX);
    if count > entry.size / 12 + 16 {
        return Err(SpreadsheetError::ZipBomb(format!(
            "tabelul de texte declară {count} valori, imposibil pentru {} octeți",
            entry.size
        )));
    }
    Ok(())
}

/// Value of `attr="…"` inside the first `<tag …>` of `xml`.
fn attribute_after(xml: &[u8], tag: &[u8], attr: &[u8]) -> Option<String> {
    let start = xml.windows(tag.len()).position(|w| w == tag)?;
    let rest = &xml[start..];
    let end = rest.iter().position(|b| *b == b'>')?;
    let element = String::from_utf8_lossy(&rest[..end]);
    let attr = String::from_utf8_lossy(attr);
    let key = format!(" {attr}=");
    let at = element.find(&key)? + key.len();
    let quoted = &element[at..];
    let quote = quoted.chars().next()?;
    let value = quoted[1..].split(quote).next()?;
    Some(value.to_string())
}

/// `Z18204` → (26, 18204); letters are the column, digits the row.
fn cell_reference(reference: &str) -> (u64, u64) {
    let letters: String = reference
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let column = letters.to_ascii_uppercase().bytes().fold(0u64, |acc, b| {
        acc.saturating_mul(26)
            .saturating_add(u64::from(b - b'A' + 1))
    });
    let row = reference[letters.len()..].parse().unwrap_or(0);
    (column, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_reference("Z18204"), (26, 18204));
        assert_eq!(cell_reference("XFD1048576"), (16384, 1_048_576));
        assert_eq!(
            attribute_after(
                br#"<worksheet><dimension ref="A1:Z18204"/>"#,
                b"<dimension",
                b"ref"
            ),
            Some("A1:Z18204".into())
        );
    }

    #[test]
    fn text_and_binary_sniffing() {
        let limits = Limits::default();
        let format = |bytes: &[u8]| inspect(bytes, &limits);
        assert_eq!(format(b"a;b\n1;2\n"), Ok(Format::Csv));
        assert_eq!(format(b"   \n"), Err(SpreadsheetError::Empty));
        assert!(matches!(
            format(b"%PDF-1.7 ..."),
            Err(SpreadsheetError::NotSpreadsheet(_))
        ));
        assert!(matches!(
            format(&[0u8, 1, 2, 3, 0, 0]),
            Err(SpreadsheetError::NotSpreadsheet(_))
        ));
    }
}
