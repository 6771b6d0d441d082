//! Designee checks from every door: the function from the allowed list, a personal address
//! warned about on the director's page too, and one e-mail with one phone for two schools.

use chrono::Utc;
use isj_tracker::app::links::issue;
use isj_tracker::domain::links::Purpose;

use super::helpers::*;

const A: &str = "2061100733";
const B: &str = "2061103207";

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> String {
    let csrf = app.csrf_of(&app.client).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.client
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .expect("POST");
    app.get_text(path.rsplit_once('/').map_or(path, |(p, _)| p))
        .await
        .1
}

#[tokio::test]
async fn functions_personal_addresses_and_shared_contacts() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let person = |function: &'static str, other: &'static str, email: &'static str| {
        vec![
            ("full_name", "Pop Ana"),
            ("function", function),
            ("function_other", other),
            ("email", email),
            ("phone", "0722 111 222"),
        ]
    };
    // "altă funcție" must say which.
    let page = post(
        &app,
        &format!("/schools/{A}/designee"),
        &person("altă funcție", "", "secretariat@scoala-a.ro"),
    )
    .await;
    assert!(
        page.contains("Precizați funcția"),
        "refused without saying which"
    );
    let page = post(
        &app,
        &format!("/schools/{A}/designee"),
        &person("altă funcție", "informatician", "secretariat@scoala-a.ro"),
    )
    .await;
    assert!(
        page.contains("altă funcție: informatician"),
        "stored with its text"
    );

    // The same e-mail and phone at a second school: recorded, and flagged.
    let page = post(
        &app,
        &format!("/schools/{B}/designee"),
        &person("director", "", "secretariat@scoala-a.ro"),
    )
    .await;
    assert!(
        page.contains(&format!("trecute și la unitatea {A}")),
        "flagged on the staff page"
    );

    // The director's page warns about a personal address too.
    let connection = app.db.connect().await;
    let token = issue(&connection, B, Purpose::Designee, None, Utc::now())
        .await
        .expect("link");
    let done = app
        .anonymous
        .post(app.url(&format!("/l/{token}")))
        .form(&[
            ("full_name", "Ionescu Maria"),
            ("function", "secretar"),
            ("email", "maria.ionescu@gmail.com"),
            ("phone", "0744 555 666"),
        ])
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page");
    assert!(
        done.contains("Mulțumim") && done.contains("adresa pare personală"),
        "{done}"
    );

    // The designee list: a function outside the list is kept as "altă funcție: …"; the shared
    // contact is a warning on its row.
    let list = format!(
        "Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon\r\n{A};Pop Ana;Informatician;comun@scoli.test;0722000009\r\n{B};Ene Dan;director;comun@scoli.test;0722000009\r\n"
    );
    let file = write_file(&app.db, "persoane.csv", list.as_bytes());
    let run = app.db.cli(&[
        "import",
        "designees",
        &file.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let warnings = run.json()["warnings"].to_string();
    assert!(warnings.contains("trecute și la unitatea"), "{warnings}");
    assert_eq!(
        app.db
            .scalar(&format!("SELECT COUNT(*) FROM designee WHERE school_code = '{A}' AND valid_to IS NULL AND function = 'altă funcție: Informatician'"))
            .await,
        1
    );
}

/// An access request per case with the contact it declared: a contact other than the
/// designee's is flagged on the school and case pages; a refusal is recorded with its reason;
/// the director's page offers the designee's contact.
#[tokio::test]
async fn access_requests_declare_a_contact_checked_against_the_designee() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let list = format!(
        "Cod SIIIR;Nr. dosar;Instanța\r\n{A};31/97/2026;Tribunalul Hunedoara\r\n{A};32/97/2026;Tribunalul Hunedoara\r\n"
    );
    let file = write_file(&app.db, "d.csv", list.as_bytes());
    assert_eq!(
        app.db
            .cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    post(
        &app,
        &format!("/schools/{A}/designee"),
        &[
            ("full_name", "Pop Ana"),
            ("function", "director"),
            ("email", "secretariat@scoala-a.ro"),
            ("phone", "0722 111 222"),
        ],
    )
    .await;
    let first = app
        .db
        .scalar("SELECT id FROM court_case WHERE number = '31/97/2026'")
        .await
        .to_string();
    let second = app
        .db
        .scalar("SELECT id FROM court_case WHERE number = '32/97/2026'")
        .await
        .to_string();
    let today =
        isj_tracker::domain::calendar::local_date(app.clock.now(), chrono_tz::Europe::Bucharest)
            .format("%Y-%m-%d")
            .to_string();
    // The first request declares the designee's contact, the second another phone.
    let page = post(
        &app,
        &format!("/schools/{A}/step"),
        &[
            ("step", "access_requested"),
            ("case", &first),
            ("on", &today),
            ("access_email", "secretariat@scoala-a.ro"),
            ("access_phone", "0722111222"),
        ],
    )
    .await;
    assert!(
        page.contains("1 din 2 dosare pe rol cu cerere de acces"),
        "k of n"
    );
    let page = post(
        &app,
        &format!("/schools/{A}/step"),
        &[
            ("step", "access_requested"),
            ("case", &second),
            ("on", &today),
            ("access_email", "secretariat@scoala-a.ro"),
            ("access_phone", "0744 999 888"),
        ],
    )
    .await;
    assert!(page.contains("2 din 2 dosare pe rol cu cerere de acces"));
    assert!(
        page.contains("Dosarul 32/97/2026: telefonul declarat în cererea de acces diferă"),
        "flagged on the school page"
    );
    assert!(
        !page.contains("Dosarul 31/97/2026: "),
        "the matching request is not flagged"
    );
    let (_, case_page) = app.get_text(&format!("/cases/{second}")).await;
    assert!(
        case_page.contains("+40744999888")
            && case_page.contains("diferă de al persoanei desemnate")
    );

    // The court refuses the second request: date and reason kept, audited.
    let csrf = app.csrf_of(&app.client).await;
    app.client
        .post(app.url(&format!("/cases/{second}/access-refused")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("school", A),
            ("on", today.as_str()),
            ("reason", "număr de telefon greșit"),
        ])
        .send()
        .await
        .expect("POST");
    let (_, case_page) = app.get_text(&format!("/cases/{second}")).await;
    assert!(case_page.contains("respins") && case_page.contains("număr de telefon greșit"));
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM change_log WHERE kind = 'access_refused'")
            .await,
        1
    );

    // The reports say it too: the cases report flags the request, den-status counts them.
    let out = app.db.dir.path().join("dosare.csv");
    let run = app.db.cli(&[
        "export",
        "cases",
        "--format",
        "csv",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let csv = std::fs::read_to_string(&out).expect("csv");
    assert!(
        csv.contains("ATENȚIE: telefonul declarat în cererea de acces diferă")
            && csv.contains("+40744999888")
    );
    let out = app.db.dir.path().join("stare.csv");
    app.db.cli(&[
        "export",
        "den-status",
        "--format",
        "csv",
        "--out",
        &out.to_string_lossy(),
    ]);
    let csv = std::fs::read_to_string(&out).expect("csv");
    // The refused request no longer counts as a request that stands.
    assert!(csv.contains("1 din 2 / 0"), "k of n in den-status");

    // The director's progress page offers the designee's contact for a request.
    let connection = app.db.connect().await;
    let token = issue(&connection, A, Purpose::Progress, None, Utc::now())
        .await
        .expect("link");
    let form = app
        .anonymous
        .get(app.url(&format!("/l/{token}")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("page");
    assert!(
        form.contains("value=\"secretariat@scoala-a.ro\"")
            && form.contains("value=\"+40722111222\""),
        "prefilled"
    );
}

/// The designee's criminal-record certificate: number and issue date, valid six months, shown
/// on the school page and in the designees report; a CNP is refused.
#[tokio::test]
async fn a_cazier_is_kept_as_number_and_dates_only() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    post(
        &app,
        &format!("/schools/{A}/designee"),
        &[
            ("full_name", "Pop Ana"),
            ("function", "director"),
            ("email", "secretariat@scoala-a.ro"),
            ("phone", "0722 111 222"),
        ],
    )
    .await;
    let today =
        isj_tracker::domain::calendar::local_date(app.clock.now(), chrono_tz::Europe::Bucharest);
    // Issued almost six months ago: it expires within the reminder window.
    let issued = today
        .checked_sub_months(chrono::Months::new(6))
        .expect("date")
        + chrono::Duration::days(10);
    let page = post(
        &app,
        &format!("/schools/{A}/cazier"),
        &[
            ("certificate_number", "2850101123453"),
            ("issued_on", &issued.format("%Y-%m-%d").to_string()),
        ],
    )
    .await;
    assert!(page.contains("conține un CNP"), "a CNP is refused");
    let page = post(
        &app,
        &format!("/schools/{A}/cazier"),
        &[
            ("certificate_number", "CJ-2026-0042"),
            ("issued_on", &issued.format("%Y-%m-%d").to_string()),
        ],
    )
    .await;
    let until = issued
        .checked_add_months(chrono::Months::new(6))
        .expect("date");
    assert!(
        page.contains(&format!(
            "nr. CJ-2026-0042, eliberat la {}, valabil până la {}",
            issued.format("%d.%m.%Y"),
            until.format("%d.%m.%Y")
        )),
        "shown"
    );
    assert!(page.contains("expiră curând"));
    assert_eq!(
        app.db
            .scalar(
                "SELECT COUNT(*) FROM designee_evidence WHERE certificate_number = '2850101123453'"
            )
            .await,
        0
    );
    let out = app.db.dir.path().join("persoane.csv");
    let run = app.db.cli(&[
        "export",
        "designees",
        "--format",
        "csv",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let csv = std::fs::read_to_string(&out).expect("csv");
    assert!(
        csv.contains("CJ-2026-0042") && csv.contains(&until.format("%d.%m.%Y").to_string()),
        "in the report"
    );
}

/// The header's search box finds schools, cases and designees (name, e-mail or phone).
#[tokio::test]
async fn one_box_finds_schools_cases_and_designees() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let list = format!("Cod SIIIR;Nr. dosar;Instanța\r\n{A};808/97/2026;Tribunalul Hunedoara\r\n");
    let file = write_file(&app.db, "d.csv", list.as_bytes());
    assert_eq!(
        app.db
            .cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    post(
        &app,
        &format!("/schools/{A}/designee"),
        &[
            ("full_name", "Țăranu Ștefania"),
            ("function", "secretar"),
            ("email", "secretariat.iancu@scoala.ro"),
            ("phone", "0745 123 987"),
        ],
    )
    .await;
    for (q, expected) in [
        ("avram iancu", "/schools/2061100733"),
        ("Dosar nr. 808 / 97 / 2026", "808/97/2026"),
        ("taranu stefania", "Țăranu Ștefania"),
        ("secretariat.iancu@", "Țăranu Ștefania"),
        ("0745 123 987", "Țăranu Ștefania"),
    ] {
        let (status, page) = app
            .get_text(&format!(
                "/search?q={}",
                q.replace(' ', "+").replace('/', "%2F")
            ))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains(expected), "{q} finds {expected}");
    }
    let (_, page) = app.get_text("/").await;
    assert!(page.contains("role=\"search\""), "the box is in the header");
}
