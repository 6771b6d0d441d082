//! The legal department's pages over real HTTP with a fixed clock: the overview, the status
//! filters, the school page and its forms, the case pages, settings, and the audit trail.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use isj_tracker::clock::{Clock, FixedClock};
use isj_tracker::domain::staff::Role;

use super::helpers::*;
use super::litigation::{CASES, DESIGNEES, sample};

/// 20.12.2026 10:00 in Bucharest: five days after the campaign deadline of 15.12.2026.
/// Everything runs on that clock, the imports and the campaign included.
async fn app_after_deadline() -> TestApp {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 12, 20, 8, 0, 0)
            .single()
            .expect("instant"),
    ));
    let app = spawn_app_with_clock(clock.clone()).await;
    let schools = hd_csv().to_string_lossy().into_owned();
    assert_eq!(
        app.db
            .cli_on(&clock, &["import", "schools", &schools])
            .await,
        0
    );
    for (kind, file) in [("cases", CASES), ("designees", DESIGNEES)] {
        let file = sample(file).to_string_lossy().into_owned();
        assert_eq!(app.db.cli_on(&clock, &["import", kind, &file]).await, 3);
    }
    let at = FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 2, 7, 0, 0)
            .single()
            .expect("instant"),
    );
    let at: Arc<dyn Clock> = Arc::new(at);
    let set = ["campaign", "set", "--deadline", "2026-12-15"];
    assert_eq!(app.db.cli_on(&at, &set).await, 0);
    app
}

async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf_of(client).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    client
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .expect("POST")
}

/// The number shown in a status chip of the overview.
fn chip(page: &str, label: &str) -> u32 {
    let at = page
        .find(&format!("{label} <strong>"))
        .unwrap_or_else(|| panic!("no chip {label}"));
    let rest = &page[at + label.len() + " <strong>".len()..];
    rest[..rest.find('<').unwrap_or(0)].parse().expect("count")
}

fn found(body: &str) -> u64 {
    let end = body.find(" unități găsite").expect("count in page");
    let start = body[..end].rfind('>').map_or(0, |i| i + 1);
    body[start..end]
        .replace('.', "")
        .trim()
        .parse()
        .expect("count")
}

#[tokio::test]
async fn the_overview_counts_statuses_and_agrees_with_the_filtered_lists() {
    let app = app_after_deadline().await;
    let (status, page) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(page.contains("termen-limită 15.12.2026"), "{page}");
    assert!(page.contains("termenul a trecut de 5 zile"));
    assert!(page.contains("<svg"), "the locality chart is inline SVG");
    let schools_with_cases = app
        .db
        .scalar("SELECT COUNT(DISTINCT school_code) FROM case_school")
        .await as u32;
    let total: u32 = [
        "În termen",
        "Termen apropiat",
        "Depășit",
        "Finalizat",
        "Blocat (fără dosar)",
    ]
    .iter()
    .map(|l| chip(&page, l))
    .sum();
    assert_eq!(total, 129, "every active PJ has one status");
    assert_eq!(
        chip(&page, "Blocat (fără dosar)"),
        129 - schools_with_cases,
        "schools without cases are blocked, never overdue"
    );
    assert_eq!(
        chip(&page, "În termen") + chip(&page, "Termen apropiat"),
        0,
        "after the deadline nobody is merely on track"
    );
    let overdue = chip(&page, "Depășit");
    assert!(overdue > 0);
    for query in ["/schools?stare=depasit", "/schools?status=overdue"] {
        let (_, list) = app.get_text(query).await;
        assert_eq!(found(&list) as u32, overdue, "{query}");
        assert!(list.contains("depășit (5 zile)"));
    }
    let (_, blocked) = app.get_text("/schools?stare=blocat").await;
    assert_eq!(found(&blocked) as u32, 129 - schools_with_cases);
    assert!(page.contains("Termene de judecată în următoarele 14 zile"));
}

