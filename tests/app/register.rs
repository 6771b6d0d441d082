//! The register as a projection of the change log, over real HTTP: a change is seen by the
//! next request whatever was being read when it landed; versions follow commit order on
//! PostgreSQL and another process sees every change; sign-ins and exports are not changes;
//! each correction from its page, with its sentence and its mail; a refused access request,
//! a new one and the approval; a filtered list and its download hold the same rows.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use isj_tracker::app::{self, Actor, Ctx};
use isj_tracker::clock::{Clock, FixedClock};
use isj_tracker::domain::cases::{HearingFacts, HearingSource};
use isj_tracker::domain::staff::Role;

use super::helpers::*;

const A: &str = "2061100733";
const B: &str = "2061103288";

/// HD schools and two cases of school A (and one of B) on the real clock.
async fn app_with_cases() -> TestApp {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let list = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Calitate\r\n{A};10/97/2026;Tribunalul Hunedoara;pârât\r\n{A};11/97/2026;Tribunalul Hunedoara;pârât\r\n{B};11/97/2026;Tribunalul Hunedoara;reclamant\r\n"
    );
    let file = write_file(&app.db, "dosare.csv", list.as_bytes());
    let run = app.db.cli(&["import", "cases", &file.to_string_lossy()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    app
}

async fn case_id(app: &TestApp, number: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT id FROM court_case WHERE number = '{number}'"
        ))
        .await
}

fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn shown(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// The number of hearings the agenda counts for a year ahead.
fn agenda_count(page: &str) -> u64 {
    let end = page.find(" termen").expect("a count");
    let start = page[..end].rfind('>').map_or(0, |i| i + 1);
    page[start..end].trim().parse().expect("number")
}

/// A gauge of `/metrics` (this server's register version, the log's version).
async fn gauge(app: &TestApp, name: &str) -> i64 {
    let text = app
        .anonymous
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_landing_while_the_register_is_read_is_seen_by_the_next_request() {
    let app = Arc::new(app_with_cases().await);
    let id = case_id(&app, "10/97/2026").await;
    // Readers keep the lists busy the whole time.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for path in ["/cases", "/hearings?days=365", "/schools", "/"] {
        let (app, stop) = (app.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                assert_eq!(app.get_text(path).await.0, 200);
                n += 1;
            }
            n
        }));
    }
    let (_, agenda) = app.get_text("/hearings?days=365").await;
    let mut expected = agenda_count(&agenda);
    for i in 1..=5 {
        let on = today() + Duration::days(20 + i);
        let posted = app
            .post(
                &format!("/cases/{id}/hearings"),
                &[("on", &iso(on)), ("time", "09:30")],
            )
            .await;
        assert_eq!(posted.status(), 303);
        expected += 1;
        // The very next requests see it: the case page and the agenda's count.
        let (_, page) = app.get_text(&format!("/cases/{id}")).await;
        assert!(page.contains(&shown(on)), "hearing {i} on the case page");
        let (_, agenda) = app.get_text("/hearings?days=365").await;
        assert_eq!(agenda_count(&agenda), expected, "hearing {i} in the agenda");
    }
    // Another process (the command line) commits while the lists are read.
    for n in 0..3 {
        let number = format!("7{n}/97/2026");
        let list = format!("Cod SIIIR;Nr. dosar;Instanța\r\n{B};{number};Tribunalul Hunedoara\r\n");
        let file = write_file(&app.db, &format!("cli{n}.csv"), list.as_bytes());
        assert_eq!(
            app.db
                .cli(&["import", "cases", &file.to_string_lossy()])
                .status,
            0
        );
        let (_, page) = app
            .get_text(&format!("/cases?q={}", number.replace('/', "%2F")))
            .await;
        assert!(
            page.contains("1 dosare găsite"),
            "{number} right after the command"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut reads = 0;
    for reader in readers {
        reads += reader.await.expect("reader");
    }
    assert!(reads > 20, "the readers ran alongside ({reads})");
    assert_eq!(
        gauge(&app, "isj_register_version").await,
        gauge(&app, "isj_change_log_version").await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_versions_follow_commit_order_and_another_process_sees_both() {
    let db = TestDb::new().await;
    if db.is_sqlite() {
        return; // One writer at a time: nothing can commit out of order.
    }
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let list = format!("Cod SIIIR;Nr. dosar;Instanța\r\n{A};10/97/2026;Tribunalul Hunedoara\r\n");
    let file = write_file(&db, "d.csv", list.as_bytes());
    assert_eq!(
        db.cli(&["import", "cases", &file.to_string_lossy()]).status,
        0
    );
    isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
        .expect("key");
    // Process B: a real server on the same database.
    let (_server, address) = super::replicas::replica(&db).await;
    let mut b = super::replicas::through(&db, &address);
    let user = b.create_user("juridic@isj.test", Role::Juridic).await;
    b.client = b.signed_in(&user).await;
    let id = db
        .scalar("SELECT id FROM court_case WHERE number = '10/97/2026'")
        .await as i32;
    let before = gauge(&b, "isj_change_log_version").await;

    // Writer 1 takes its version and holds its transaction open.
    let connection = db.connect().await;
    let first_day = today() + Duration::days(30);
    let held = isj_tracker::db::begin_write(&connection)
        .await
        .expect("begin");
    let facts = HearingFacts {
        on: first_day,
        ..Default::default()
    };
    let hearing =
        isj_tracker::db::hearings::insert(&held, id, &facts, HearingSource::Manual, Utc::now())
            .await
            .expect("insert");
    let change = isj_tracker::domain::change::Change::HearingAdded {
        case: isj_tracker::domain::change::CaseRef {
            id,
            number: "10/97/2026".into(),
            court: "TribunalulHUNEDOARA".into(),
        },
        hearing: isj_tracker::domain::cases::HearingRecord {
            id: hearing,
            case_id: id,
            facts,
            source: HearingSource::Manual,
        },
    };
    let first =
        isj_tracker::db::changes::append(&held, Utc::now(), "unu@isj.test", None, vec![change])
            .await
            .expect("append");
    // Writer 2, a use case, starts after and must wait for writer 1's commit.
    let second_day = today() + Duration::days(31);
    let other = db.connect().await;
    let second = tokio::spawn(async move {
        let clock = isj_tracker::clock::SystemClock;
        let ctx = Ctx::new(&other, &clock, chrono_tz::Europe::Bucharest);
        let facts = HearingFacts {
            on: second_day,
            ..Default::default()
        };
        let actor = Actor::Staff("doi@isj.test".into());
        app::hearings::record(ctx, &actor, id, facts, HearingSource::Manual)
            .await
            .expect("second writer")
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !second.is_finished(),
        "the second writer waits on the counter"
    );
    held.commit().await.expect("commit");
    second.await.expect("task");
    let versions: i64 = db
        .scalar(&format!(
            "SELECT MAX(version) FROM change_log WHERE version > {before}"
        ))
        .await;
    assert_eq!(
        first[0].version,
        before + 1,
        "the first to commit is the lower"
    );
    assert_eq!(versions, before + 2, "the second follows it");

    // Process B sees both changes within a second, on its pages.
    let started = std::time::Instant::now();
    loop {
        let (_, page) = b.get_text(&format!("/cases/{id}")).await;
        if page.contains(&shown(first_day)) && page.contains(&shown(second_day)) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "both hearings on the other process's page within a second"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(gauge(&b, "isj_register_version").await, before + 2);
}

#[tokio::test]
async fn a_sign_in_and_an_export_leave_the_register_version_unchanged() {
    let app = app_with_cases().await;
    let (_, _) = app.get_text("/").await;
    let version = gauge(&app, "isj_register_version").await;
    let logged = gauge(&app, "isj_change_log_version").await;
    let user = app.create_user("inspector@isj.test", Role::Inspector).await;
    let version_after_user = gauge(&app, "isj_change_log_version").await;
    for client in [app.signed_in(&user).await, app.signed_in_later(&user).await] {
        assert_eq!(
            client.get(app.url("/")).send().await.expect("GET").status(),
            200
        );
    }
    let download = app
        .client
        .get(app.url("/reports/den-status.xlsx"))
        .send()
        .await
        .expect("GET");
    assert_eq!(download.status(), 200);
    assert_eq!(
        gauge(&app, "isj_change_log_version").await,
        version_after_user,
        "sign-ins and exports are not changes"
    );
    assert_eq!(
        version_after_user, logged,
        "an account made by the tests is no change either"
    );
    assert_eq!(gauge(&app, "isj_register_version").await, version);
    assert!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export raport'")
            .await
            == 1
            && app
                .db
                .scalar("SELECT COUNT(*) FROM audit_log WHERE actor = 'inspector@isj.test'")
                .await
                >= 2,
        "they are in the security log"
    );
}

/// Monday 23.11.2026 09:00 in Bucharest, a campaign until 11.12.2026, a hearing of case
/// 10/97/2026 on Thursday 26.11 (reminded three days before), set up on that clock.
async fn app_before_a_hearing() -> (TestApp, Arc<dyn Clock>, i32, i32) {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(
        Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0)
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
    let list = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Termen următor\r\n{A};10/97/2026;Tribunalul Hunedoara;26.11.2026\r\n{A};11/97/2026;Tribunalul Hunedoara;\r\n"
    );
    let file = write_file(&app.db, "d.csv", list.as_bytes());
    let file = file.to_string_lossy().into_owned();
    assert_eq!(app.db.cli_on(&clock, &["import", "cases", &file]).await, 0);
    let people = format!(
        "Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon\r\n{A};Pop Ana;director;director@scoala-a.ro;0722000001\r\n"
    );
    let people = write_file(&app.db, "p.csv", people.as_bytes());
    let people = people.to_string_lossy().into_owned();
    assert_eq!(
        app.db
            .cli_on(&clock, &["import", "designees", &people])
            .await,
        0
    );
    let deadline = ["campaign", "set", "--deadline", "2026-12-11"];
    assert_eq!(app.db.cli_on(&clock, &deadline).await, 0);
    let case = app
        .db
        .scalar("SELECT id FROM court_case WHERE number = '10/97/2026'")
        .await as i32;
    let hearing = app
        .db
        .scalar(&format!("SELECT id FROM hearing WHERE case_id = {case}"))
        .await as i32;
    (app, clock, case, hearing)
}

async fn queued_hearing_reminders(app: &TestApp) -> i64 {
    app.db
        .scalar("SELECT COUNT(*) FROM mail_item JOIN outbox ON outbox.id = mail_item.outbox_id WHERE mail_item.item_key LIKE 'hearing:%' AND outbox.status = 'pending'")
        .await
}

#[tokio::test]
async fn a_hearing_is_corrected_then_deleted_from_its_page_with_sentences_mail_and_calendar() {
    let (app, clock, case, hearing) = app_before_a_hearing().await;
    assert_eq!(app.db.cli_on(&clock, &["reminders", "run"]).await, 0);
    assert!(
        queued_hearing_reminders(&app).await > 0,
        "reminded of the 26th"
    );

    // Typed wrong: it was the 25th at 10:00, panel C3.
    let moved = app
        .post(
            &format!("/hearings/{hearing}/correct"),
            &[("on", "2026-11-25"), ("time", "10:00"), ("panel", "C3")],
        )
        .await;
    assert_eq!(moved.status(), 303);
    assert_eq!(
        queued_hearing_reminders(&app).await,
        0,
        "the old day's reminder is withdrawn"
    );
    let (_, page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(
        page.contains("Termenul a fost corectat: 25.11.2026"),
        "{page}"
    );
    assert!(page.contains(
        "a mutat termenul dosarului 10/97/2026 (Tribunalul Hunedoara) de la 26.11.2026 la 25.11.2026 10:00"
    ));
    // The next pass plans the reminder for the new day.
    assert_eq!(app.db.cli_on(&clock, &["reminders", "run"]).await, 0);
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM mail_item WHERE item_key LIKE 'hearing:%:2026-11-25>%'")
            .await,
        2,
        "to the school's address and to the designee's"
    );

    // Deleted: gone from the agenda and the case page, cancelled in the calendar.
    let refused = app
        .post(&format!("/hearings/{hearing}/delete"), &[("reason", "")])
        .await;
    assert_eq!(refused.status(), 303);
    let (_, page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(
        page.contains("Scrieți de ce se șterge termenul"),
        "a reason is asked"
    );
    app.post(
        &format!("/hearings/{hearing}/delete"),
        &[("reason", "introdus greșit")],
    )
    .await;
    assert_eq!(queued_hearing_reminders(&app).await, 0);
    let (_, agenda) = app.get_text("/hearings?days=30").await;
    assert!(!agenda.contains("10/97/2026"), "not in the agenda");
    let (_, page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(page.contains("Termene de judecată (0)"));
    assert!(
        page.contains("a șters termenul din 25.11.2026 10:00, complet C3 al dosarului 10/97/2026")
    );
    let (_, security) = app.get_text("/account/security").await;
    let feed_url = security
        .split("<code class=\"wrap\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("calendar address")
        .trim_start_matches("https://isj.test")
        .to_string();
    let feed = app
        .anonymous
        .get(app.url(&feed_url))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let uid = format!("UID:hearing-{hearing}@isj-tracker");
    let event = feed
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(&uid))
        .expect("the event is still there, cancelled");
    assert!(event.contains("STATUS:CANCELLED"), "{event}");
    // The audit trail filters by case and by kind.
    let (_, trail) = app
        .get_text("/audit?dosar=10%2F97%2F2026&tip=termene")
        .await;
    assert!(trail.contains("a mutat termenul") && trail.contains("a șters termenul"));
    assert!(!trail.contains("a adăugat dosarul"), "{trail}");
}

#[tokio::test]
async fn a_portal_hearing_is_marked_wrong_and_never_comes_back() {
    let (app, clock, case, _) = app_before_a_hearing().await;
    let connection = app.db.connect().await;
    let ctx = Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest);
    let facts = HearingFacts {
        on: NaiveDate::from_ymd_opt(2026, 12, 3).expect("day"),
        time: "09:00".into(),
        panel: "C1".into(),
        ..Default::default()
    };
    let portal = Actor::System("portal.just.ro");
    let stored = app::hearings::record(ctx, &portal, case, facts.clone(), HearingSource::Portal)
        .await
        .expect("from the portal");
    app.post(
        &format!("/hearings/{}/delete", stored.id),
        &[("reason", "altă ședință")],
    )
    .await;
    let (_, page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(page.contains("a fost marcat ca greșit"), "{page}");
    assert!(page.contains("a marcat ca greșit termenul din 03.12.2026 09:00, complet C1"));
    // The portal reports it again: nothing comes back.
    app::hearings::record(ctx, &portal, case, facts, HearingSource::Portal)
        .await
        .expect("again");
    let (_, page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(!page.contains("<strong>03.12.2026 ora 09:00"), "{page}");
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM hearing WHERE case_id = {case} AND removed_at IS NOT NULL"
            ))
            .await,
        1
    );
}

#[tokio::test]
async fn a_cases_schools_their_roles_and_an_extension_are_corrected() {
    let (app, _clock, case, _) = app_before_a_hearing().await;
    let base = format!("/cases/{case}");
    // Another school joins the case (an attached unit goes to its PJ) and changes role.
    app.post(
        &format!("{base}/schools"),
        &[("school", B), ("role", "intervenient")],
    )
    .await;
    let (_, page) = app.get_text(&base).await;
    assert!(
        page.contains(&format!("Unitatea {B} a fost adăugată în dosar")),
        "{page}"
    );
    app.post(
        &format!("{base}/schools/{B}/role"),
        &[("role", "reclamant")],
    )
    .await;
    let (_, page) = app.get_text(&base).await;
    assert!(page.contains("din „intervenient” în „reclamant”"), "{page}");
    // A link with a D.E.N. step asks for the confirmation that names it.
    let today = "2026-11-23";
    app.post(
        &format!("/schools/{A}/step"),
        &[
            ("step", "access_requested"),
            ("case", &case.to_string()),
            ("on", today),
        ],
    )
    .await;
    app.post(&format!("{base}/schools/{A}/remove"), &[]).await;
    let (_, page) = app.get_text(&base).await;
    assert!(
        page.contains("Unitatea are în acest dosar cererea de acces din 23.11.2026"),
        "{page}"
    );
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM case_school WHERE case_id = {case}"
            ))
            .await,
        2
    );
    app.post(&format!("{base}/schools/{A}/remove"), &[("confirm", "da")])
        .await;
    let (_, page) = app.get_text(&base).await;
    assert!(page.contains("Unități în dosar (1)"), "{page}");
    assert!(page.contains("a scos ") && page.contains("din dosarul 10/97/2026"));
    // The last school stays.
    app.post(&format!("{base}/schools/{B}/remove"), &[("confirm", "da")])
        .await;
    let (_, page) = app.get_text(&base).await;
    assert!(
        page.contains("trebuie să rămână cu cel puțin o unitate"),
        "{page}"
    );

    // An extension granted, then withdrawn: queued deadline reminders go back to the planner.
    app.post(
        &format!("/schools/{A}/extension"),
        &[("until", "2027-01-29"), ("reason", "director nou")],
    )
    .await;
    app.post(&format!("/schools/{A}/extension/withdraw"), &[])
        .await;
    let (_, page) = app.get_text(&format!("/schools/{A}")).await;
    assert!(page.contains("Prelungirea a fost retrasă"), "{page}");
    assert!(page.contains("a retras prelungirea termenului unității"));
    assert!(!page.contains("29.01.2027 — director nou"));
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM campaign_extension")
            .await,
        0
    );
}

