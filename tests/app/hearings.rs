//! The hearing register over real HTTP: hearings added by hand and from lists, outcomes on
//! the same hearing, the next hearing derived, the agenda, and finding a case however its
//! number is typed.

use chrono::{Duration, NaiveDate};

use super::helpers::*;

const SCHOOL: &str = "2061100733";

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = app.csrf_of(&app.client).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.client
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .expect("POST")
}

fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn shown(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

async fn import_cases(app: &TestApp, name: &str, csv: &str) -> CliRun {
    let file = write_file(&app.db, name, csv.as_bytes());
    app.db.cli(&[
        "import",
        "cases",
        &file.to_string_lossy(),
        "--format",
        "json",
    ])
}

#[tokio::test]
async fn hearings_by_hand_and_from_lists_with_outcomes_and_the_agenda() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let today =
        isj_tracker::domain::calendar::local_date(app.clock.now(), chrono_tz::Europe::Bucharest);
    let first = today + Duration::days(10);
    let list = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Obiect;Termen următor\r\n{SCHOOL};1234/97/2025;Tribunalul Hunedoara;drepturi salariale;{}\r\n",
        shown(first)
    );
    assert_eq!(import_cases(&app, "a.csv", &list).await.status, 0);
    let id = app
        .db
        .scalar("SELECT id FROM court_case WHERE number = '1234/97/2025'")
        .await;
    let case = format!("/cases/{id}");

    // Found however the number is typed, and by the school's name without diacritics.
    for q in [
        "Dosar nr. 1234 / 97 / 2025",
        "1234/97/2025",
        "avram iancu baia de cris",
        SCHOOL,
        "SALARIALE",
    ] {
        let (_, page) = app.get_text(&format!("/cases?q={}", urlencode(q))).await;
        assert!(
            page.contains("1234/97/2025") && page.contains("1 dosare găsite"),
            "{q}: not found"
        );
    }
    let (_, none) = app.get_text("/cases?q=9999%2F97%2F2025").await;
    assert!(none.contains("0 dosare găsite"));

    // A hearing added by hand, sooner than the listed one, becomes the next hearing.
    let sooner = today + Duration::days(3);
    let added = post(
        &app,
        &format!("{case}/hearings"),
        &[
            ("on", &iso(sooner)),
            ("time", "9:0"),
            ("panel", "C7"),
            ("stage", "Fond"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    let (_, page) = app.get_text(&case).await;
    assert!(
        page.contains(&format!("Termen următor</dt><dd>{}", shown(sooner))),
        "next hearing moves"
    );
    assert!(
        page.contains("ora 09:00") && page.contains("complet C7"),
        "time normalised"
    );

    // The listed hearing has passed: its outcome is recorded on the same hearing.
    let past = today - Duration::days(2);
    let list = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Termen următor\r\n{SCHOOL};1234/97/2025;Tribunalul Hunedoara;{}\r\n",
        shown(past)
    );
    assert_eq!(import_cases(&app, "b.csv", &list).await.status, 0);
    let hearing = app
        .db
        .scalar(&format!(
            "SELECT id FROM hearing WHERE case_id = {id} AND on_date = '{}'",
            iso(past)
        ))
        .await;
    let recorded = post(
        &app,
        &format!("/hearings/{hearing}/outcome"),
        &[
            ("outcome", "Amână pronunțarea"),
            ("summary", "termen pentru concluzii scrise"),
        ],
    )
    .await;
    assert_eq!(recorded.status(), 303);
    // A re-import of the same list adds nothing and keeps the outcome; a new date adds a row.
    let again = import_cases(&app, "c.csv", &list).await;
    assert_eq!(again.count("unchanged"), 1, "{}", again.stdout);
    let later = today + Duration::days(40);
    let newer = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Termen următor\r\n{SCHOOL};1234/97/2025;Tribunalul Hunedoara;{}\r\n",
        shown(later)
    );
    assert_eq!(import_cases(&app, "d.csv", &newer).await.status, 0);
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM hearing WHERE case_id = {id}"
            ))
            .await,
        4
    );
    assert_eq!(
        app.db.scalar(&format!("SELECT COUNT(*) FROM hearing WHERE case_id = {id} AND outcome = 'Amână pronunțarea'")).await,
        1,
        "the past hearing keeps its outcome"
    );
    let (_, page) = app.get_text(&case).await;
    assert!(page.contains("Amână pronunțarea") && page.contains("termen pentru concluzii scrise"));
    assert!(page.contains(&format!("Termen următor</dt><dd>{}", shown(sooner))));
    assert_eq!(
        app.db.scalar(&format!("SELECT COUNT(*) FROM change_log WHERE case_id = {id} AND kind LIKE 'hearing_%' AND batch_id IS NULL")).await,
        2
    );

    // The agenda: 30 days by default, more on request.
    let (_, agenda) = app.get_text("/hearings").await;
    assert!(
        agenda.contains(&shown(sooner))
            && agenda.contains(&shown(first))
            && !agenda.contains(&shown(later))
    );
    let (_, longer) = app.get_text("/hearings?days=60").await;
    assert!(longer.contains(&shown(later)));
    // An outcome for a hearing that does not exist: 404.
    assert_eq!(
        post(&app, "/hearings/999999/outcome", &[("outcome", "x")])
            .await
            .status(),
        404
    );
    // A time that is no time is refused with the reason.
    post(
        &app,
        &format!("{case}/hearings"),
        &[("on", &iso(sooner)), ("time", "25:99")],
    )
    .await;
    let (_, page) = app.get_text(&case).await;
    assert!(page.contains("nu are forma HH:MM"));
}

