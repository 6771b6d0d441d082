//! Personal data by the law: the retention rule anonymises exactly what is past keeping on a
//! fixed day, an export lists every table that holds a person, erasure keeps what the law
//! requires, and the information notice is one click from every director page and mail.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use isj_tracker::app::Ctx;
use isj_tracker::app::links::issue;
use isj_tracker::clock::Clock;
use isj_tracker::domain::links::Purpose;
use isj_tracker::domain::staff::Role;

use super::helpers::*;

const A: &str = "2061100733";
const B: &str = "2061103207";
const C: &str = "2061103288";

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("a valid instant")
}

/// The school's director names a designee through the link in a mail, at the clock's time.
async fn named_by_link(app: &TestApp, school: &str, name: &str, email: &str, phone: &str) {
    let connection = app.db.connect().await;
    let token = issue(
        &connection,
        school,
        Purpose::Designee,
        Some(email),
        app.clock.now(),
    )
    .await
    .expect("link");
    let page = app
        .anonymous
        .post(app.url(&format!("/l/{token}")))
        .form(&[
            ("full_name", name),
            ("function", "director"),
            ("email", email),
            ("phone", phone),
        ])
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Mulțumim"), "{page}");
}

/// A case of one school, through the staff form; returns its id.
async fn case_of(app: &TestApp, client: &reqwest::Client, number: &str, school: &str) -> i64 {
    let created = app
        .post_as(
            client,
            "/cases/new",
            &[
                ("court", "TribunalulHUNEDOARA"),
                ("number", number),
                ("school1", school),
                ("role1", "pârât"),
            ],
        )
        .await;
    let location = created.headers()["location"].to_str().unwrap_or_default();
    location
        .trim_start_matches("/cases/")
        .parse()
        .unwrap_or_else(|_| panic!("a new case page, not {location}"))
}

async fn close(app: &TestApp, client: &reqwest::Client, case: i64) {
    let closed = app
        .post_as(
            client,
            &format!("/cases/{case}/status"),
            &[("active", "nu"), ("reason", "soluționat definitiv")],
        )
        .await;
    assert_eq!(closed.status(), 303);
}

/// A staff client signed in now (sessions do not outlive the years the test moves through).
async fn staff_now(app: &TestApp, email: &str, role: Role) -> reqwest::Client {
    let user = app.create_user(email, role).await;
    app.signed_in(&user).await
}

async fn page_of(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.expect("GET");
    response.text().await.expect("page")
}

async fn execute(app: &TestApp, sql: &str) {
    use sea_orm::ConnectionTrait;
    app.db
        .connect()
        .await
        .execute_unprepared(sql)
        .await
        .expect("statement");
}

async fn is_stored(app: &TestApp, name: &str) -> bool {
    app.db
        .scalar(&format!(
            "SELECT COUNT(*) FROM designee WHERE full_name = '{name}'"
        ))
        .await
        > 0
}

