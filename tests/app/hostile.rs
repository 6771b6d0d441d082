//! Hostile and broken files (domain.md §5, security-reliability.md §6–7): each is refused
//! as a whole with exit status 2 and a JSON error, and nothing is written.

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::Workbook;
use zip::write::SimpleFileOptions;

use super::helpers::*;

fn valid_xlsx() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let rows = [
        [
            "Cod SIIIR unitate",
            "Statut unitate",
            "Cod SIIIR PJ",
            "Denumire lunga unitate",
        ],
        ["2061100001", "PJ", "2061100001", "Școala Unu"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write(r as u32, c as u16, *value).expect("cell");
        }
    }
    workbook.save_to_buffer().expect("xlsx")
}

/// Copies a zip, letting `change` replace entry contents (`None` keeps the entry as is),
/// and appends `extra` entries.
pub fn rezip(
    bytes: &[u8],
    change: impl Fn(&str, &[u8]) -> Option<Vec<u8>>,
    extra: &[(&str, Vec<u8>)],
) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        writer.start_file(name.as_str(), options).expect("start");
        writer
            .write_all(&change(&name, &content).unwrap_or(content))
            .expect("write");
    }
    for (name, content) in extra {
        writer.start_file(*name, options).expect("start");
        writer.write_all(content).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

fn replace_in(
    entry: &'static str,
    from: &'static str,
    to: &'static str,
) -> impl Fn(&str, &[u8]) -> Option<Vec<u8>> {
    move |name, content| {
        (name == entry).then(|| {
            String::from_utf8_lossy(content)
                .replace(from, to)
                .into_bytes()
        })
    }
}

/// Rewrites header fields of one entry in both the local and the central headers.
fn patch_entry(bytes: &[u8], entry: &str, patch: impl Fn(&mut [u8], bool)) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + 46 <= out.len() {
        let (is_local, is_central) = (
            out[i..].starts_with(b"PK\x03\x04"),
            out[i..].starts_with(b"PK\x01\x02"),
        );
        if is_local || is_central {
            let (len_at, name_at) = if is_local { (26, 30) } else { (28, 46) };
            let name_len = u16::from_le_bytes([out[i + len_at], out[i + len_at + 1]]) as usize;
            if out.get(i + name_at..i + name_at + name_len) == Some(entry.as_bytes()) {
                patch(&mut out[i..], is_local);
            }
        }
        i += 1;
    }
    out
}

fn set_declared_size(bytes: &[u8], entry: &str, size: u32) -> Vec<u8> {
    patch_entry(bytes, entry, |header, is_local| {
        let at = if is_local { 22 } else { 24 };
        header[at..at + 4].copy_from_slice(&size.to_le_bytes());
    })
}

fn set_encrypted_flag(bytes: &[u8], entry: &str) -> Vec<u8> {
    patch_entry(bytes, entry, |header, is_local| {
        header[if is_local { 6 } else { 8 }] |= 1
    })
}

fn stored_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in entries {
        writer.start_file(*name, options).expect("start");
        writer.write_all(content).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

fn encrypted_ole() -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb");
    file.create_stream("/EncryptionInfo")
        .expect("stream")
        .write_all(&[4, 0, 4, 0])
        .expect("write");
    file.create_stream("/EncryptedPackage")
        .expect("stream")
        .write_all(&[0u8; 4096])
        .expect("write");
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

/// An ODS whose few bytes repeat a filled row `rows` times.
fn ods_repeat_bomb(rows: u32) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>Cod SIIIR unitate</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="string" table:number-columns-repeated="150"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    stored_zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("META-INF/manifest.xml", b"<manifest:manifest/>".to_vec()),
        ("content.xml", content.into_bytes()),
    ])
}

/// The sample .xls with a FILEPASS record after its first BOF, as a password-protected file has.
fn password_xls() -> Vec<u8> {
    let bytes = std::fs::read(test_data("hd-sample.xls")).expect("xls");
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).expect("cfb");
    let mut stream = Vec::new();
    file.open_stream("/Workbook")
        .expect("stream")
        .read_to_end(&mut stream)
        .expect("read");
    let first_record_end = 4 + usize::from(u16::from_le_bytes([stream[2], stream[3]]));
    let filepass = [0x2F, 0x00, 0x02, 0x00, 0x00, 0x00];
    stream.splice(first_record_end..first_record_end, filepass);
    file.create_stream("/Workbook")
        .expect("rewrite")
        .write_all(&stream)
        .expect("write");
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

fn big_sheet(row: u32, column: u16) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write(0, 0, "Cod SIIIR unitate").expect("cell");
    sheet.write(row, column, "x").expect("cell");
    workbook.save_to_buffer().expect("xlsx")
}