#[tokio::test]
async fn recording_a_step_replacing_a_designee_and_extending_are_audited() {
    let app = app_after_deadline().await;
    // A school in the union case (overdue, no account yet).
    let code: String = {
        let db = app.db.connect().await;
        let sql = "SELECT case_school.school_code FROM case_school JOIN court_case ON court_case.id = case_school.case_id \
                   WHERE court_case.number = '2417/97/2026' AND case_school.school_code NOT IN (SELECT school_code FROM den_step) ORDER BY 1";
        let row = sea_orm::ConnectionTrait::query_one_raw(
            &db,
            sea_orm::Statement::from_string(
                sea_orm::ConnectionTrait::get_database_backend(&db),
                sql,
            ),
        )
        .await
        .expect("query")
        .expect("a school");
        row.try_get_by_index::<String>(0).expect("code")
    };
    let path = format!("/schools/{code}");
    let (_, page) = app.get_text(&path).await;
    assert!(
        page.contains("depășit (5 zile)")
            && page.contains("2417/97/2026")
            && page.contains("Tribunalul Hunedoara"),
        "{page}"
    );

    let response = post_form(
        &app,
        &app.client,
        &format!("{path}/step"),
        &[
            ("step", "access_requested"),
            ("on", "2026-12-18"),
            ("note", "cerere nr. 123"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let response = post_form(
        &app,
        &app.client,
        &format!("{path}/step"),
        &[("step", "access_requested"), ("on", "2026-12-19")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let (_, page) = app.get_text(&path).await;
    assert!(
        page.contains("18.12.2026 — cerere de acces depusă") && page.contains("cerere nr. 123")
    );
    assert!(
        page.contains("doar înainte"),
        "a second identical step is refused with a message"
    );
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM den_step WHERE school_code = '{code}'"
            ))
            .await,
        1
    );

    for (name, phone) in [
        ("Ionescu Maria", "0722 111 222"),
        ("Pop Ion", "0744.333.444"),
    ] {
        let fields = [
            ("full_name", name),
            ("function", "director"),
            ("decision_number", "12"),
            ("decision_date", "2026-12-01"),
            ("email", "secretariat@scoala.ro"),
            ("phone", phone),
        ];
        assert_eq!(
            post_form(&app, &app.client, &format!("{path}/designee"), &fields)
                .await
                .status(),
            303
        );
    }
    let (_, page) = app.get_text(&path).await;
    assert!(
        page.contains("Pop Ion")
            && page.contains("+40744333444")
            && page.contains("Persoane desemnate anterior (1)")
    );
    let bad = [
        ("full_name", "Pop Ion"),
        ("function", "director"),
        ("email", "nu-e-adresa"),
        ("phone", "12"),
    ];
    assert_eq!(
        post_form(&app, &app.client, &format!("{path}/designee"), &bad)
            .await
            .status(),
        303
    );
    let (_, page) = app.get_text(&path).await;
    assert!(page.contains("Adresa de e-mail nu are forma nume@domeniu.ro"));
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM designee WHERE school_code = '{code}'"
            ))
            .await,
        2
    );

    let extension = [("until", "2027-01-31"), ("reason", "director nou numit")];
    assert_eq!(
        post_form(&app, &app.client, &format!("{path}/extension"), &extension)
            .await
            .status(),
        303
    );
    let (_, page) = app.get_text(&path).await;
    assert!(
        page.contains("termen apropiat") || page.contains("în termen"),
        "the extension lifts the school out of overdue"
    );
    assert!(page.contains("31.01.2027") && page.contains("director nou numit"));

    // Each change is in the audit trail with before and after.
    let audited = format!(
        "SELECT COUNT(*) FROM change_log WHERE school_code = '{code}' AND kind IN ('step_recorded', 'designee_named', 'extension_granted')"
    );
    assert_eq!(
        app.db.scalar(&audited).await,
        4,
        "one step, two designees, one extension"
    );
    let replaced = format!(
        "SELECT COUNT(*) FROM change_log WHERE school_code = '{code}' AND kind = 'designee_named' AND payload LIKE '%Ionescu Maria%Pop Ion%'"
    );
    assert_eq!(app.db.scalar(&replaced).await, 1);
    assert!(page.contains("Istoric modificări") && page.contains("a prelungit termenul unității"));
}

