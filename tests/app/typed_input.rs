//! Text typed at the doors: invisible and bidirectional characters are dropped, control
//! characters refused with nothing written, e-mail domains plain, a CNP never stored however
//! it is written, and the calendar feed never carries a bare carriage return.

use chrono::Utc;
use isj_tracker::app::links::issue;
use isj_tracker::domain::links::Purpose;

use super::helpers::*;

const A: &str = "2061100733";
const B: &str = "2061103207";

async fn staff_post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> u16 {
    app.post(path, fields).await.status().as_u16()
}

async fn director_post(app: &TestApp, school: &str, fields: &[(&str, &str)]) -> String {
    let connection = app.db.connect().await;
    let token = issue(&connection, school, Purpose::Designee, None, Utc::now())
        .await
        .expect("link");
    app.anonymous
        .post(app.url(&format!("/l/{token}")))
        .form(fields)
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("body")
}

async fn current_designee(app: &TestApp, school: &str) -> (String, String) {
    let sql = |column: &str| {
        format!("SELECT {column} FROM designee WHERE school_code = '{school}' AND valid_to IS NULL")
    };
    (
        app.db.text(&sql("full_name")).await.expect("a designee"),
        app.db.text(&sql("email")).await.expect("an e-mail"),
    )
}

/// U+202E shows the name reversed, U+200B hides a difference from search and from the
/// duplicate-contact check: both are dropped at the director's link and the staff form.
#[tokio::test]
async fn invisible_characters_are_dropped_at_both_doors() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let page = director_post(
        &app,
        A,
        &[
            ("full_name", "Marin\u{202E} Elena\u{200B}"),
            ("function", "secretar"),
            ("email", "secretariat@scoala\u{200B}.ro\u{200F}"),
            ("phone", "0744\u{200B} 555 666"),
        ],
    )
    .await;
    assert!(page.contains("Mulțumim"), "{page}");
    assert_eq!(
        current_designee(&app, A).await,
        ("Marin Elena".into(), "secretariat@scoala.ro".into())
    );
    // The same contact with a zero-width space is the same contact: the warning shows.
    let page = director_post(
        &app,
        B,
        &[
            ("full_name", "Pop\u{200B} Ana"),
            ("function", "director"),
            ("email", "secretariat@\u{200B}scoala.ro"),
            ("phone", "0744 555\u{2060} 666"),
        ],
    )
    .await;
    assert!(
        page.contains("același e-mail și același telefon"),
        "duplicate contact seen: {page}"
    );
    let status = staff_post(
        &app,
        &format!("/schools/{B}/designee"),
        &[
            ("full_name", "\u{202E}Ionescu Dan\u{202C}"),
            ("function", "director"),
            ("email", "Director@Scoala-B.ro"),
            ("phone", "0722 111 222"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        current_designee(&app, B).await,
        ("Ionescu Dan".into(), "director@scoala-b.ro".into())
    );
    let (_, found) = app.get_text("/search?q=Ionescu+Dan").await;
    assert!(found.contains(B), "found by search");
}

/// Control characters cannot be cleaned without guessing: refused, the field named, nothing
/// written, the director's link still usable.
#[tokio::test]
async fn control_characters_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let before = app.db.scalar("SELECT COUNT(*) FROM designee").await;
    let page = director_post(
        &app,
        A,
        &[
            ("full_name", "Marin\rElena"),
            ("function", "secretar"),
            ("email", "secretariat@scoala.ro"),
            ("phone", "0744 555 666"),
        ],
    )
    .await;
    assert!(
        page.contains("caracter de control") && page.contains("full_name"),
        "{page}"
    );
    let response = app
        .post(
            &format!("/schools/{A}/designee"),
            &[
                ("full_name", "Pop Ana\u{1b}[2J"),
                ("function", "director"),
                ("email", "a@scoala.ro"),
                ("phone", "0722 111 222"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.expect("body").contains("U+001B"));
    let case = format!("Cod SIIIR;Nr. dosar;Instanța\r\n{A};10/97/2026;Tribunalul Hunedoara\r\n");
    let file = write_file(&app.db, "c.csv", case.as_bytes());
    assert_eq!(
        app.db
            .cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    let id = app.db.scalar("SELECT id FROM court_case").await;
    let status = staff_post(
        &app,
        &format!("/cases/{id}/hearings"),
        &[
            ("on", &day_from_today(10)),
            ("time", "9:00"),
            ("stage", "Fond\rSUMMARY:INJECTED"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM designee").await, before);
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM hearing").await, 0);
}

/// E-mail domains: plain ASCII, an international one only as valid punycode.
#[tokio::test]
async fn email_domains_must_be_plain_or_valid_punycode() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let person = |email: &'static str| {
        [
            ("full_name", "Pop Ana"),
            ("function", "director"),
            ("email", email),
            ("phone", "0722 111 222"),
        ]
    };
    for bad in [
        "ana@xn--zz-.ro",
        "ana@scoala..ro",
        "ana@[127.0.0.1]",
        "ană@scoala.ro",
        "ana@scoala_1.ro",
    ] {
        let page = director_post(&app, A, &person(bad)).await;
        assert!(page.contains("e-mail"), "{bad}: {page}");
    }
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM designee").await, 0);
    let page = director_post(&app, A, &person("ana@școala.ro")).await;
    assert!(page.contains("Mulțumim"), "{page}");
    assert_eq!(current_designee(&app, A).await.1, "ana@xn--coala-e9b.ro");
}

/// A CNP is never stored as a certificate number, however it is written.
#[tokio::test]
async fn every_way_of_writing_a_cnp_is_refused() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let status = staff_post(
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
    assert_eq!(status, 303);
    let issued = day_from_today(-10);
    // 1850101123451 has a valid CNP check digit.
    let full_width: String = "1850101123451"
        .chars()
        .filter_map(|c| c.to_digit(10))
        .filter_map(|d| char::from_u32(0xFF10 + d))
        .collect();
    for written in [
        "1850101123451".to_string(),
        "1850101-123451".into(),
        "1 850101 123451".into(),
        full_width,
        "1850101\u{200B}123451".into(),
        "CNP:1850101123451".into(),
        "nr. 1850101123451/2026".into(),
    ] {
        app.post(
            &format!("/schools/{A}/cazier"),
            &[
                ("certificate_number", written.as_str()),
                ("issued_on", issued.as_str()),
            ],
        )
        .await;
        let (_, page) = app.get_text(&format!("/schools/{A}")).await;
        assert!(page.contains("conține un CNP"), "{written}");
        assert_eq!(
            app.db
                .scalar("SELECT COUNT(*) FROM designee_evidence")
                .await,
            0,
            "{written} stored"
        );
    }
    app.post(
        &format!("/schools/{A}/cazier"),
        &[
            ("certificate_number", "CJ 2026/004217"),
            ("issued_on", issued.as_str()),
        ],
    )
    .await;
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM designee_evidence")
            .await,
        1
    );
}