fn hostile_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let xlsx = valid_xlsx();
    let sheet = "xl/worksheets/sheet1.xml";
    let zeros = vec![0u8; 2 * 1024 * 1024];
    let many: Vec<(String, Vec<u8>)> = (0..201)
        .map(|i| (format!("f{i}.txt"), vec![b'x']))
        .collect();
    let many: Vec<(&str, Vec<u8>)> = many.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    let no_dimension_far_cell = rezip(
        &xlsx,
        |name, content| {
            (name == sheet).then(|| {
                let text = String::from_utf8_lossy(content);
                let text = text.replace(r#"<dimension ref="A1:D2"/>"#, "");
                text.replace(
                    "</row></sheetData>",
                    r#"<c r="KZ2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#,
                )
                .into_bytes()
            })
        },
        &[],
    );
    vec![
        ("empty", Vec::new(), "gol"),
        ("only spaces", b"   \r\n  ".to_vec(), "gol"),
        (
            "pdf renamed",
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec(),
            "PDF",
        ),
        (
            "png renamed",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "PNG",
        ),
        (
            "random binary",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
            "registru",
        ),
        ("truncated xlsx", xlsx[..xlsx.len() / 2].to_vec(), "zip"),
        (
            "ratio bomb",
            rezip(&xlsx, |_, _| None, &[("xl/media/image1.bin", zeros)]),
            "bombă",
        ),
        (
            "declared size over 200 MiB",
            set_declared_size(
                &stored_zip(&[("xl/workbook.xml", b"<x/>".to_vec())]),
                "xl/workbook.xml",
                300 * 1024 * 1024,
            ),
            "bombă",
        ),
        (
            "actual size above declared",
            set_declared_size(&xlsx, sheet, 10),
            "",
        ),
        ("201 entries", stored_zip(&many), "200"),
        (
            "parent path entry",
            stored_zip(&[
                ("../evil.xml", b"x".to_vec()),
                ("xl/workbook.xml", b"<x/>".to_vec()),
            ]),
            "cale",
        ),
        (
            "absolute path entry",
            stored_zip(&[
                ("/etc/evil.xml", b"x".to_vec()),
                ("xl/workbook.xml", b"<x/>".to_vec()),
            ]),
            "cale",
        ),
        (
            "zip entry encrypted",
            set_encrypted_flag(&xlsx, sheet),
            "parolă",
        ),
        ("encrypted workbook (OLE)", encrypted_ole(), "parolă"),
        ("password-protected xls", password_xls(), "parolă"),
        (
            "macro workbook",
            rezip(
                &xlsx,
                |_, _| None,
                &[("xl/vbaProject.bin", b"VBA".to_vec())],
            ),
            "macro",
        ),
        ("declared rows over limit", big_sheet(150_000, 1), "rânduri"),
        ("declared columns over limit", big_sheet(1, 250), "coloane"),
        (
            "cell beyond 200 columns without dimension",
            no_dimension_far_cell,
            "coloane",
        ),
        (
            "forged shared-string count",
            rezip(
                &xlsx,
                replace_in(
                    "xl/sharedStrings.xml",
                    "uniqueCount=\"",
                    "uniqueCount=\"4000000000",
                ),
                &[],
            ),
            "bombă",
        ),
        ("ods repeated-row bomb", ods_repeat_bomb(600_000), "rânduri"),
        (
            "ods repeated cells over the cell budget",
            ods_repeat_bomb(20_000),
            "celule",
        ),
        (
            "xls with a cell in column 256",
            std::fs::read(test_data("far-cell.xls")).expect("xls"),
            "coloane",
        ),
        (
            "xls spanning 65,000 × 150 cells",
            std::fs::read(test_data("far-row.xls")).expect("xls"),
            "celule",
        ),
        (
            "docx-like zip",
            stored_zip(&[("word/document.xml", b"<w/>".to_vec())]),
            "registru",
        ),
    ]
}

#[tokio::test]
async fn hostile_files_are_refused_whole_and_write_nothing() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&test_data("hd-sample.csv"), &[]).status, 0);
    let mut failures = Vec::new();
    for (case, bytes, expected) in hostile_files() {
        let path = write_file(&db, "upload.xlsx", &bytes);
        let path = path.to_string_lossy();
        // Every import kind goes through the same guard.
        for kind in ["schools", "cases", "designees"] {
            let run = db.cli(&["import", kind, &path, "--format", "json"]);
            let error = serde_json::from_str::<serde_json::Value>(run.stdout.trim())
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_string))
                .unwrap_or_default();
            if run.status != 2 || error.is_empty() || !error.contains(expected) {
                failures.push(format!(
                    "{kind} / {case}: status {} error {error:?} stderr {}",
                    run.status,
                    run.stderr.trim()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "not refused as expected:\n{}",
        failures.join("\n")
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 30);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM court_case").await, 0);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM designee").await, 0);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM import_batch").await, 1);
}

#[tokio::test]
async fn the_valid_base_of_the_hostile_files_is_accepted() {
    // Guards the test above: its files fail because of what was done to them.
    let db = TestDb::new().await;
    let run = db.import(&write_file(&db, "ok.xlsx", &valid_xlsx()), &[]);
    assert_eq!(
        (run.status, run.count("inserted")),
        (0, 1),
        "{}",
        run.stdout
    );
    let rezipped = rezip(&valid_xlsx(), |_, _| None, &[]);
    assert_eq!(
        db.import(&write_file(&db, "ok2.xlsx", &rezipped), &[])
            .status,
        0
    );
}

#[tokio::test]
async fn a_file_refused_after_many_valid_rows_leaves_nothing_behind() {
    // Rows are written while the file is read; the row limit trips at row 100,001 and the
    // transaction must take every written row back.
    let db = TestDb::new().await;
    assert_eq!(db.import(&test_data("hd-sample.csv"), &[]).status, 0);
    let mut csv =
        String::from("Cod SIIIR unitate,Statut unitate,Cod SIIIR PJ,Denumire lunga unitate\n");
    for i in 0..100_000u32 {
        let code = 3_061_000_000 + i;
        csv.push_str(&format!("{code},PJ,{code},Școala {i}\n"));
    }
    let run = db.import(&write_file(&db, "prea-mare.csv", csv.as_bytes()), &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("100000")),
        "{}",
        run.stdout
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 30);
}
