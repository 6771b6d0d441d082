//! The application layer on a real database (SQLite file, or PostgreSQL in CI): each use case
//! with a fixed clock, and the one D.E.N. rule seen the same from every door.

use chrono::{DateTime, NaiveDate, Utc};
use isj_tracker::app::{self, Actor, AppError, Ctx};
use isj_tracker::clock::FixedClock;
use isj_tracker::domain::cases::CaseStatus;
use isj_tracker::domain::den::{DenStatus, DenStep, StepClaim};
use isj_tracker::domain::designee::DesigneeFacts;
use isj_tracker::domain::links::Purpose;
use sea_orm::DatabaseConnection;

use super::helpers::*;

/// Two schools of the HD network, each with one case at Tribunalul Hunedoara.
const A: &str = "2061100733";
const B: &str = "2061103207";
/// A school with no case at all.
const NO_CASE: &str = "2061100507";

/// The refusal every door must show for an account without approved access.
const NO_APPROVAL: &str =
    "Contul D.E.N. se poate crea doar după ce instanța a aprobat accesul la cel puțin un dosar";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn ctx<'a>(db: &'a DatabaseConnection, clock: &'a FixedClock) -> Ctx<'a> {
    Ctx {
        db,
        clock,
        timezone: chrono_tz::Europe::Bucharest,
        register: None,
    }
}

/// Imported on Monday 02.11.2026, before the tests' own fixed days (in-process, on that clock).
async fn with_cases() -> TestDb {
    let clock: std::sync::Arc<dyn isj_tracker::clock::Clock> =
        std::sync::Arc::new(FixedClock(at("2026-11-02T09:00:00+02:00")));
    let db = TestDb::new().await;
    let schools = hd_csv().to_string_lossy().into_owned();
    assert_eq!(db.cli_on(&clock, &["import", "schools", &schools]).await, 0);
    let cases = format!(
        "Cod SIIIR;Nr. dosar;Instanța\r\n{A};10/97/2026;Tribunalul Hunedoara\r\n{B};11/97/2026;Tribunalul Hunedoara\r\n"
    );
    let file = write_file(&db, "dosare.csv", cases.as_bytes());
    let file = file.to_string_lossy().into_owned();
    assert_eq!(db.cli_on(&clock, &["import", "cases", &file]).await, 0);
    db
}

async fn case_id(db: &DatabaseConnection, number: &str) -> i32 {
    scalar(
        db,
        &format!("SELECT id FROM court_case WHERE number = '{number}'"),
    )
    .await as i32
}

fn facts(name: &str) -> DesigneeFacts {
    DesigneeFacts {
        full_name: name.into(),
        function: "director".into(),
        decision_number: Some("12".into()),
        decision_date: Some(day(2026, 11, 2)),
        email: Some("secretariat@scoala.ro".into()),
        phone: Some("0722 111 222".into()),
    }
}

fn claim(step: DenStep, on: NaiveDate, case: Option<i32>) -> StepClaim {
    StepClaim { step, on, case }
}

