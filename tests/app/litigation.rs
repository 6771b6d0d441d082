//! Litigation lists, designees and the campaign, through the real binary: the sample files in
//! `imports/` carry in their `Observații` column which rows must be rejected or warned about.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};

use super::helpers::*;

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("imports")
        .join(name)
}

pub const CASES: &str = "dosare-exemplu-HD.xlsx";
pub const DESIGNEES: &str = "persoane-desemnate-exemplu-HD.xlsx";

/// Spreadsheet rows (1-based) whose `Observații` starts with `marker`.
fn marked_rows(file: &Path, marker: &str) -> BTreeSet<u64> {
    let mut workbook = open_workbook_auto(file).expect("sample opens");
    let name = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&name).expect("sheet");
    let header = range
        .rows()
        .position(|r| r.iter().any(|c| *c == "Observații"))
        .expect("header row");
    let column = range
        .rows()
        .nth(header)
        .and_then(|r| r.iter().position(|c| *c == "Observații"))
        .expect("column");
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    range
        .rows()
        .enumerate()
        .filter(
            |(_, row)| matches!(row.get(column), Some(Data::String(s)) if s.starts_with(marker)),
        )
        .map(|(i, _)| first_row + i as u64 + 1)
        .collect()
}

fn rows_of(json: &serde_json::Value, key: &str) -> BTreeSet<u64> {
    json[key]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["row"].as_u64())
        .collect()
}

fn import(db: &TestDb, kind: &str, file: &Path, extra: &[&str]) -> CliRun {
    let path = file.to_string_lossy().into_owned();
    let mut args = vec!["import", kind, path.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    db.cli(&args)
}

#[tokio::test]
async fn the_case_sample_rejects_exactly_the_marked_rows_and_is_idempotent() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let file = sample(CASES);
    let first = import(&db, "cases", &file, &[]);
    assert_eq!(first.status, 3, "{}", first.stderr);
    let report = first.json();
    assert_eq!(report["kind"], "cases");
    assert_eq!(
        report["header_row"], 3,
        "the header is found below the title"
    );
    let rejected = rows_of(&report, "rejected");
    assert_eq!(
        rejected,
        marked_rows(&file, "respins:"),
        "{}",
        serde_json::to_string_pretty(&report["rejected"]).unwrap_or_default()
    );
    let warned = rows_of(&report, "warnings");
    let expected_warnings = marked_rows(&file, "avertisment:");
    assert!(
        expected_warnings.is_subset(&warned),
        "missing warnings for {:?}",
        expected_warnings.difference(&warned).collect::<Vec<_>>()
    );
    let rows_read = report["rows_read"].as_u64().unwrap_or(0);
    let accepted = first.count("inserted");
    // Every read row is accepted, rejected, or an identical repeat (warned, counted once).
    let repeats = report["warnings"].as_array().map_or(0, |w| {
        w.iter()
            .filter(|w| w["warning"].as_str().is_some_and(|t| t.contains("identic")))
            .count()
    }) as u64;
    assert_eq!(rows_read, accepted + rejected.len() as u64 + repeats);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM case_school").await,
        accepted as i64,
        "counts are links"
    );

    let again = import(&db, "cases", &file, &[]);
    assert_eq!(
        (
            again.count("inserted"),
            again.count("updated"),
            again.count("unchanged")
        ),
        (0, 0, accepted),
        "a second run changes nothing"
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM case_school").await,
        accepted as i64
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM import_batch WHERE kind = 'cases'")
            .await,
        2
    );
}

#[tokio::test]
async fn one_case_with_many_schools_and_normalised_numbers() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    assert_eq!(import(&db, "cases", &sample(CASES), &[]).status, 3);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM court_case WHERE number = '2417/97/2026'")
            .await,
        1
    );
    let links = "SELECT COUNT(*) FROM case_school JOIN court_case ON court_case.id = case_school.case_id WHERE court_case.number = '2417/97/2026'";
    assert_eq!(
        db.scalar(links).await,
        8,
        "a union's case against eight schools is one case with eight links"
    );
    // No stored number keeps a prefix, a space or a dash.
    assert_eq!(db.scalar("SELECT COUNT(*) FROM court_case WHERE number LIKE '%r%' OR number LIKE '% %' OR number LIKE '%–%'").await, 0);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM court_case WHERE court = 'InaltaCurtedeCasatiesiJustitie'")
            .await,
        1
    );
    // The AR's row landed on its PJ, never on the AR.
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM case_school WHERE school_code = '2062102079'")
            .await,
        0
    );
    assert!(
        db.scalar("SELECT COUNT(*) FROM case_school WHERE school_code = '2061103288'")
            .await
            >= 1
    );
    // Access dates moved the schools' D.E.N. steps, once.
    let steps = db
        .scalar("SELECT COUNT(*) FROM den_step WHERE step = 'access_requested'")
        .await;
    assert!(steps > 0);
    assert_eq!(import(&db, "cases", &sample(CASES), &[]).status, 3);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM den_step WHERE step = 'access_requested'")
            .await,
        steps
    );
}