#[tokio::test]
async fn an_admin_changes_a_role_the_holder_is_mailed_and_never_ones_own() {
    let app = spawn_app().await;
    let admin_user = app.create_user("admin@isj.test", Role::Admin).await;
    let admin = app.signed_in(&admin_user).await;
    let holder = app.create_user("ion@isj.test", Role::Inspector).await;
    let id = app
        .db
        .scalar("SELECT id FROM staff_user WHERE email = 'ion@isj.test'")
        .await;
    let own = app
        .db
        .scalar("SELECT id FROM staff_user WHERE email = 'admin@isj.test'")
        .await;
    app.post_as(&admin, &format!("/users/{id}/role"), &[("role", "juridic")])
        .await;
    assert_eq!(
        app.db
            .scalar(
                "SELECT COUNT(*) FROM staff_user WHERE email = 'ion@isj.test' AND role = 'juridic'"
            )
            .await,
        1
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'ion@isj.test' AND kind = 'security' AND body_text LIKE '%„compartiment juridic”%'")
            .await,
        1,
        "the holder is told"
    );
    // The new role holds on the holder's next page.
    let client = app.signed_in(&holder).await;
    assert_eq!(
        client
            .get(app.url("/audit"))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
    app.post_as(
        &admin,
        &format!("/users/{own}/role"),
        &[("role", "inspector")],
    )
    .await;
    assert_eq!(
        app.db
            .scalar(
                "SELECT COUNT(*) FROM staff_user WHERE email = 'admin@isj.test' AND role = 'admin'"
            )
            .await,
        1,
        "never one's own"
    );
    // A juridic member cannot change roles.
    let refused = app
        .post(&format!("/users/{id}/role"), &[("role", "admin")])
        .await;
    assert_eq!(refused.status(), 403);
    let (_, trail) = app.get_text("/audit?tip=conturi").await;
    assert!(
        trail.contains("a schimbat rolul contului ion@isj.test din „inspector (doar citire)” în „compartiment juridic”"),
        "{trail}"
    );
}

#[tokio::test]
async fn a_refused_request_is_refused_a_new_one_follows_then_the_approval() {
    let app = app_with_cases().await;
    let case = case_id(&app, "10/97/2026").await.to_string();
    let day = |offset: i64| iso(today() - Duration::days(offset));
    async fn step(app: &TestApp, case: &str, kind: &str, on: String) -> String {
        let fields = [("step", kind), ("case", case), ("on", on.as_str())];
        app.post(&format!("/schools/{A}/step"), &fields).await;
        app.get_text(&format!("/schools/{A}")).await.1
    }
    step(&app, &case, "access_requested", day(10)).await;
    app.post(
        &format!("/cases/{case}/access-refused"),
        &[
            ("school", A),
            ("on", &day(8)),
            ("reason", "cerere incompletă"),
        ],
    )
    .await;
    let (_, school) = app.get_text(&format!("/schools/{A}")).await;
    assert!(
        school.contains("0 din 2 dosare pe rol cu cerere de acces"),
        "a refused request is not a request that stands: {school}"
    );
    let approval = step(&app, &case, "access_approved", day(7)).await;
    assert!(
        approval.contains("a fost respinsă de instanță; înregistrați întâi o cerere nouă"),
        "{approval}"
    );
    let again = step(&app, &case, "access_requested", day(6)).await;
    assert!(
        again.contains("1 din 2 dosare pe rol cu cerere de acces"),
        "{again}"
    );
    let approved = step(&app, &case, "access_approved", day(2)).await;
    assert!(
        approved.contains("Pas înregistrat: acces aprobat"),
        "{approved}"
    );
    let (_, case_page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(
        !case_page.contains("respins "),
        "the refusal gave way to the new request"
    );
    let (_, trail) = app.get_text(&format!("/audit?unitate={A}&tip=acces")).await;
    for sentence in [
        "a înregistrat cererea de acces electronic",
        "a înregistrat respingerea accesului electronic",
        "a înregistrat aprobarea accesului electronic",
    ] {
        assert!(trail.contains(sentence), "{sentence}: {trail}");
    }
}

/// The cases of `page` (their numbers, in order).
fn case_numbers(page: &str) -> Vec<String> {
    page.split("<a href=\"/cases/")
        .skip(1)
        .filter_map(|s| s.split('>').nth(1))
        .filter_map(|s| s.split('<').next())
        .filter(|n| n.contains('/'))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_filtered_list_and_its_download_hold_the_same_rows() {
    use calamine::{Reader, open_workbook_auto};
    let app = spawn_app().await;
    // The national network: far more than 2,000 schools match „școala”.
    assert_eq!(app.db.import(&national_xlsx(), &[]).status, 0);
    let codes: Vec<String> = {
        let connection = app.db.connect().await;
        let rows = sea_orm::ConnectionTrait::query_all_raw(
            &connection,
            sea_orm::Statement::from_string(
                connection.get_database_backend(),
                "SELECT code FROM school WHERE status = 'PJ' AND search_key LIKE '%scoala%' ORDER BY code DESC LIMIT 2600".to_string(),
            ),
        )
        .await
        .expect("query");
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0).expect("code"))
            .collect()
    };
    assert!(codes.len() > 2500);
    let mut list = String::from("Cod SIIIR;Nr. dosar;Instanța\r\n");
    for (i, code) in codes.iter().enumerate() {
        list.push_str(&format!(
            "{code};{}/97/2026;Tribunalul Hunedoara\r\n",
            1000 + i
        ));
    }
    let file = write_file(&app.db, "many.csv", list.as_bytes());
    assert_eq!(
        app.db
            .cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    let deadline = day_from_today(60);
    assert_eq!(
        app.db
            .cli(&["campaign", "set", "--deadline", &deadline])
            .status,
        0
    );

    // Diacritics in the query, none in the names (and the other way round): the same rows.
    let query = "%C8%99coala";
    let (_, first) = app.get_text(&format!("/cases?q={query}")).await;
    let total: usize = {
        let end = first.find(" dosare găsite").expect("count");
        let start = first[..end].rfind('>').map_or(0, |i| i + 1);
        first[start..end]
            .replace('.', "")
            .trim()
            .parse()
            .expect("total")
    };
    assert!(total > 2000, "{total} cases of schools named „școala”");
    let download = app
        .client
        .get(app.url(&format!("/reports/cases.xlsx?q={query}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(download.status(), 200);
    let path = app.db.dir.path().join("cases.xlsx");
    std::fs::write(&path, download.bytes().await.expect("body")).expect("save");
    let mut book = open_workbook_auto(&path).expect("xlsx");
    let sheet = book.worksheet_range("Dosare").expect("sheet");
    let numbers: Vec<String> = sheet
        .rows()
        .skip(5)
        .map(|r| r[0].to_string())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(
        numbers.len(),
        total,
        "the download holds every row of the list"
    );
    assert_eq!(
        case_numbers(&first),
        numbers[..case_numbers(&first).len()].to_vec()
    );
    let pages = total.div_ceil(50);
    let (_, last) = app
        .get_text(&format!("/cases?q={query}&page={pages}"))
        .await;
    let tail = case_numbers(&last);
    assert_eq!(
        tail,
        numbers[numbers.len() - tail.len()..].to_vec(),
        "in the same order"
    );

    // The school list's D.E.N. filter and the D.E.N. report: the same schools.
    let (_, blocked) = app
        .get_text("/schools?stare=blocat&q=gimnaziala%20nr")
        .await;
    let listed = {
        let end = blocked.find(" unități găsite").expect("count");
        let start = blocked[..end].rfind('>').map_or(0, |i| i + 1);
        blocked[start..end]
            .replace('.', "")
            .trim()
            .parse::<usize>()
            .expect("total")
    };
    let report = app
        .client
        .get(app.url("/reports/den-status.xlsx?stare=blocat&q=gimnaziala%20nr"))
        .send()
        .await
        .expect("GET");
    let path = app.db.dir.path().join("den.xlsx");
    std::fs::write(&path, report.bytes().await.expect("body")).expect("save");
    let mut book = open_workbook_auto(&path).expect("xlsx");
    let sheet = book.worksheet_range("Situație D.E.N.").expect("sheet");
    let rows = sheet
        .rows()
        .skip(5)
        .filter(|r| !r[0].to_string().is_empty())
        .count();
    assert!(listed > 50, "{listed}");
    assert_eq!(rows, listed);
}
