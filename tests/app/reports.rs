//! Reports read back with calamine (headers, a date cell, a code with a leading zero, a
//! diacritic name, a neutralised formula), converted by LibreOffice where it is installed,
//! downloaded over HTTP, and the weekly report across a DST change.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use calamine::{Data, Reader, open_workbook_auto};
use chrono::{Duration, TimeZone, Utc};
use isj_tracker::clock::Clock;

use sea_orm::ConnectionTrait;

use super::helpers::*;
use super::litigation::{CASES, DESIGNEES, sample};
use super::mail::{header, mailer};

const FAR_CODE: &str = "0161102892";
const FORMULA: &str = "=HYPERLINK(\"http://exemplu.invalid\";\"click\")";

/// The reports' day: 02.11.2026 09:00 in Bucharest. Every command of these tests runs on it
/// (in this process), so the sample lists' dates keep their meaning whatever the real date.
fn reporting_clock() -> Arc<dyn Clock> {
    Arc::new(isj_tracker::clock::FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 2, 7, 0, 0)
            .single()
            .expect("instant"),
    ))
}

/// A command run on `clock` that must end with `status`.
async fn run_on(db: &TestDb, clock: &Arc<dyn Clock>, args: &[&str], status: u8) {
    assert_eq!(db.cli_on(clock, args).await, status, "{args:?}");
}

/// HD with the sample lists, one Alba school (code starting with 0) with a case, and a
/// designee whose name is a formula.
async fn reporting_db(clock: &Arc<dyn Clock>) -> TestDb {
    let db = TestDb::new().await;
    let path = |p: PathBuf| p.to_string_lossy().into_owned();
    run_on(&db, clock, &["import", "schools", &path(hd_csv())], 0).await;
    let alba = format!(
        "Judet PJ,Cod SIIIR unitate,Cod SIIIR PJ,Statut unitate,Denumire lunga unitate,Localitate unitate\r\nAB,{FAR_CODE},{FAR_CODE},PJ,Școala Gimnazială „Ion Agârbiceanu” Alba Iulia,ALBA IULIA\r\n"
    );
    let alba = path(write_file(&db, "ab.csv", alba.as_bytes()));
    run_on(&db, clock, &["import", "schools", &alba], 0).await;
    for (kind, file) in [("cases", sample(CASES)), ("designees", sample(DESIGNEES))] {
        run_on(&db, clock, &["import", kind, &path(file)], 3).await;
    }
    let extra = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Termen următor\r\n{FAR_CODE};500/107/2026;Tribunalul Alba;20.01.2027\r\n"
    );
    let extra = path(write_file(&db, "ab-cases.csv", extra.as_bytes()));
    run_on(&db, clock, &["import", "cases", &extra], 0).await;
    let person = format!(
        "Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon\r\n{FAR_CODE};\"{}\";director;secretariat@scoala.test;0722000009\r\n",
        FORMULA.replace('"', "\"\"")
    );
    let person = path(write_file(&db, "formula.csv", person.as_bytes()));
    run_on(&db, clock, &["import", "designees", &person], 0).await;
    run_on(
        &db,
        clock,
        &["campaign", "set", "--deadline", "2026-12-15"],
        0,
    )
    .await;
    db
}

async fn export(db: &TestDb, clock: &Arc<dyn Clock>, report: &str, format: &str) -> PathBuf {
    let path = db.dir.path().join(format!("{report}.{format}"));
    let out = path.to_string_lossy().into_owned();
    let args = ["export", report, "--format", format, "--out", &out];
    run_on(db, clock, &args, 0).await;
    path
}

/// The first sheet's rows from the header (row 5) on.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut workbook = open_workbook_auto(path).expect("opens");
    let range = workbook.worksheet_range(name).expect("sheet");
    range.rows().skip(4).map(|r| r.to_vec()).collect()
}

fn text(cell: &Data) -> String {
    cell.to_string()
}