fn message(error: AppError) -> String {
    match error {
        AppError::Invalid { message, .. } => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn status_of(db: &DatabaseConnection, school: &str, today: NaiveDate) -> Option<DenStatus> {
    // 10:00 UTC is the same day in Bucharest.
    let at = today.and_hms_opt(10, 0, 0).expect("a time").and_utc();
    let register = isj_tracker::register::Register::read_once(db, at, chrono_tz::Europe::Bucharest)
        .await
        .expect("register");
    register.board.get(school).and_then(|row| row.status)
}

#[tokio::test]
async fn the_procedure_in_order_and_finalizat_needs_account_and_confirmed_designee() {
    let test = with_cases().await;
    let db = test.connect().await;
    let clock = FixedClock(at("2026-11-30T10:00:00+02:00"));
    let staff = Actor::Staff("juridic@isj.test".into());
    let case = case_id(&db, "10/97/2026").await;
    app::campaign::set_deadline(ctx(&db, &clock), &staff, day(2026, 12, 15), None)
        .await
        .expect("campaign");

    let refused = app::den::record_step(
        ctx(&db, &clock),
        &staff,
        A,
        claim(DenStep::AccountCreated, day(2026, 11, 20), None),
        None,
        None,
    )
    .await
    .expect_err("no approved access yet");
    assert!(message(refused).starts_with(NO_APPROVAL));
    let refused = app::den::record_step(
        ctx(&db, &clock),
        &staff,
        NO_CASE,
        claim(DenStep::AccessRequested, day(2026, 11, 20), None),
        None,
        None,
    )
    .await
    .expect_err("no case");
    assert!(message(refused).contains("nu are niciun dosar activ"));
    let refused = app::den::record_step(
        ctx(&db, &clock),
        &staff,
        A,
        claim(DenStep::AccessRequested, day(2026, 12, 1), Some(case)),
        None,
        None,
    )
    .await
    .expect_err("tomorrow");
    assert_eq!(message(refused), "Data pasului nu poate fi în viitor.");

    let steps = [
        (DenStep::AccessRequested, day(2026, 11, 10)),
        (DenStep::AccessApproved, day(2026, 11, 12)),
        (DenStep::AccountCreated, day(2026, 11, 20)),
    ];
    for (step, on) in steps {
        let case = (step < DenStep::AccountCreated).then_some(case);
        app::den::record_step(
            ctx(&db, &clock),
            &staff,
            A,
            claim(step, on, case),
            None,
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{step:?}: {e}"));
    }
    assert_eq!(
        scalar(&db, &format!("SELECT COUNT(*) FROM case_school WHERE case_id = {case} AND access_requested_on IS NOT NULL AND access_approved_on IS NOT NULL")).await,
        1,
        "the access steps are recorded on the case"
    );
    assert_ne!(
        status_of(&db, A, clock.0.date_naive()).await,
        Some(DenStatus::Done),
        "an account without a confirmed designee is not finalizat"
    );

    let import = Actor::Import("import".into());
    let outcome = app::designees::record(ctx(&db, &clock), &import, A, facts("Pop Ana"))
        .await
        .expect("designee from a list");
    assert_eq!(outcome.recorded, app::designees::Recorded::Inserted);
    assert_ne!(
        status_of(&db, A, clock.0.date_naive()).await,
        Some(DenStatus::Done)
    );

    // The director confirms the same person through a link: the school is complete.
    let token = isj_tracker::app::links::issue(&db, A, Purpose::Designee, None, clock.0)
        .await
        .expect("link");
    let change = app::links::LinkChange::Designee(facts("Pop Ana"));
    let done = app::links::act(ctx(&db, &clock), &token, change)
        .await
        .expect("link use");
    assert!(matches!(done, app::links::LinkOutcome::Done(_)));
    assert_eq!(
        status_of(&db, A, clock.0.date_naive()).await,
        Some(DenStatus::Done)
    );
    assert_eq!(
        scalar(
            &db,
            &format!("SELECT COUNT(*) FROM designee WHERE school_code = '{A}'")
        )
        .await,
        1,
        "confirming the same data adds no row"
    );
    assert_eq!(
        scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM change_log WHERE school_code = '{A}' AND kind = 'step_recorded'"
            )
        )
        .await,
        3
    );
}

#[tokio::test]
async fn a_refused_link_change_leaves_the_link_usable_and_nothing_written() {
    let test = with_cases().await;
    let db = test.connect().await;
    let clock = FixedClock(at("2026-11-30T10:00:00+02:00"));
    let token = isj_tracker::app::links::issue(&db, B, Purpose::Progress, None, clock.0)
        .await
        .expect("link");
    let change = app::links::LinkChange::Step {
        step: DenStep::AccountCreated,
        on: day(2026, 11, 20),
        case: None,
        contact: None,
    };
    let refused = app::links::act(ctx(&db, &clock), &token, change)
        .await
        .expect_err("refused");
    assert!(message(refused).starts_with(NO_APPROVAL));
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM action_link WHERE consumed_at IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM den_step").await, 0);
}

#[tokio::test]
async fn campaign_extension_case_status_outbox_and_settings() {
    let test = with_cases().await;
    let db = test.connect().await;
    let clock = FixedClock(at("2026-11-30T10:00:00+02:00"));
    let cli = Actor::CommandLine;
    let no_campaign = app::campaign::extend(ctx(&db, &clock), &cli, A, day(2027, 1, 15), "motiv")
        .await
        .expect_err("no campaign");
    assert!(message(no_campaign).starts_with("Nu există o campanie activă"));
    let past = app::campaign::set_deadline(ctx(&db, &clock), &cli, day(2026, 11, 29), None)
        .await
        .expect_err("past");
    assert_eq!(message(past), "Termenul-limită nu poate fi în trecut.");
    let campaign =
        app::campaign::set_deadline(ctx(&db, &clock), &cli, day(2026, 12, 15), Some(" Cont "))
            .await
            .expect("campaign");
    assert_eq!(campaign.title, "Cont");
    let early = app::campaign::extend(ctx(&db, &clock), &cli, A, day(2026, 12, 10), "motiv")
        .await
        .expect_err("before the campaign deadline");
    assert!(message(early).contains("după termenul campaniei"));
    let ar = scalar(
        &db,
        "SELECT MIN(CAST(code AS BIGINT)) FROM school WHERE status = 'AR'",
    )
    .await;
    let not_pj = app::campaign::extend(
        ctx(&db, &clock),
        &cli,
        &format!("{ar:010}"),
        day(2027, 1, 15),
        "motiv",
    )
    .await
    .expect_err("an AR");
    assert!(message(not_pj).contains("unitatea PJ"));
    app::campaign::extend(ctx(&db, &clock), &cli, A, day(2027, 1, 15), "director nou")
        .await
        .expect("extension");
    assert_eq!(
        status_of(&db, A, clock.0.date_naive())
            .await
            .map(|s| s.kind()),
        Some(isj_tracker::domain::den::StatusKind::OnTrack)
    );

    let missing = app::cases::set_status(
        ctx(&db, &clock),
        &cli,
        999_999,
        CaseStatus::Closed,
        "hotărâre definitivă",
    )
    .await
    .expect_err("no such case");
    assert!(matches!(missing, AppError::NotFound(_)));
    let case = case_id(&db, "11/97/2026").await;
    app::cases::set_status(
        ctx(&db, &clock),
        &cli,
        case,
        CaseStatus::Closed,
        "hotărâre definitivă",
    )
    .await
    .expect("closed");
    assert_eq!(
        status_of(&db, B, clock.0.date_naive()).await,
        Some(DenStatus::Blocked),
        "no active case left"
    );

    let not_dead = app::outbox::retry(ctx(&db, &clock), &cli, 1)
        .await
        .expect_err("nothing to retry");
    assert!(matches!(not_dead, AppError::Conflict(_)));

    let rules = isj_tracker::domain::reminders::ReminderRules {
        offsets: vec![],
        ..Default::default()
    };
    assert!(matches!(
        app::settings::set_reminder_rules(ctx(&db, &clock), &cli, rules).await,
        Err(AppError::Invalid { .. })
    ));
    let audited = scalar(
        &db,
        "SELECT COUNT(*) FROM change_log WHERE actor = 'linie de comandă' AND batch_id IS NULL",
    )
    .await;
    assert_eq!(audited, 3, "campaign, extension, case closed");
}

/// The same refusal, word for word, from the staff page, a director's link and an import row.
#[tokio::test]
async fn the_same_rule_refuses_from_every_door() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let cases = format!("Cod SIIIR;Nr. dosar;Instanța\r\n{A};10/97/2026;Tribunalul Hunedoara\r\n");
    let file = write_file(&app.db, "dosare.csv", cases.as_bytes());
    assert_eq!(
        app.db
            .cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    let today =
        isj_tracker::domain::calendar::local_date(app.clock.now(), chrono_tz::Europe::Bucharest)
            .format("%Y-%m-%d")
            .to_string();

    // Staff page.
    let csrf = app.csrf_of(&app.client).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("step", "account_created"),
        ("on", today.as_str()),
    ];
    let response = app
        .client
        .post(app.url(&format!("/schools/{A}/step")))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 303);
    let (_, page) = app.get_text(&format!("/schools/{A}")).await;
    assert!(page.contains(NO_APPROVAL), "staff page");

    // Director's link.
    let connection = app.db.connect().await;
    let token =
        isj_tracker::app::links::issue(&connection, A, Purpose::Progress, None, app.clock.now())
            .await
            .expect("link");
    let page = app
        .anonymous
        .post(app.url(&format!("/l/{token}")))
        .form(&[("step", "account_created"), ("on", today.as_str())])
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page");
    assert!(page.contains(NO_APPROVAL), "director's link: {page}");

    // Import row: the row and the column are named.
    let people = format!(
        "Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon;Data creare cont D.E.N.\r\n{A};Pop Ana;director;scoala@exemplu.ro;0722000001;{today}\r\n"
    );
    let file = write_file(&app.db, "persoane.csv", people.as_bytes());
    let run = app.db.cli(&[
        "import",
        "designees",
        &file.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 3, "{}", run.stdout);
    let rejected = &run.json()["rejected"][0];
    assert_eq!(
        (rejected["row"].as_u64(), rejected["column"].as_str()),
        (Some(2), Some("Data creare cont D.E.N."))
    );
    assert!(
        rejected["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with(NO_APPROVAL)
    );
    assert_eq!(
        scalar(&connection, "SELECT COUNT(*) FROM designee").await,
        0,
        "nothing of the refused row is written"
    );
}
