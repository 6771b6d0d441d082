//! Designee checks from every door: the function from the allowed list, a personal address
//! warned about on the director's page too, and one e-mail with one phone for two schools.

use chrono::Utc;
use isj_tracker::db::links::{Purpose, issue};

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