#[tokio::test]
async fn dry_run_and_strict_write_nothing() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let dry = import(&db, "cases", &sample(CASES), &["--dry-run"]);
    assert_eq!(dry.status, 3);
    assert!(
        dry.count("inserted") > 100,
        "a dry run counts what it would write"
    );
    let strict = import(&db, "cases", &sample(CASES), &["--strict"]);
    assert_eq!(strict.status, 2);
    assert!(
        strict.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("strict"))
    );
    for table in [
        "court_case",
        "case_school",
        "den_step",
        "import_batch WHERE kind <> 'schools'",
    ] {
        assert_eq!(
            db.scalar(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}

#[tokio::test]
async fn a_case_list_in_csv_from_romanian_excel_reads_the_same() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    // Windows-1250 has only the cedilla forms ş ţ: that is what such files carry.
    let text = "Situaţia litigiilor\r\n\r\nCod unitate;Număr dosar;Instanţa de judecată;Calitate procesuală;Termen;Cerere acces dosar electronic\r\n\
        2061100733;Dosar nr. 1234/97/2025;Tribunalul Hunedoara;pârât;15.01.27;\r\n\
        2061100733;55/221/2026;;reclamant;3 martie 2027;02.12.2026\r\n\
        2061100733;56/221/2026;Judecatoria Deva;reclamant;2027-02-30;\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(text);
    let run = import(&db, "cases", &write_file(&db, "litigii.csv", &bytes), &[]);
    assert_eq!(run.status, 3, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["inserted"], 2);
    assert_eq!(
        report["header_row"], 3,
        "the blank line counts as a row, as in a spreadsheet"
    );
    assert_eq!(rows_of(&report, "rejected"), BTreeSet::from([6]));
    assert_eq!(report["rejected"][0]["column"], "Termen");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM court_case WHERE court = 'JudecatoriaDEVA' AND number = '55/221/2026'").await, 1);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM den_step WHERE school_code = '2061100733' AND step = 'access_requested'").await, 1);
}

#[tokio::test]
async fn designees_import_with_history_and_warnings() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    // The account dates in the designee list need the access approvals of the case list.
    assert_eq!(import(&db, "cases", &sample(CASES), &[]).status, 3);
    let file = sample(DESIGNEES);
    let first = import(&db, "designees", &file, &[]);
    assert_eq!(first.status, 3, "{}", first.stderr);
    let report = first.json();
    assert_eq!(rows_of(&report, "rejected"), marked_rows(&file, "respins:"));
    assert!(marked_rows(&file, "avertisment:").is_subset(&rows_of(&report, "warnings")));
    let accepted = first.count("inserted") as i64;
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM designee WHERE valid_to IS NULL")
            .await,
        accepted
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM designee WHERE phone NOT LIKE '+40%'")
            .await,
        0,
        "phones are stored as +40…"
    );
    assert!(
        db.scalar("SELECT COUNT(*) FROM den_step WHERE step = 'account_created'")
            .await
            > 0
    );
    let again = import(&db, "designees", &file, &[]);
    assert_eq!(
        (
            again.count("inserted"),
            again.count("updated"),
            again.count("unchanged") as i64
        ),
        (0, 0, accepted)
    );

    // The list changes one person: the old one is kept in the history, replaced by the new.
    let first = db
        .scalar("SELECT MIN(CAST(school_code AS BIGINT)) FROM designee WHERE valid_to IS NULL")
        .await;
    let code = format!("{first:010}");
    let csv = format!(
        "Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon\r\n{code};Georgescu Dana;director adjunct;scoala@exemplu.ro;0733 111 222\r\n"
    );
    let run = import(
        &db,
        "designees",
        &write_file(&db, "schimbare.csv", csv.as_bytes()),
        &[],
    );
    assert_eq!((run.status, run.count("updated")), (0, 1), "{}", run.stdout);
    assert_eq!(
        db.scalar(&format!(
            "SELECT COUNT(*) FROM designee WHERE school_code = '{code}'"
        ))
        .await,
        2
    );
    let current = format!(
        "SELECT COUNT(*) FROM designee WHERE school_code = '{code}' AND valid_to IS NULL AND full_name = 'Georgescu Dana'"
    );
    assert_eq!(db.scalar(&current).await, 1);
    let replaced = format!(
        "SELECT COUNT(*) FROM designee WHERE school_code = '{code}' AND valid_to IS NOT NULL AND replaced_by IS NOT NULL"
    );
    assert_eq!(db.scalar(&replaced).await, 1);
    assert!(db.scalar(&format!("SELECT COUNT(*) FROM change_log WHERE school_code = '{code}' AND kind = 'designee_named' AND payload NOT LIKE '%\"before\":null%' AND payload LIKE '%Georgescu%'")).await == 1);
}

