//! The same rules whatever the container: xlsx, xls, ods (made by LibreOffice), CSV in the
//! encodings a Romanian Excel writes, headers found by their text anywhere in 30 rows.

use rust_xlsxwriter::Workbook;

use super::helpers::*;

async fn names_by_code(db: &TestDb) -> Vec<(String, String)> {
    let connection = db.connect().await;
    let mut rows: Vec<_> = listed_schools(&connection)
        .await
        .into_iter()
        .map(|s| (s.record.code.clone(), s.record.display_name().to_string()))
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn xls_ods_and_libreoffice_xlsx_read_like_the_csv() {
    let reference = TestDb::new().await;
    assert_eq!(reference.import(&test_data("hd-sample.csv"), &[]).status, 0);
    let expected = names_by_code(&reference).await;
    assert_eq!(expected.len(), 30);
    for name in ["hd-sample.xls", "hd-sample.ods", "hd-sample.xlsx"] {
        let db = TestDb::new().await;
        let run = db.import(&test_data(name), &[]);
        assert_eq!(run.status, 0, "{name}: {}", run.stdout);
        assert_eq!(run.count("inserted"), 30, "{name}");
        assert_eq!(names_by_code(&db).await, expected, "{name}");
    }
}

#[tokio::test]
async fn the_format_comes_from_the_content_not_the_name() {
    let db = TestDb::new().await;
    let csv_named_xlsx = write_file(
        &db,
        "de-fapt-csv.xlsx",
        &std::fs::read(test_data("hd-sample.csv")).expect("csv"),
    );
    assert_eq!(db.import(&csv_named_xlsx, &[]).status, 0);
    let xls_named_csv = write_file(
        &db,
        "de-fapt-xls.csv",
        &std::fs::read(test_data("hd-sample.xls")).expect("xls"),
    );
    let run = db.import(&xls_named_csv, &[]);
    assert_eq!(
        (run.status, run.count("unchanged")),
        (0, 30),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn romanian_excel_csv_encodings_and_separators() {
    let text = "\"Cod SIIIR unitate\";\"Statut unitate\";\"Cod SIIIR PJ\";\"Denumire lungă unitate\";\"Localitate unitate\"\r\n\
                \"2061100001\";\"PJ\";\"2061100001\";\"ŞCOALA GIMNAZIALĂ „Ţara Haţegului”\";\"HAŢEG\"\r\n";
    let (cp1250, _, unmappable) = encoding_rs::WINDOWS_1250.encode(text);
    assert!(!unmappable);
    let db = TestDb::new().await;
    let run = db.import(&write_file(&db, "cp1250.csv", &cp1250), &[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(
        names_by_code(&db).await[0].1,
        "ŞCOALA GIMNAZIALĂ „Ţara Haţegului”"
    );

    let comma = text
        .replace(';', ",")
        .replace('Ş', "Ș")
        .replace('Ţ', "Ț")
        .replace('ţ', "ț");
    let (latin10, _, unmappable) = encoding_rs::ISO_8859_16.encode(&comma);
    assert!(!unmappable);
    let db = TestDb::new().await;
    assert_eq!(
        db.import(&write_file(&db, "latin10.csv", &latin10), &[])
            .status,
        0
    );
    assert_eq!(
        names_by_code(&db).await[0].1,
        "ȘCOALA GIMNAZIALĂ „Țara Hațegului”"
    );

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(comma.as_bytes());
    let db = TestDb::new().await;
    assert_eq!(db.import(&write_file(&db, "bom.csv", &bom), &[]).status, 0);
    assert_eq!(
        names_by_code(&db).await[0].1,
        "ȘCOALA GIMNAZIALĂ „Țara Hațegului”"
    );
}

/// A workbook whose first sheet is notes, and whose data sheet has a title row, the header on
/// row 2 in another order with folded spellings, numeric codes, an empty row and a total.
fn awkward_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet().set_name("Note").expect("sheet");
    notes
        .write(0, 0, "Lista unităților, vezi foaia Date")
        .expect("cell");
    let sheet = workbook.add_worksheet().set_name("Date").expect("sheet");
    sheet.write(0, 0, "Rețea școlară 2024-2025").expect("cell");
    let headers = [
        "denumire LUNGĂ unitate.",
        "STATUT  UNITATE",
        "Cod SIIIR unitate",
        "Cod Siiir PJ",
        "Județ PJ",
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet.write(1, column as u16, *header).expect("cell");
    }
    sheet.write(2, 0, "Liceul din Alba").expect("cell");
    sheet.write(2, 1, "PJ").expect("cell");
    sheet.write(2, 2, 161102892).expect("cell");
    sheet.write(2, 3, 161102892).expect("cell");
    sheet.write(2, 4, "AB").expect("cell");
    sheet.write(4, 0, "Grădinița arondată").expect("cell");
    sheet.write(4, 1, "ar").expect("cell");
    sheet.write(4, 2, "0162102893").expect("cell");
    sheet.write(4, 3, "0161102892").expect("cell");
    sheet.write(4, 4, "AB").expect("cell");
    sheet.write(6, 0, "TOTAL").expect("cell");
    sheet.write(6, 2, 2).expect("cell");
    workbook.save_to_buffer().expect("xlsx")
}

#[tokio::test]
async fn header_found_by_text_on_a_later_sheet_with_numeric_codes_padded() {
    let db = TestDb::new().await;
    let run = db.import(&write_file(&db, "lista.xlsx", &awkward_workbook()), &[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let report = run.json();
    assert_eq!(
        (report["sheet"].as_str(), report["header_row"].as_u64()),
        (Some("Date"), Some(2))
    );
    assert_eq!(
        report["rows_read"], 2,
        "empty row and total row are not data"
    );
    assert_eq!(report["inserted"], 2);
    let warnings = report["warnings"].as_array().cloned().unwrap_or_default();
    assert!(
        warnings.iter().any(|w| w["row"] == 3
            && w["column"] == "Cod SIIIR unitate"
            && w["value"] == "161102892"),
        "{warnings:?}"
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE code = '0161102892' AND status = 'PJ'")
            .await,
        1
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE pj_code = '0161102892' AND status = 'AR'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_missing_required_column_refuses_the_file() {
    let db = TestDb::new().await;
    let csv = "\"Judet PJ\",\"Cod SIIIR unitate\",\"Cod SIIIR PJ\",\"Denumire lunga unitate\"\r\n\"HD\",\"2061100001\",\"2061100001\",\"X\"\r\n";
    let run = db.import(&write_file(&db, "fara-statut.csv", csv.as_bytes()), &[]);
    assert_eq!(run.status, 2);
    assert!(
        run.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("Statut unitate")),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.is_empty());

    let no_header = db.import(&write_file(&db, "oarecare.csv", b"a,b,c\n1,2,3\n"), &[]);
    assert_eq!(no_header.status, 2);
    assert!(
        no_header.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("antet"))
    );

    let no_county_column = db.import(&test_data("hd-sample.csv"), &[]);
    assert_eq!(no_county_column.status, 0);
    let csv = "\"Cod SIIIR unitate\",\"Statut unitate\",\"Cod SIIIR PJ\",\"Denumire lunga unitate\"\r\n\"2061100001\",\"PJ\",\"2061100001\",\"X\"\r\n";
    let filtered = db.import(
        &write_file(&db, "fara-judet.csv", csv.as_bytes()),
        &["--county", "HD"],
    );
    assert_eq!(
        filtered.status, 2,
        "the county filter needs the Judet PJ column"
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 30);
}