/// `export hearings`: one row per hearing, past and coming, read back by calamine.
#[tokio::test]
async fn the_hearings_report_lists_every_hearing() {
    use calamine::{Data, Reader, open_workbook_auto};
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let list = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Termen următor\r\n{SCHOOL};77/221/2026;Judecătoria Deva;03.02.2027\r\n"
    );
    assert_eq!(import_cases(&app, "a.csv", &list).await.status, 0);
    let id = app
        .db
        .scalar("SELECT id FROM court_case WHERE number = '77/221/2026'")
        .await;
    post(
        &app,
        &format!("/cases/{id}/hearings"),
        &[("on", "2026-11-02"), ("time", "10:0")],
    )
    .await;
    let out = app.db.dir.path().join("termene.xlsx");
    let run = app
        .db
        .cli(&["export", "hearings", "--out", &out.to_string_lossy()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let mut book = open_workbook_auto(&out).expect("xlsx");
    let range = book.worksheet_range("Termene").expect("sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map(|t| t.format("%d.%m.%Y").to_string())
                        .unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let hearings: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r.first().is_some_and(|c| c == "77/221/2026"))
        .collect();
    assert_eq!(hearings.len(), 2, "{rows:?}");
    assert!(
        hearings
            .iter()
            .any(|r| r.contains(&"02.11.2026".to_string()) && r.contains(&"10:00".to_string()))
    );
    assert!(
        hearings
            .iter()
            .any(|r| r.contains(&"03.02.2027".to_string()))
    );
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A case added by hand is found by a sloppy number; the same case again is refused and the
/// form leads to the stored one; its facts are edited, audited.
#[tokio::test]
async fn a_case_by_hand_found_by_a_sloppy_number_and_never_twice() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let fields = [
        ("court", "TribunalulHUNEDOARA"),
        ("number", "Dosar nr. 4321 / 97 / 2026"),
        ("category", "Litigiidemunca"),
        ("stage", "Fond"),
        ("object", "drepturi salariale"),
        ("next_hearing", "2027-01-20"),
        ("school1", SCHOOL),
        ("role1", "pârât"),
        // A code the school network does not have: the whole form is refused.
        ("school2", "2061100001"),
        ("role2", "pârât"),
    ];
    let created = post(&app, "/cases/new", &fields).await;
    assert_eq!(created.status(), 303);
    let location = created.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    let stored = app.db.scalar("SELECT COUNT(*) FROM court_case").await;
    assert_eq!(
        stored, 0,
        "a form with an unknown school writes nothing ({location})"
    );
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .copied()
        .filter(|(k, _)| !k.ends_with('2'))
        .collect();
    let created = post(&app, "/cases/new", &fields).await;
    let location = created.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        location.starts_with("/cases/") && location != "/cases/new",
        "{location}"
    );
    let (_, page) = app.get_text("/cases?q=4321%20%2F%2097%2F2026").await;
    assert!(page.contains("4321/97/2026") && page.contains("1 dosare găsite"));
    let (_, page) = app.get_text(&location).await;
    assert!(page.contains("20.01.2027") && page.contains("Tribunalul Hunedoara"));

    let again = post(&app, "/cases/new", &fields).await;
    assert_eq!(
        again.headers()["location"].to_str().unwrap_or_default(),
        location,
        "led to the stored case"
    );
    let (_, page) = app.get_text(&location).await;
    assert!(page.contains("există deja"));
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM court_case").await, 1);

    post(
        &app,
        &format!("{location}/edit"),
        &[("stage", "Apel"), ("object", "drepturi salariale 2025")],
    )
    .await;
    let (_, page) = app.get_text(&location).await;
    assert!(page.contains("drepturi salariale 2025") && page.contains("Apel"));
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM change_log WHERE kind IN ('case_added', 'case_edited')")
            .await,
        2
    );
}
