//! Directors' one-time links over real HTTP: GET only shows, POST acts once; used, expired
//! and altered links are refused without telling an attacker which is which (except "used",
//! which the director needs to hear).

use chrono::{Duration, Utc};
use isj_tracker::app::links::issue;
use isj_tracker::domain::links::Purpose;

use super::helpers::*;

const SCHOOL: &str = "2061100733";

async fn app_with_a_case() -> TestApp {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let cases =
        format!("Cod SIIIR;Nr. dosar;Instanța\r\n{SCHOOL};10/97/2026;Tribunalul Hunedoara\r\n");
    assert_eq!(
        app.db
            .cli(&[
                "import",
                "cases",
                &write_file(&app.db, "c.csv", cases.as_bytes()).to_string_lossy()
            ])
            .status,
        0
    );
    app
}

async fn link(
    app: &TestApp,
    purpose: Purpose,
    email: Option<&str>,
    issued: chrono::DateTime<Utc>,
) -> String {
    let connection = app.db.connect().await;
    issue(&connection, SCHOOL, purpose, email, issued)
        .await
        .expect("link")
}

async fn get(app: &TestApp, token: &str) -> (u16, String, String) {
    let response = app
        .anonymous
        .get(app.url(&format!("/l/{token}")))
        .send()
        .await
        .expect("GET");
    let referrer = response
        .headers()
        .get("referrer-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        response.status().as_u16(),
        referrer,
        response.text().await.expect("body"),
    )
}

async fn post(app: &TestApp, token: &str, form: &[(&str, &str)]) -> String {
    app.anonymous
        .post(app.url(&format!("/l/{token}")))
        .form(form)
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("body")
}

const DESIGNEE: [(&str, &str); 6] = [
    ("full_name", "Marin Elena"),
    ("function", "secretar"),
    ("decision_number", "45"),
    ("decision_date", "2026-11-20"),
    ("email", "secretariat@scoala.ro"),
    ("phone", "0744 555 666"),
];

#[tokio::test]
async fn get_twice_then_post_changes_once_and_a_second_post_is_already_used() {
    let app = app_with_a_case().await;
    let token = link(&app, Purpose::Designee, None, Utc::now()).await;
    for _ in 0..2 {
        let (status, referrer, page) = get(&app, &token).await;
        assert_eq!(status, 200);
        assert_eq!(referrer, "no-referrer");
        assert!(
            page.contains("AVRAM IANCU") && page.contains("Confirm"),
            "{page}"
        );
        assert!(!page.contains("Panou"), "no staff navigation");
    }
    assert_eq!(
        app.db.scalar("SELECT COUNT(*) FROM designee").await,
        0,
        "GET changes nothing"
    );
    let done = post(&app, &token, &DESIGNEE).await;
    assert!(
        done.contains("Mulțumim") && done.contains("Marin Elena"),
        "{done}"
    );
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM designee WHERE confirmed_by = 'link' AND phone = '+40744555666'").await, 1);
    assert_eq!(app.db.scalar(&format!("SELECT COUNT(*) FROM change_log WHERE school_code = '{SCHOOL}' AND actor LIKE 'unitate%'")).await, 1);
    let again = post(
        &app,
        &token,
        &[
            ("full_name", "Altcineva"),
            ("function", "director"),
            ("email", "a@b.ro"),
            ("phone", "0722000000"),
        ],
    )
    .await;
    assert!(again.contains("deja folosit"), "{again}");
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM designee").await, 1);
    let (_, _, after) = get(&app, &token).await;
    assert!(after.contains("deja folosit"));
}

#[tokio::test]
async fn expired_and_altered_links_get_the_same_generic_page() {
    let app = app_with_a_case().await;
    let expired = link(
        &app,
        Purpose::Designee,
        None,
        Utc::now() - Duration::hours(73),
    )
    .await;
    let valid = link(&app, Purpose::Progress, None, Utc::now()).await;
    let mut altered = valid.clone();
    altered.replace_range(0..1, if valid.starts_with('0') { "1" } else { "0" });
    let (_, _, expired_page) = get(&app, &expired).await;
    let (_, _, altered_page) = get(&app, &altered).await;
    let (_, _, junk_page) = get(&app, "%3Cscript%3E").await;
    assert!(expired_page.contains("Link invalid sau expirat"));
    assert_eq!(expired_page, altered_page);
    assert_eq!(expired_page, junk_page);
    assert_eq!(
        post(&app, &expired, &DESIGNEE).await,
        expired_page,
        "POST on an expired link does nothing"
    );
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM designee").await, 0);
    // Issuing a new link for the same school and purpose kills the older one.
    let newer = link(&app, Purpose::Progress, None, Utc::now()).await;
    let (_, _, old_page) = get(&app, &valid).await;
    assert_eq!(old_page, expired_page);
    assert!(get(&app, &newer).await.2.contains("Trimite"));
}

#[tokio::test]
async fn a_bad_form_does_not_use_the_link_and_progress_is_recorded_with_its_case() {
    let app = app_with_a_case().await;
    let token = link(&app, Purpose::Designee, None, Utc::now()).await;
    let bad = post(
        &app,
        &token,
        &[
            ("full_name", "Marin Elena"),
            ("function", "secretar"),
            ("email", "nu e adresa"),
            ("phone", "0744 555 666"),
        ],
    )
    .await;
    assert!(
        bad.contains("nu are forma nume@domeniu.ro") && bad.contains("Confirm"),
        "{bad}"
    );
    assert!(
        post(&app, &token, &DESIGNEE).await.contains("Mulțumim"),
        "the link still works after a refused form"
    );

    let progress = link(&app, Purpose::Progress, None, Utc::now()).await;
    let case = app.db.scalar("SELECT id FROM court_case").await.to_string();
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let done = post(
        &app,
        &progress,
        &[
            ("step", "access_requested"),
            ("case", case.as_str()),
            ("on", today.as_str()),
        ],
    )
    .await;
    assert!(done.contains("cerere de acces depusă"), "{done}");
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM den_step WHERE school_code = '{SCHOOL}' AND source = 'link'"
            ))
            .await,
        1
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM case_school WHERE access_requested_on IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn opting_out_is_recorded_for_the_address() {
    let app = app_with_a_case().await;
    let token = link(
        &app,
        Purpose::OptOut,
        Some("director@scoala.ro"),
        Utc::now(),
    )
    .await;
    assert!(get(&app, &token).await.2.contains("director@scoala.ro"));
    assert!(post(&app, &token, &[]).await.contains("nu mai primește"));
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM mail_opt_out WHERE email = 'director@scoala.ro'")
            .await,
        1
    );
}

#[tokio::test]
async fn link_pages_are_rate_limited_per_address() {
    let app = app_with_a_case().await;
    let mut statuses = Vec::new();
    for i in 0..35 {
        let response = app
            .anonymous
            .get(app.url(&format!("/l/{i:064x}")))
            .send()
            .await
            .expect("GET");
        statuses.push(response.status().as_u16());
    }
    assert!(statuses[..30].iter().all(|s| *s == 200), "{statuses:?}");
    assert!(
        statuses[30..].iter().all(|s| *s == 429),
        "guessing tokens is slowed down: {statuses:?}"
    );
}