#[tokio::test]
async fn campaign_set_from_the_command_line_is_audited() {
    let db = TestDb::new().await;
    let run = db.cli(&[
        "campaign",
        "set",
        "--deadline",
        "2026-12-15",
        "--at",
        "2026-11-02T09:00:00+02:00",
        "--title",
        "Cont D.E.N. 2026",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("15.12.2026"));
    let run = db.cli(&[
        "campaign",
        "set",
        "--deadline",
        "2027-01-15",
        "--at",
        "2026-11-02T09:00:00+02:00",
    ]);
    assert_eq!(run.status, 0);
    assert!(
        run.stdout.contains("Cont D.E.N. 2026"),
        "the title is kept when not given: {}",
        run.stdout
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM campaign").await,
        1,
        "one active campaign, updated"
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM change_log WHERE kind = 'campaign_set'")
            .await,
        2
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM change_log WHERE kind = 'campaign_set' AND payload LIKE '%2026-12-15%2027-01-15%'").await, 1);
    assert_ne!(
        db.cli(&["campaign", "set", "--deadline", "15.12.2026"])
            .status,
        0,
        "the flag takes YYYY-MM-DD"
    );
}

#[test]
fn templates_in_imports_match_the_importer_columns() {
    use isj_tracker::domain::columns::template_csv;
    for (file, specs) in [
        (
            "sablon-dosare.csv",
            template_csv(isj_tracker::domain::case_import::CASE_COLUMNS),
        ),
        (
            "sablon-persoane-desemnate.csv",
            template_csv(isj_tracker::domain::designee::DESIGNEE_COLUMNS),
        ),
    ] {
        let committed =
            std::fs::read_to_string(sample(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            committed, specs,
            "{file} is out of date: regenerate it from the column list"
        );
    }
}

#[tokio::test]
async fn date_cells_follow_the_workbook_epoch_1900_or_1904() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in ["Cod SIIIR", "Nr. dosar", "Instanța", "Termen următor"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *header).expect("header");
    }
    sheet.write_string(1, 0, "2061100733").expect("code");
    sheet.write_string(1, 1, "77/97/2026").expect("number");
    sheet
        .write_string(1, 2, "Tribunalul Hunedoara")
        .expect("court");
    let date = ExcelDateTime::from_ymd(2027, 1, 15).expect("date");
    sheet
        .write_datetime_with_format(1, 3, &date, &Format::new().set_num_format("dd.mm.yyyy"))
        .expect("date cell");
    let bytes = workbook.save_to_buffer().expect("xlsx");
    let run = import(&db, "cases", &write_file(&db, "1900.xlsx", &bytes), &[]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM court_case WHERE next_hearing = '2027-01-15'")
            .await,
        1
    );

    // The same serial number in a workbook that counts from 1904 is 1,462 days later.
    let flagged = super::hostile::rezip(
        &bytes,
        |name, content| {
            (name == "xl/workbook.xml").then(|| {
                String::from_utf8_lossy(content)
                    .replace("<workbookPr", "<workbookPr date1904=\"1\"")
                    .into_bytes()
            })
        },
        &[],
    );
    let run = import(&db, "cases", &write_file(&db, "1904.xlsx", &flagged), &[]);
    assert_eq!((run.status, run.count("updated")), (0, 1), "{}", run.stdout);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM court_case WHERE next_hearing = '2031-01-16'")
            .await,
        1
    );
}