#[tokio::test]
async fn every_report_reads_back_with_typed_cells() {
    let clock = reporting_clock();
    let db = reporting_db(&clock).await;
    let den = export(&db, &clock, "den-status", "xlsx").await;
    let rows = sheet(&den, "Situație D.E.N.");
    let headers: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(&headers[..3], ["Cod SIIIR", "Unitate", "Localitate"]);
    assert!(headers.contains(&"Situație".to_string()) && headers.contains(&"Termen".to_string()));
    let far = rows
        .iter()
        .find(|r| text(&r[0]) == FAR_CODE)
        .expect("the Alba school, leading zero kept");
    assert!(matches!(&far[0], Data::String(_)), "codes are text");
    assert!(text(&far[1]).contains("Agârbiceanu"), "diacritics intact");
    let person = headers
        .iter()
        .position(|h| h == "Persoana desemnată")
        .expect("column");
    assert_eq!(
        text(&far[person]),
        format!("'{FORMULA}"),
        "a formula typed as a name is neutralised"
    );
    let deadline = headers.iter().position(|h| h == "Termen").expect("column");
    match &far[deadline] {
        Data::DateTime(d) => assert_eq!(
            d.as_datetime().map(|t| t.date()),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 15)
        ),
        other => panic!("the deadline is a date cell, not {other:?}"),
    }
    let summary = sheet(&den, "Sumar");
    assert_eq!(text(&summary[0][0]), "Situație");

    let cases = sheet(&export(&db, &clock, "cases", "xlsx").await, "Dosare");
    let alba = cases
        .iter()
        .find(|r| text(&r[0]) == "500/107/2026")
        .expect("the Alba case");
    assert!(
        matches!(&alba[6], Data::DateTime(_)),
        "next hearing is a date cell"
    );
    assert!(text(&alba[1]).contains("Tribunalul Alba"));

    let designees = export(&db, &clock, "designees", "xlsx").await;
    let current = sheet(&designees, "Persoane desemnate");
    assert!(current.iter().any(|r| text(&r[2]) == format!("'{FORMULA}")));
    assert!(sheet(&designees, "Istoric").len() >= current.len());
    let reminders = sheet(&export(&db, &clock, "reminders", "xlsx").await, "Mesaje");
    assert_eq!(text(&reminders[0][0]), "Creat");

    let csv = std::fs::read(export(&db, &clock, "den-status", "csv").await).expect("csv");
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    let csv = String::from_utf8_lossy(&csv);
    assert!(
        csv.contains("Cod SIIIR;Unitate;")
            && csv.contains(&format!("{FAR_CODE};"))
            && csv.contains("'=HYPERLINK")
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export raport'")
            .await,
        5,
        "every export is audited"
    );
}

/// `soffice` converts every report to CSV without error (skipped where LibreOffice is absent,
/// unless ISJ_REQUIRE_LIBREOFFICE=1, as in CI).
#[tokio::test]
async fn libreoffice_opens_every_report() {
    let present = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var("ISJ_REQUIRE_LIBREOFFICE").is_err(),
            "LibreOffice (soffice) is required here"
        );
        eprintln!("LibreOffice absent: skipped");
        return;
    }
    let clock = reporting_clock();
    let db = reporting_db(&clock).await;
    let out = db.dir.path().join("converted");
    for report in ["den-status", "cases", "designees", "reminders", "hearings"] {
        let xlsx = export(&db, &clock, report, "xlsx").await;
        let run = Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                &format!(
                    "-env:UserInstallation=file://{}",
                    db.dir.path().join("lo-profile").display()
                ),
            ])
            .args([
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):59,34,76",
                "--outdir",
            ])
            .arg(&out)
            .arg(&xlsx)
            .output()
            .expect("soffice");
        assert!(
            run.status.success(),
            "{report}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let converted =
            std::fs::read_to_string(out.join(format!("{report}.csv"))).expect("converted file");
        assert!(converted.contains("Generat la"), "{report}: {converted}");
        // On paper every sheet is one page wide: no strips of columns.
        let printed = Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                &format!(
                    "-env:UserInstallation=file://{}",
                    db.dir.path().join("lo-profile").display()
                ),
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(&out)
            .arg(&xlsx)
            .output()
            .expect("soffice");
        assert!(printed.status.success(), "{report} to PDF");
        let pdf = std::fs::read(out.join(format!("{report}.pdf"))).expect("pdf");
        // A landscape A4 page holds 25 rows at least; strips of columns would need more pages.
        let mut workbook = calamine::open_workbook_auto(&xlsx).expect("workbook");
        let most: usize = calamine::Reader::worksheets(&mut workbook)
            .iter()
            .map(|(_, range)| range.height().max(1).div_ceil(25))
            .sum();
        let pages = pdf_pages(&pdf);
        assert!(pages <= most, "{report}: {pages} pages, at most {most}");
    }
}

/// Pages of a PDF LibreOffice wrote: its `/Type /Page` objects are plain, not in object
/// streams (`/Type /Pages` is the tree, not a page).
fn pdf_pages(pdf: &[u8]) -> usize {
    let mut pages = 0;
    let mut rest = pdf;
    while let Some(at) = rest.windows(5).position(|w| w == b"/Type") {
        rest = &rest[at + 5..];
        let skipped = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let after = &rest[skipped..];
        if after.starts_with(b"/Page") && after.get(5) != Some(&b's') {
            pages += 1;
        }
    }
    pages
}

