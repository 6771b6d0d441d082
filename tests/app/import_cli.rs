//! `isj-tracker import schools` on the real Ministry files: counts, idempotency, exit
//! statuses, county deactivation, dry run and strict mode.

use super::helpers::*;

#[tokio::test]
async fn national_file_for_hunedoara_then_again_then_the_csv() {
    let db = TestDb::new().await;
    let first = db.import(&national_xlsx(), &["--county", "HD"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let report = first.json();
    assert_eq!(report["sheet"], "Export");
    assert_eq!(report["header_row"], 4);
    assert_eq!(report["rows_read"], 18200);
    assert_eq!(report["skipped"], 17944);
    assert_eq!(report["inserted"], 256);
    assert_eq!(report["rejected"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE status = 'PJ'")
            .await,
        129
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE status = 'AR'")
            .await,
        127
    );
    // The CIF that fails its check digit is a warning with row, column and value.
    let warnings = report["warnings"].as_array().cloned().unwrap_or_default();
    assert!(warnings.iter().any(|w| w["column"] == "Cod fiscal"
        && w["value"] == "529111"
        && w["row"].as_u64() > Some(4)));

    let second = db.import(&national_xlsx(), &["--county", "HD"]);
    assert_eq!(second.status, 0);
    assert_eq!(
        (
            second.count("inserted"),
            second.count("updated"),
            second.count("unchanged")
        ),
        (0, 0, 256)
    );

    // The county CSV carries the same data: nothing to change.
    let csv = db.import(&hd_csv(), &[]);
    assert_eq!(csv.status, 0, "{}", csv.stderr);
    assert_eq!(
        (
            csv.count("inserted"),
            csv.count("updated"),
            csv.count("unchanged")
        ),
        (0, 0, 256)
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM import_batch").await, 3);
}

#[tokio::test]
async fn csv_first_then_xlsx_gives_identical_rows() {
    let from_csv = TestDb::new().await;
    assert_eq!(from_csv.import(&hd_csv(), &[]).status, 0);
    let from_xlsx = TestDb::new().await;
    assert_eq!(
        from_xlsx
            .import(&national_xlsx(), &["--county", "hd"])
            .status,
        0
    );
    let dump = |db: &TestDb| {
        let db_url = db.url.clone();
        async move {
            let connection = isj_tracker::db::connect(&db_url).await.expect("connect");
            listed_schools(&connection)
                .await
                .into_iter()
                .map(|s| s.record)
                .collect::<Vec<_>>()
        }
    };
    let (a, b) = (dump(&from_csv).await, dump(&from_xlsx).await);
    assert_eq!(a.len(), 50);
    assert_eq!(a, b);
    // Stored as received: trimmed, cedilla kept, codes as text.
    let aninoasa = a
        .iter()
        .find(|r| r.code == "2061103288")
        .expect("Aninoasa school");
    assert_eq!(aninoasa.street.as_deref(), Some("Scolii"));
    assert_eq!(aninoasa.pj_siruta.as_deref(), Some("87228"));
    assert_eq!(
        aninoasa.ownership.as_deref(),
        Some("Publică de interes naţional şi local")
    );
}

#[tokio::test]
async fn national_file_without_county_reads_every_row() {
    let db = TestDb::new().await;
    let run = db.import(&national_xlsx(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        (
            run.count("rows_read"),
            run.count("skipped"),
            run.count("inserted")
        ),
        (18200, 0, 18200)
    );
    assert_eq!(run.json()["rejected"].as_array().map(Vec::len), Some(0));
    assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 18200);
}

/// A hand-made CSV in the SIIIR shape; `rows` are (county, code, pj code, status, long name).
pub fn siiir_csv(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut text = String::from(
        "\"Judet PJ\",\"Cod SIIIR unitate\",\"Cod SIIIR PJ\",\"Statut unitate\",\"Denumire lunga unitate\",\"Localitate unitate\"\r\n",
    );
    for (county, code, pj, status, name) in rows {
        text.push_str(&format!(
            "\"{county}\",\"{code}\",\"{pj}\",\"{status}\",\"{name}\",\"DEVA\"\r\n"
        ));
    }
    text
}

#[tokio::test]
async fn rejected_rows_give_exit_3_and_the_valid_rows_are_written() {
    let db = TestDb::new().await;
    let csv = siiir_csv(&[
        ("HD", "2061100001", "2061100001", "PJ", "Școala Unu"),
        ("HD", "12AB", "2061100001", "AR", "Rău"),
        ("HD", "2061100002", "2061100002", "XY", "Statut greșit"),
        ("HD", "2061100001", "2061100001", "PJ", "Alt nume"),
        ("HD", "2062100003", "2061100009", "AR", "Orfană"),
        ("HD", "206110004", "206110004", "PJ", "Nouă cifre"),
    ]);
    let path = write_file(&db, "lista.csv", csv.as_bytes());
    let run = db.import(&path, &[]);
    assert_eq!(run.status, 3, "{}", run.stdout);
    let report = run.json();
    let rejected = report["rejected"].as_array().cloned().unwrap_or_default();
    let find = |row: u64| {
        rejected
            .iter()
            .find(|r| r["row"] == row)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(find(3)["column"], "Cod SIIIR unitate");
    assert_eq!(find(3)["value"], "12AB");
    assert_eq!(find(4)["column"], "Statut unitate");
    assert!(
        find(5)["error"].as_str().unwrap_or("").contains("rândul 2"),
        "{rejected:?}"
    );
    let warnings = report["warnings"].as_array().cloned().unwrap_or_default();
    assert!(
        warnings
            .iter()
            .any(|w| w["row"] == 6 && w["column"] == "Cod SIIIR PJ"),
        "orphan AR warned: {warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w["row"] == 7 && w["value"] == "206110004"),
        "padding warned: {warnings:?}"
    );
    assert_eq!(report["inserted"], 3);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE code = '0206110004'")
            .await,
        1
    );

    // --strict refuses the same file whole; nothing new is written.
    let strict_db = TestDb::new().await;
    let path = write_file(&strict_db, "lista.csv", csv.as_bytes());
    let strict = strict_db.import(&path, &["--strict"]);
    assert_eq!(strict.status, 2);
    assert!(
        strict.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("strict"))
    );
    assert_eq!(strict_db.scalar("SELECT COUNT(*) FROM school").await, 0);
}

#[tokio::test]
async fn dry_run_reports_and_writes_nothing() {
    let db = TestDb::new().await;
    let run = db.import(&hd_csv(), &["--dry-run"]);
    assert_eq!(run.status, 0);
    assert_eq!(run.count("inserted"), 256);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 0);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM import_batch").await, 0);
}

#[tokio::test]
async fn a_clean_county_import_deactivates_missing_schools_and_never_deletes() {
    let db = TestDb::new().await;
    let full = siiir_csv(&[
        ("HD", "2061100001", "2061100001", "PJ", "Școala Unu"),
        ("HD", "2061100002", "2061100002", "PJ", "Școala Doi"),
        ("AB", "0161100003", "0161100003", "PJ", "Școala din Alba"),
    ]);
    assert_eq!(
        db.import(&write_file(&db, "a.csv", full.as_bytes()), &[])
            .status,
        0
    );
    let smaller = siiir_csv(&[("HD", "2061100001", "2061100001", "PJ", "Școala Unu")]);
    let run = db.import(
        &write_file(&db, "b.csv", smaller.as_bytes()),
        &["--county", "HD"],
    );
    assert_eq!(run.status, 0);
    assert_eq!((run.count("unchanged"), run.count("deactivated")), (1, 1));
    assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 3);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE active = false")
            .await,
        1
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE code = '0161100003' AND active = true")
            .await,
        1
    );

    // Coming back in a later file re-activates it (an update).
    let back = db.import(
        &write_file(&db, "c.csv", full.as_bytes()),
        &["--county", "HD"],
    );
    assert_eq!((back.count("updated"), back.count("deactivated")), (1, 0));
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM school WHERE active = false")
            .await,
        0
    );

    // With a rejected row, nothing is deactivated.
    let broken = siiir_csv(&[("HD", "BAD", "2061100001", "PJ", "x")]);
    let run = db.import(
        &write_file(&db, "d.csv", broken.as_bytes()),
        &["--county", "HD"],
    );
    assert_eq!((run.status, run.count("deactivated")), (3, 0));
}