#[tokio::test]
async fn an_inspector_sees_everything_and_changes_nothing() {
    let app = app_after_deadline().await;
    let inspector = app.create_user("inspector@isj.test", Role::Inspector).await;
    let client = app.signed_in(&inspector).await;
    let code = "2061103288";
    let page = client
        .get(app.url(&format!("/schools/{code}")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Situația contului D.E.N."));
    assert!(
        !page.contains("Înregistrează pasul"),
        "no forms for a read-only role"
    );
    let csrf = app.csrf_of(&client).await;
    for (action, fields) in [
        (
            "step",
            vec![("step", "access_requested"), ("on", "2026-12-18")],
        ),
        ("extension", vec![("until", "2027-01-31"), ("reason", "x")]),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let status = client
            .post(app.url(&format!("/schools/{code}/{action}")))
            .form(&form)
            .send()
            .await
            .expect("POST")
            .status();
        assert_eq!(status, 403, "{action}");
    }
    let status = client
        .post(app.url("/settings/campaign"))
        .form(&[("csrf", csrf.as_str()), ("deadline", "2027-03-01")])
        .send()
        .await
        .expect("POST")
        .status();
    assert_eq!(status, 403);
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM campaign_extension")
            .await,
        0
    );
}

#[tokio::test]
async fn cases_pages_filter_and_close() {
    let app = app_after_deadline().await;
    let (_, all) = app.get_text("/cases").await;
    let (_, deva) = app.get_text("/cases?court=JudecatoriaDEVA").await;
    let count = |body: &str| -> u64 {
        let end = body.find(" dosare găsite").expect("count");
        body[body[..end].rfind('>').map_or(0, |i| i + 1)..end]
            .replace('.', "")
            .trim()
            .parse()
            .expect("number")
    };
    let stored = app.db.scalar("SELECT COUNT(*) FROM court_case").await as u64;
    assert_eq!(count(&all), stored);
    assert_eq!(
        count(&deva),
        app.db
            .scalar("SELECT COUNT(*) FROM court_case WHERE court = 'JudecatoriaDEVA'")
            .await as u64
    );
    assert!(count(&deva) > 0 && count(&deva) < stored);
    let (_, soon) = app.get_text("/cases?from=2027-01-01&to=2027-01-31").await;
    let in_january = app.db.scalar("SELECT COUNT(*) FROM court_case WHERE next_hearing >= '2027-01-01' AND next_hearing <= '2027-01-31'").await as u64;
    assert_eq!(count(&soon), in_january);

    let id = app
        .db
        .scalar("SELECT id FROM court_case WHERE number = '2417/97/2026'")
        .await;
    let (_, page) = app.get_text(&format!("/cases/{id}")).await;
    assert!(
        page.contains("Unități în dosar (8)") && page.contains("Litigii de muncă"),
        "{page}"
    );
    // Closing needs a reason; without one nothing changes.
    post_form(
        &app,
        &app.client,
        &format!("/cases/{id}/status"),
        &[("active", "nu")],
    )
    .await;
    let (_, page) = app.get_text(&format!("/cases/{id}")).await;
    assert!(page.contains("Scrieți motivul"), "{page}");
    assert_eq!(
        post_form(
            &app,
            &app.client,
            &format!("/cases/{id}/status"),
            &[("active", "nu"), ("reason", "hotărâre definitivă")]
        )
        .await
        .status(),
        303
    );
    let (_, list) = app.get_text("/cases").await;
    assert_eq!(
        count(&list),
        stored - 1,
        "closed cases leave the default list"
    );
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM change_log WHERE case_id = {id} AND kind = 'case_closed'"
            ))
            .await,
        1
    );
}

#[tokio::test]
async fn the_deadline_set_in_settings_moves_every_status() {
    let app = app_after_deadline().await;
    let (_, before) = app.get_text("/").await;
    assert!(chip(&before, "Depășit") > 0);
    assert_eq!(
        post_form(
            &app,
            &app.client,
            "/settings/campaign",
            &[("deadline", "2027-02-15"), ("title", "Cont D.E.N. 2027")]
        )
        .await
        .status(),
        303
    );
    let (_, after) = app.get_text("/").await;
    assert_eq!(
        chip(&after, "Depășit"),
        0,
        "the board is rebuilt after the change"
    );
    assert!(after.contains("Cont D.E.N. 2027") && after.contains("15.02.2027"));
    assert_eq!(
        post_form(
            &app,
            &app.client,
            "/settings/campaign",
            &[("deadline", "2026-01-01")]
        )
        .await
        .status(),
        303
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM campaign WHERE deadline = '2027-02-15'")
            .await,
        1,
        "a past deadline is refused"
    );
}