async fn log_quotes(app: &TestApp, text: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT COUNT(*) FROM change_log WHERE payload LIKE '%{text}%'"
        ))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retention_run_on_a_fixed_day_anonymises_exactly_what_is_past_keeping() {
    let clock = Movable::at(utc(2027, 1, 5, 9, 0));
    let app = spawn_app_with_clock(clock.clone()).await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    named_by_link(&app, A, "Ana Veche", "ana.veche@scoala.ro", "0744 111 111").await;
    named_by_link(
        &app,
        B,
        "Mihai Închis",
        "mihai.inchis@scoala.ro",
        "0744 333 333",
    )
    .await;
    named_by_link(&app, C, "Dana Păstrată", "dana@scoala.ro", "0744 444 444").await;
    let pending = case_of(&app, &app.client, "100/97/2027", A).await;
    let closed_early = case_of(&app, &app.client, "200/97/2027", B).await;
    let closed_late = case_of(&app, &app.client, "300/97/2027", C).await;

    clock.set(utc(2027, 3, 1, 10, 0));
    let staff = staff_now(&app, "juridic2@isj.test", Role::Juridic).await;
    close(&app, &staff, closed_early).await;
    // 22:00 in Bucharest on 15.03.2027: three years end on 15.03.2030.
    clock.set(utc(2027, 3, 15, 20, 0));
    named_by_link(&app, A, "Radu Vechi", "radu@scoala.ro", "0744 222 222").await;
    // 00:30 on 16.03.2027 in Bucharest (still the 15th in UTC): kept one more day.
    clock.set(utc(2027, 3, 15, 22, 30));
    named_by_link(&app, A, "Ioana Nouă", "ioana@scoala.ro", "0744 555 555").await;
    clock.set(utc(2028, 1, 1, 10, 0));
    let staff = staff_now(&app, "juridic3@isj.test", Role::Juridic).await;
    close(&app, &staff, closed_late).await;
    for (case, email) in [
        (pending, "acces.a@scoala.ro"),
        (closed_early, "acces.b@scoala.ro"),
        (closed_late, "acces.c@scoala.ro"),
    ] {
        // As the director's progress link stores a declared contact.
        execute(
            &app,
            &format!("UPDATE case_school SET access_email = '{email}', access_phone = '+40744999999' WHERE case_id = {case}"),
        )
        .await;
    }

    clock.set(utc(2029, 3, 20, 10, 0));
    let staff = staff_now(&app, "juridic4@isj.test", Role::Juridic).await;
    for (school, number, issued) in [(C, "CJ-1001", "2029-03-14"), (A, "CJ-1002", "2029-03-16")] {
        let saved = app
            .post_as(
                &staff,
                &format!("/schools/{school}/cazier"),
                &[("certificate_number", number), ("issued_on", issued)],
            )
            .await;
        assert_eq!(saved.status(), 303);
    }

    // 15.03.2030, 12:00 in Bucharest: the nightly run.
    clock.set(utc(2030, 3, 15, 10, 0));
    let connection = app.db.connect().await;
    let tz = chrono_tz::Europe::Bucharest;
    let clock_dyn: Arc<dyn Clock> = clock.clone();
    let ran = isj_tracker::app::privacy::run_if_due(Ctx::new(&connection, clock_dyn.as_ref(), tz))
        .await
        .expect("run")
        .expect("due once a day");
    assert_eq!(
        (ran.designees, ran.certificates, ran.contacts),
        (2, 1, 1),
        "Ana (replaced 15.03.2027) and Mihai (last case closed 01.03.2027); Dana's certificate (expired 14.09.2029); the contact on B's closed case: {ran:?}"
    );
    assert!(
        isj_tracker::app::privacy::run_if_due(Ctx::new(&connection, clock_dyn.as_ref(), tz))
            .await
            .expect("run")
            .is_none(),
        "once a day"
    );

    for gone in ["Ana Veche", "Mihai Închis"] {
        assert!(!is_stored(&app, gone).await, "{gone} anonymised");
        assert_eq!(
            log_quotes(&app, gone).await,
            0,
            "{gone} not quoted in the change log"
        );
    }
    for kept in ["Radu Vechi", "Ioana Nouă", "Dana Păstrată"] {
        assert!(is_stored(&app, kept).await, "{kept} kept");
        assert!(
            log_quotes(&app, kept).await > 0,
            "{kept} still in the change log"
        );
    }
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM designee WHERE anonymised_at IS NOT NULL AND email IS NULL AND phone IS NULL AND full_name = 'anonimizat' AND valid_to IS NOT NULL")
            .await,
        2
    );
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM designee WHERE school_code = '{B}' AND valid_to IS NULL"
            ))
            .await,
        0,
        "nobody is known to hold B's role any more"
    );
    let certificates = |number: &str| {
        format!("SELECT COUNT(*) FROM designee_evidence WHERE certificate_number = '{number}'")
    };
    assert_eq!(
        app.db.scalar(&certificates("CJ-1001")).await,
        0,
        "expired 14.09.2029"
    );
    assert_eq!(
        app.db.scalar(&certificates("CJ-1002")).await,
        1,
        "valid until 16.09.2029"
    );
    let contact = |case: i64| {
        format!(
            "SELECT COUNT(*) FROM case_school WHERE case_id = {case} AND access_email IS NOT NULL AND access_phone IS NOT NULL"
        )
    };
    assert_eq!(app.db.scalar(&contact(pending)).await, 1, "pending case");
    assert_eq!(
        app.db.scalar(&contact(closed_late)).await,
        1,
        "closed 01.01.2028"
    );
    assert_eq!(
        app.db.scalar(&contact(closed_early)).await,
        0,
        "closed 01.03.2027"
    );
    assert_eq!(log_quotes(&app, "acces.b@scoala.ro").await, 0);
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM change_log WHERE kind = 'personal_data_anonymised'")
            .await,
        3,
        "one change per school (A, B, C)"
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'retenție date personale'")
            .await,
        1
    );

    let staff = staff_now(&app, "juridic5@isj.test", Role::Juridic).await;
    let page = page_of(&app, &staff, &format!("/schools/{B}")).await;
    assert!(page.contains("Date anonimizate la 15.03.2030"), "{page}");
    assert!(
        !page.contains("Mihai"),
        "no trace of the person on the page"
    );
    let history = page_of(&app, &staff, &format!("/audit?unitate={B}")).await;
    assert!(
        history.contains("a anonimizat datele personale"),
        "{history}"
    );

    // The next night finds nothing more.
    clock.set(utc(2030, 3, 16, 10, 0));
    let again =
        isj_tracker::app::privacy::run_if_due(Ctx::new(&connection, clock_dyn.as_ref(), tz))
            .await
            .expect("run")
            .expect("due");
    assert_eq!(
        (again.designees, again.certificates, again.contacts),
        (1, 1, 0),
        "Radu, replaced at 00:30 on 16.03.2027 in Bucharest, goes on 16.03.2030; so does the number of Ioana's certificate, valid until 16.09.2029"
    );
    assert_eq!(app.db.scalar(&certificates("CJ-1002")).await, 0);
    assert!(!is_stored(&app, "Radu Vechi").await);
    assert!(
        is_stored(&app, "Ioana Nouă").await,
        "the current designee of a school with a pending case"
    );
}