#[tokio::test]
async fn the_filtered_view_downloads_and_is_audited() {
    let clock = reporting_clock();
    let app = spawn_app_with_clock(clock.clone()).await;
    let path = |p: PathBuf| p.to_string_lossy().into_owned();
    run_on(&app.db, &clock, &["import", "schools", &path(hd_csv())], 0).await;
    run_on(
        &app.db,
        &clock,
        &["import", "cases", &path(sample(CASES))],
        3,
    )
    .await;
    run_on(
        &app.db,
        &clock,
        &["campaign", "set", "--deadline", "2026-12-15"],
        0,
    )
    .await;
    let response = app
        .client
        .get(app.url("/reports/den-status.xlsx?stare=blocat"))
        .send()
        .await
        .expect("download");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains("den-status-")
    );
    let path = app.db.dir.path().join("download.xlsx");
    std::fs::write(&path, response.bytes().await.expect("body")).expect("save");
    let rows = sheet(&path, "Situație D.E.N.");
    let status = rows[0]
        .iter()
        .position(|c| text(c) == "Situație")
        .expect("column");
    assert!(
        rows.len() > 1
            && rows[1..]
                .iter()
                .all(|r| text(&r[status]).starts_with("blocat")),
        "only the filtered schools"
    );
    let mut workbook = open_workbook_auto(&path).expect("opens");
    let range = workbook.worksheet_range("Situație D.E.N.").expect("sheet");
    assert!(
        range
            .get_value((1, 0))
            .map(text)
            .unwrap_or_default()
            .contains("Blocat"),
        "the filter is written on the sheet"
    );
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export raport' AND actor = 'juridic@isj.test' AND details LIKE '%Blocat%'").await, 1);
    let (status, page) = app.get_text("/reports").await;
    assert!(status == 200 && page.contains("/reports/cases.xlsx"));
}

#[tokio::test]
async fn the_weekly_report_lands_once_a_week_across_the_dst_change_with_its_attachment() {
    // Thursday 15.10.2026 to Thursday 05.11: Mondays 19.10 (summer time), 26.10 and 02.11 (winter).
    let clock = Movable::at(
        Utc.with_ymd_and_hms(2026, 10, 15, 0, 0, 0)
            .single()
            .expect("start"),
    );
    let on: Arc<dyn Clock> = clock.clone();
    let db = TestDb::new().await;
    let schools = hd_csv().to_string_lossy().into_owned();
    run_on(&db, &on, &["import", "schools", &schools], 0).await;
    run_on(
        &db,
        &on,
        &["campaign", "set", "--deadline", "2026-12-15"],
        0,
    )
    .await;
    let connection = db.connect().await;
    let config = test_config(&db);
    let mailer = mailer(&db, None);
    for _ in 0..21 * 24 * 2 {
        let ctx = isj_tracker::app::Ctx::new(&connection, clock.as_ref(), config.timezone);
        isj_tracker::app::weekly_report::run_if_due(ctx, &config, &mailer.domain)
            .await
            .expect("weekly");
        isj_tracker::app::outbox::deliver_due(
            isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
            &mailer,
        )
        .await
        .expect("delivery");
        clock.advance(Duration::minutes(30));
    }
    let keys = connection
        .query_all_raw(sea_orm::Statement::from_string(
            connection.get_database_backend(),
            "SELECT dedupe_key, sent_at FROM outbox WHERE kind = 'report' ORDER BY id".to_string(),
        ))
        .await
        .expect("query");
    let sent: Vec<(String, chrono::DateTime<chrono_tz::Tz>)> = keys
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).unwrap_or_default(),
                r.try_get_by_index::<chrono::DateTime<Utc>>(1)
                    .unwrap_or_default()
                    .with_timezone(&chrono_tz::Europe::Bucharest),
            )
        })
        .collect();
    // The first run (a Thursday) finds the week of 12.10 already due: it catches up once.
    let weeks: Vec<&str> = sent
        .iter()
        .map(|(k, _)| k.split(':').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(weeks, vec!["2026-W42", "2026-W43", "2026-W44", "2026-W45"]);
    for (_, at) in &sent[1..] {
        assert_eq!(
            (chrono::Datelike::weekday(at), chrono::Timelike::hour(at)),
            (chrono::Weekday::Mon, 8),
            "Monday 08:00 local, summer or winter: {at}"
        );
    }
    let eml: Vec<String> = std::fs::read_dir(db.dir.path().join("outbox"))
        .expect("eml")
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert_eq!(eml.len(), 4);
    assert!(
        eml.iter()
            .all(|m| m.contains("Content-Disposition: attachment")
                && m.contains("den-status-")
                && header(m, "To").is_some_and(|t| t.contains("juridic@isj.test")))
    );
    assert_eq!(
        std::fs::read_dir(db.dir.path().join("reports"))
            .expect("reports dir")
            .count(),
        4,
        "each week's file is in ISJ_REPORTS_DIR"
    );
}