#[tokio::test]
async fn text_output_and_help_are_for_people() {
    let db = TestDb::new().await;
    let run = db.cli(&["import", "schools", &hd_csv().to_string_lossy()]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains("adăugate 256"), "{}", run.stdout);
    let help = db.cli(&["import", "schools", "--help"]);
    for flag in [
        "--county",
        "--dry-run",
        "--strict",
        "--format",
        "ISJ_DATABASE_URL",
        "Exit status",
    ] {
        assert!(help.stdout.contains(flag), "help lacks {flag}");
    }
    let missing = db.cli(&[
        "import",
        "schools",
        "/nonexistent/file.xlsx",
        "--format",
        "json",
    ]);
    assert_eq!(missing.status, 2);
    assert!(missing.json()["error"].is_string());
}

#[tokio::test]
async fn an_attached_unit_whose_pj_is_already_stored_is_not_an_orphan() {
    let db = TestDb::new().await;
    let pj = siiir_csv(&[("HD", "2061100001", "2061100001", "PJ", "Școala Unu")]);
    assert_eq!(
        db.import(&write_file(&db, "pj.csv", pj.as_bytes()), &[])
            .status,
        0
    );
    let units = siiir_csv(&[
        ("HD", "2062100002", "2061100001", "AR", "Grădinița Doi"),
        ("HD", "2062100003", "2061100099", "AR", "Grădinița Trei"),
        ("HD", "2062100004", "2061100001", "AR", "È˜coala stricatÄƒ"),
    ]);
    let run = db.import(&write_file(&db, "ar.csv", units.as_bytes()), &[]);
    assert_eq!(run.status, 0);
    let warnings = run.json()["warnings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let orphans: Vec<_> = warnings
        .iter()
        .filter(|w| w["column"] == "Cod SIIIR PJ")
        .map(|w| w["row"].clone())
        .collect();
    assert_eq!(orphans, vec![serde_json::json!(3)], "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w["row"] == 4 && w["warning"].as_str().unwrap_or("").contains("diacritice")),
        "{warnings:?}"
    );
}

/// `isj-tracker … | head`: a reader that leaves early ends the program quietly.
#[tokio::test]
async fn a_closed_pipe_ends_the_command_quietly() {
    let db = TestDb::new().await;
    let hd = hd_csv();
    let mut child = db
        .command(&[
            "import",
            "schools",
            &hd.to_string_lossy(),
            "--dry-run",
            "--format",
            "text",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    // Close the reading end before the program writes anything.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