const PERSON: &str = "ana.pop@scoala.ro";

/// The person in every table that can hold them: a designee named through a link (with its
/// change), a certificate, a declared contact, an opt-out, a queued mail, a staff account
/// that signed in (the audit trail).
async fn everywhere(app: &TestApp, clock: &Arc<Movable>) -> i64 {
    named_by_link(app, A, "Ana Pop", PERSON, "0744 777 777").await;
    let saved = app
        .post(
            "/schools/2061100733/cazier",
            &[("certificate_number", "CJ-77"), ("issued_on", "2027-01-02")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let case = case_of(app, &app.client, "700/97/2027", A).await;
    execute(
        app,
        &format!("UPDATE case_school SET access_email = '{PERSON}', access_phone = '+40744777777' WHERE case_id = {case}"),
    )
    .await;
    let connection = app.db.connect().await;
    let token = issue(&connection, A, Purpose::OptOut, Some(PERSON), clock.now())
        .await
        .expect("link");
    let no_fields: &[(&str, &str)] = &[];
    let stopped = app
        .anonymous
        .post(app.url(&format!("/l/{token}")))
        .form(no_fields)
        .send()
        .await
        .expect("POST");
    assert_eq!(stopped.status(), 200);
    let clock_dyn: Arc<dyn Clock> = clock.clone();
    isj_tracker::app::outbox::queue_test_mail(
        Ctx::new(
            &connection,
            clock_dyn.as_ref(),
            chrono_tz::Europe::Bucharest,
        ),
        PERSON,
        "ISJ Hunedoara",
        "isj.test",
    )
    .await
    .expect("queued");
    let staff = app.create_user(PERSON, Role::Juridic).await;
    app.signed_in(&staff).await;
    case
}

/// `privacy export ARGS --out FILE` on the test's clock; the JSON it wrote.
async fn exported(app: &TestApp, clock: &Arc<dyn Clock>, args: &[&str]) -> serde_json::Value {
    let path = app.db.dir.path().join("export.json");
    let out = path.to_str().unwrap_or_default();
    let mut argv = vec!["privacy", "export", "--out", out];
    argv.extend_from_slice(args);
    assert_eq!(app.db.cli_on(clock, &argv).await, 0);
    serde_json::from_slice(&std::fs::read(&path).expect("json")).expect("valid JSON")
}

fn tables_of(json: &serde_json::Value) -> std::collections::BTreeSet<String> {
    json["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["table"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_lists_every_table_that_holds_the_person() {
    use calamine::{Reader, open_workbook_auto};
    let clock = Movable::at(utc(2027, 1, 5, 9, 0));
    let app = spawn_app_with_clock(clock.clone()).await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    everywhere(&app, &clock).await;
    let xlsx_path = app.db.dir.path().join("ana.xlsx");
    let clock_dyn: Arc<dyn Clock> = clock.clone();
    let xlsx = xlsx_path.to_str().unwrap_or_default();
    let json = exported(
        &app,
        &clock_dyn,
        &["--email", " Ana.Pop@Scoala.ro ", "--xlsx", xlsx],
    )
    .await;
    let expected: std::collections::BTreeSet<String> = [
        "designee",
        "designee_evidence",
        "case_school",
        "staff_user",
        "action_link",
        "mail_opt_out",
        "outbox",
        "change_log",
        "audit_log",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(tables_of(&json), expected);
    let text = json.to_string();
    assert!(text.contains("CJ-77") && text.contains("Ana Pop") && text.contains("+40744777777"));
    let mut workbook = open_workbook_auto(&xlsx_path).expect("xlsx");
    let sheets: std::collections::BTreeSet<String> = workbook
        .sheet_names()
        .into_iter()
        .filter(|s| s != "Cuprins")
        .collect();
    assert_eq!(sheets, expected);
    let contents = workbook.worksheet_range("Cuprins").expect("contents");
    assert!(contents.rows().count() >= 5 + expected.len());
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export date personale' AND details LIKE 'a***@scoala.ro%'")
            .await,
        1,
        "audited, the address masked"
    );

    // By phone: the designee and the contact.
    let json = exported(&app, &clock_dyn, &["--phone", "0744 777 777"]).await;
    let by_phone = tables_of(&json);
    assert!(
        by_phone.contains("designee")
            && by_phone.contains("case_school")
            && by_phone.contains("change_log"),
        "{by_phone:?}"
    );

    // The staff page: administrators only, the same tables, downloads.
    let juridic = app
        .post("/privacy", &[("email", PERSON), ("phone", "")])
        .await;
    assert_ne!(
        juridic.status(),
        200,
        "not for the legal department's editors"
    );
    let admin = staff_now(&app, "admin@isj.test", Role::Admin).await;
    let page = app
        .post_as(&admin, "/privacy", &[("email", PERSON), ("phone", "")])
        .await
        .text()
        .await
        .expect("page");
    for title in [
        "Persoane desemnate",
        "Certificate de cazier",
        "Dezabonări",
        "Jurnalul modificărilor",
    ] {
        assert!(page.contains(title), "{title} on the page");
    }
    let download = app
        .post_as(
            &admin,
            "/privacy/export",
            &[("email", PERSON), ("phone", ""), ("format", "xlsx")],
        )
        .await;
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("date-personale-")
    );
    let neither = app
        .post_as(&admin, "/privacy", &[("email", ""), ("phone", "")])
        .await
        .text()
        .await
        .expect("page");
    assert!(neither.contains("fie adresa de e-mail, fie numărul de telefon"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_keeps_what_the_law_requires_and_erases_the_rest() {
    let clock = Movable::at(utc(2027, 1, 5, 9, 0));
    let app = spawn_app_with_clock(clock.clone()).await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let person = "maria.ionescu@scoala.ro";
    named_by_link(&app, A, "Maria Ionescu", person, "0744 888 888").await;
    let case = case_of(&app, &app.client, "800/97/2027", A).await;
    execute(
        &app,
        &format!("UPDATE case_school SET access_email = '{person}' WHERE case_id = {case}"),
    )
    .await;
    let clock_dyn: Arc<dyn Clock> = clock.clone();
    let erase = |dry: bool| {
        let mut args = vec!["privacy", "erase", "--email", person];
        if dry {
            args.push("--dry-run");
        }
        args
    };
    // The current designee of a school with a pending case, and the contact on it: kept.
    assert_eq!(app.db.cli_on(&clock_dyn, &erase(false)).await, 0);
    assert!(is_stored(&app, "Maria Ionescu").await);
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM case_school WHERE access_email = '{person}'"
            ))
            .await,
        1
    );
    // Replaced and the case closed: nothing obliges keeping her data any more.
    clock.set(utc(2027, 2, 1, 9, 0));
    named_by_link(&app, A, "Ion Urmaș", "ion@scoala.ro", "0744 999 000").await;
    close(
        &app,
        &staff_now(&app, "juridic2@isj.test", Role::Juridic).await,
        case,
    )
    .await;
    assert_eq!(app.db.cli_on(&clock_dyn, &erase(true)).await, 0);
    assert!(
        is_stored(&app, "Maria Ionescu").await,
        "a dry run writes nothing"
    );
    assert_eq!(app.db.cli_on(&clock_dyn, &erase(false)).await, 0);
    assert!(!is_stored(&app, "Maria Ionescu").await);
    assert_eq!(log_quotes(&app, "Maria Ionescu").await, 0);
    assert_eq!(log_quotes(&app, person).await, 0);
    assert!(
        is_stored(&app, "Ion Urmaș").await,
        "her successor untouched"
    );
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM case_school WHERE access_email = '{person}'"
            ))
            .await,
        0
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'ștergere date personale' AND details NOT LIKE '%maria%'")
            .await,
        2,
        "both erasures audited, the address masked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_information_notice_is_one_click_from_every_director_page() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let admin = staff_now(&app, "admin@isj.test", Role::Admin).await;
    let refused = app
        .post_as(
            &admin,
            "/settings/privacy",
            &[
                ("personal_years", "0"),
                ("certificate_months", "6"),
                ("dpo_name", ""),
                ("dpo_email", ""),
                ("dpo_phone", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), 303);
    let saved = app
        .post_as(
            &admin,
            "/settings/privacy",
            &[
                ("personal_years", "5"),
                ("certificate_months", "6"),
                ("dpo_name", "Ioana Dumitrescu"),
                ("dpo_email", "DPO@isjhd.ro"),
                ("dpo_phone", "0254 211 000"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let (status, notice) = app.get_text("/confidentialitate").await;
    assert_eq!(status, 200);
    let anonymous = app
        .anonymous
        .get(app.url("/confidentialitate"))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status(), 200, "no sign-in needed");
    for expected in [
        "dpo@isjhd.ro",
        "Ioana Dumitrescu",
        "5 ani",
        "lit. c)",
        "art. 15",
        "dataprotection.ro",
    ] {
        assert!(notice.contains(expected), "{expected} in the notice");
    }
    let connection = app.db.connect().await;
    for purpose in [Purpose::Designee, Purpose::Progress] {
        let token = issue(&connection, A, purpose, None, Utc::now())
            .await
            .expect("link");
        let (_, page) = app.get_text(&format!("/l/{token}")).await;
        assert!(page.contains("href=\"/confidentialitate\""), "{page}");
    }
    let (_, settings) = app.get_text("/settings").await;
    assert!(
        settings.contains("după <strong>5 ani</strong>"),
        "the rule on Setări"
    );
}
