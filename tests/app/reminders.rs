//! Reminders over weeks of simulated time (a fixed clock moved hour by hour), across both DST
//! changes of 2026 and Romanian holidays, with the real pass and the real outbox; and the
//! directors' one-time links over HTTP.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use isj_tracker::app::outbox::deliver_due;
use isj_tracker::app::reminders::{PassOutcome, run_pass};
use isj_tracker::clock::Clock;
use isj_tracker::domain::calendar::is_working_day;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use super::helpers::*;
use super::mail::mailer;

const A: &str = "2061100733";
const B: &str = "2061103288";
const BLOCKED: &str = "2061100507";

/// HD schools; A and B have cases and share a designee's address; a third school has none.
/// Set up on Monday 05.01.2026 09:00 in Bucharest (commands run in-process on that clock).
pub async fn scenario(deadline: &str) -> TestDb {
    let clock: std::sync::Arc<dyn Clock> = std::sync::Arc::new(isj_tracker::clock::FixedClock(
        Utc.with_ymd_and_hms(2026, 1, 5, 7, 0, 0)
            .single()
            .expect("instant"),
    ));
    let db = TestDb::new().await;
    let path = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    let schools = path(hd_csv());
    assert_eq!(db.cli_on(&clock, &["import", "schools", &schools]).await, 0);
    let cases = format!(
        "Cod SIIIR;Nr. dosar;Instanța\r\n{A};10/97/2026;Tribunalul Hunedoara\r\n{B};11/97/2026;Tribunalul Hunedoara\r\n"
    );
    let cases = path(write_file(&db, "c.csv", cases.as_bytes()));
    assert_eq!(db.cli_on(&clock, &["import", "cases", &cases]).await, 0);
    let designees = format!(
        "Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon\r\n{A};Pop Ana;director;comun@scoli.test;0722000001\r\n{B};Ene Dan;director;comun@scoli.test;0722000002\r\n{BLOCKED};Ilie Vlad;secretar;blocat@scoli.test;0722000003\r\n"
    );
    let designees = path(write_file(&db, "d.csv", designees.as_bytes()));
    assert_eq!(
        db.cli_on(&clock, &["import", "designees", &designees])
            .await,
        0
    );
    let set = ["campaign", "set", "--deadline", deadline];
    assert_eq!(db.cli_on(&clock, &set).await, 0);
    db
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<(String, String)> {
    let found = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .expect("query");
    found
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).unwrap_or_default(),
                r.try_get_by_index::<String>(1).unwrap_or_default(),
            )
        })
        .collect()
}

/// Runs the heartbeat every hour from `from` for `days`, skipping the hours in `outage`.
async fn simulate(
    db: &TestDb,
    from: DateTime<Utc>,
    days: i64,
    outage: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> DatabaseConnection {
    let connection = db.connect().await;
    let config = test_config(db);
    let mailer = mailer(db, None);
    let clock = Movable::at(from);
    let key =
        isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
            .expect("key");
    for _ in 0..days * 24 {
        let now = clock.now();
        if !outage.is_some_and(|(start, end)| now >= start && now < end) {
            pass_at(&connection, &key, &config, &mailer.domain, now)
                .await
                .expect("pass");
            deliver_due(
                isj_tracker::app::Ctx::new(
                    &connection,
                    clock.as_ref(),
                    chrono_tz::Europe::Bucharest,
                ),
                &mailer,
            )
            .await
            .expect("delivery");
        }
        clock.advance(Duration::hours(1));
    }
    connection
}

/// (item key, sent at) of every delivered item.
async fn delivered(connection: &DatabaseConnection) -> Vec<(String, DateTime<Utc>)> {
    let sql = "SELECT mail_item.item_key, outbox.status FROM mail_item JOIN outbox ON outbox.id = mail_item.outbox_id";
    let statuses = rows(connection, sql).await;
    assert!(
        statuses.iter().all(|(_, s)| s == "sent"),
        "everything planned was sent: {statuses:?}"
    );
    let found = connection
        .query_all_raw(Statement::from_string(
            connection.get_database_backend(),
            "SELECT mail_item.item_key, outbox.sent_at FROM mail_item JOIN outbox ON outbox.id = mail_item.outbox_id".to_string(),
        ))
        .await
        .expect("query");
    found
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).unwrap_or_default(),
                r.try_get_by_index::<DateTime<Utc>>(1).unwrap_or_default(),
            )
        })
        .collect()
}

fn local(at: DateTime<Utc>) -> chrono::DateTime<chrono_tz::Tz> {
    at.with_timezone(&chrono_tz::Europe::Bucharest)
}

fn assert_in_window(sent: &[(String, DateTime<Utc>)], holiday: NaiveDate) {
    for (key, at) in sent {
        let local = local(*at);
        assert!((8..18).contains(&local.hour()), "{key} sent at {local}");
        assert!(
            is_working_day(local.date_naive()),
            "{key} sent on {}",
            local.date_naive()
        );
        assert_ne!(local.date_naive(), holiday, "{key}");
    }
}

fn reminder_days(
    sent: &[(String, DateTime<Utc>)],
    school: &str,
    recipient: &str,
) -> Vec<(String, NaiveDate)> {
    let mut days: Vec<(String, NaiveDate)> = sent
        .iter()
        .filter(|(k, _)| {
            k.contains(&format!(":{school}:"))
                && k.ends_with(&format!(">{recipient}"))
                && !k.starts_with("confirm")
        })
        .map(|(k, at)| {
            (
                k.split('>').next().unwrap_or_default().to_string(),
                local(*at).date_naive(),
            )
        })
        .collect();
    days.sort_by_key(|(_, d)| *d);
    days
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[tokio::test]
async fn spring_across_the_dst_change_and_orthodox_easter() {
    // Deadline Tuesday 14.04.2026, the day after Orthodox Easter Monday; clocks go forward on 29.03.
    let db = scenario("2026-04-14").await;
    let start = Utc
        .with_ymd_and_hms(2026, 3, 23, 0, 0, 0)
        .single()
        .expect("start");
    let connection = simulate(&db, start, 30, None).await;
    let sent = delivered(&connection).await;
    assert_in_window(&sent, day(2026, 4, 13));
    let a = reminder_days(&sent, A, "comun@scoli.test");
    let expected = vec![
        (
            "reminder:2061100733:1:14:2026-04-14".to_string(),
            day(2026, 3, 31),
        ),
        (
            "reminder:2061100733:1:7:2026-04-14".to_string(),
            day(2026, 4, 7),
        ),
        // 3 days before is Saturday 11.04 and the Friday is Good Friday: Thursday 09.04. The
        // 1-day reminder (Easter Monday) also falls back to that Thursday: one mail, the latest stage.
        (
            "reminder:2061100733:1:1:2026-04-14".to_string(),
            day(2026, 4, 9),
        ),
        (
            "overdue:2061100733:1:2026-04-14:0".to_string(),
            day(2026, 4, 15),
        ),
    ];
    assert_eq!(a, expected);
    // The first reminder goes at the first heartbeat of the window, 08:00 summer time.
    let first = sent
        .iter()
        .find(|(k, _)| k.starts_with("reminder:2061100733:1:14"))
        .map(|(_, at)| local(*at))
        .expect("first");
    assert_eq!((first.hour(), first.minute()), (8, 0));
    // The blocked school only gets the confirmation request (its designee is unconfirmed).
    let mut blocked: Vec<&String> = sent
        .iter()
        .map(|(k, _)| k)
        .filter(|k| k.contains(BLOCKED))
        .collect();
    blocked.sort();
    assert_eq!(
        blocked,
        vec![
            "confirm:2061100507:1:3>blocat@scoli.test",
            "confirm:2061100507:1:3>scoalabacia@yahoo.com"
        ],
        "designee and official address"
    );
}

#[tokio::test]
async fn autumn_across_the_dst_change_and_national_day_with_an_outage() {
    // Deadline Wednesday 02.12.2026; 30.11 and 01.12 are holidays; clocks go back on 25.10.
    let db = scenario("2026-12-02").await;
    let start = Utc
        .with_ymd_and_hms(2026, 10, 20, 0, 0, 0)
        .single()
        .expect("start");
    // The service is down from 07:00 to 11:00 (winter time) on 25.11, the 7-day reminder's day.
    let outage = (
        Utc.with_ymd_and_hms(2026, 11, 25, 5, 0, 0)
            .single()
            .expect("t"),
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
            .single()
            .expect("t"),
    );
    let connection = simulate(&db, start, 55, Some(outage)).await;
    let sent = delivered(&connection).await;
    assert_in_window(&sent, day(2026, 12, 1));
    let a = reminder_days(&sent, A, "comun@scoli.test");
    assert_eq!(
        a[0],
        (
            "reminder:2061100733:1:14:2026-12-02".to_string(),
            day(2026, 11, 18)
        )
    );
    assert_eq!(
        a[1],
        (
            "reminder:2061100733:1:7:2026-12-02".to_string(),
            day(2026, 11, 25)
        )
    );
    let caught_up = sent
        .iter()
        .find(|(k, _)| k.starts_with("reminder:2061100733:1:7"))
        .map(|(_, at)| local(*at))
        .expect("7-day");
    assert_eq!(
        caught_up.hour(),
        11,
        "caught up at the first heartbeat after the outage, once"
    );
    // 3 days before is Sunday 29.11, 1 day before is 01.12 and 30.11 is a holiday too: both fall
    // back to Friday 27.11, which gets one reminder, the latest stage.
    assert_eq!(
        a[2],
        (
            "reminder:2061100733:1:1:2026-12-02".to_string(),
            day(2026, 11, 27)
        )
    );
    assert_eq!(
        a[3],
        (
            "overdue:2061100733:1:2026-12-02:0".to_string(),
            day(2026, 12, 3)
        ),
        "first overdue notice the day after the deadline"
    );

    // One digest per recipient and day: A and B share an address and get one mail with both.
    let first_day = rows(
        &connection,
        "SELECT outbox.subject, outbox.body_text FROM outbox JOIN mail_item ON mail_item.outbox_id = outbox.id \
         WHERE outbox.recipient = 'comun@scoli.test' AND mail_item.item_key LIKE 'reminder:%:14:%'",
    )
    .await;
    assert!(!first_day.is_empty());
    assert!(
        first_day
            .iter()
            .all(|(subject, _)| subject.contains("rezumat zilnic pentru 2 unități")),
        "{first_day:?}"
    );
    let (_, body) = &first_day[0];
    assert!(body.contains(A) && body.contains(B));
    assert!(
        body.contains("https://isj.test/l/[[token:"),
        "tokens are stored sealed, never in the body"
    );
    assert!(
        body.contains("https://isj.test/confidentialitate"),
        "school mail links the information notice on personal data"
    );
    // Escalation to the legal department, once per school.
    let legal = rows(
        &connection,
        "SELECT item_key, kind FROM mail_item WHERE item_key LIKE 'escalation:%>juridic@isj.test'",
    )
    .await;
    assert_eq!(legal.len(), 2, "{legal:?}");
    // The .eml files carry real links.
    let outbox_dir = db.dir.path().join("outbox");
    let eml = std::fs::read_dir(&outbox_dir)
        .expect("eml folder")
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .find(|m| m.contains("comun@scoli.test"))
        .expect("a mail to the shared address");
    let unfolded = eml.replace("=\r\n", "").replace("=\n", "");
    let at = unfolded
        .find("https://isj.test/l/")
        .expect("link in the mail")
        + "https://isj.test/l/".len();
    assert!(
        unfolded[at..at + 64].chars().all(|c| c.is_ascii_hexdigit()),
        "a 256-bit token"
    );
    let subject = super::mail::header(&eml, "Subject").unwrap_or_default();
    assert!(
        subject.to_lowercase().contains("=?utf-8?"),
        "RFC 2047 encoded words: {subject}"
    );
}

#[tokio::test]
async fn a_new_deadline_cancels_queued_reminders_that_no_longer_apply() {
    let db = scenario("2026-12-02").await;
    let connection = db.connect().await;
    let config = test_config(&db);
    let mailer = mailer(&db, None);
    let key =
        isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
            .expect("key");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
        .single()
        .expect("t");
    let planned = pass_at(&connection, &key, &config, &mailer.domain, at)
        .await
        .expect("pass");
    assert!(
        planned
            .mails
            .iter()
            .any(|m| m.items.iter().any(|i| i.starts_with("reminder:")))
    );
    assert_eq!(
        db.set_campaign("2027-01-15", "2026-11-02T09:00:00+02:00")
            .status,
        0
    );
    let cancelled = scalar(
        &connection,
        "SELECT COUNT(*) FROM outbox WHERE status = 'cancelled'",
    )
    .await;
    assert!(cancelled > 0);
    assert_eq!(
        scalar(
            &connection,
            "SELECT COUNT(*) FROM mail_item WHERE item_key LIKE 'reminder:%2026-12-02%'"
        )
        .await,
        0
    );
    // The next pass plans again for the new deadline (no reminder due yet, 51 days away).
    let again = pass_at(
        &connection,
        &key,
        &config,
        &mailer.domain,
        at + Duration::hours(1),
    )
    .await
    .expect("pass");
    assert!(
        again
            .mails
            .iter()
            .all(|m| m.items.iter().all(|i| !i.starts_with("reminder:"))),
        "{again:?}"
    );
}

#[tokio::test]
async fn reminders_run_prints_what_it_queues_and_dry_run_writes_nothing() {
    let db = scenario("2026-12-02").await;
    let dry = db.cli(&[
        "reminders",
        "run",
        "--at",
        "2026-11-25T09:00:00+02:00",
        "--dry-run",
    ]);
    assert_eq!(dry.status, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("comun@scoli.test") && dry.stdout.contains("s-ar pune în coadă"),
        "{}",
        dry.stdout
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM outbox").await, 0);
    let run = db.cli(&["reminders", "run", "--at", "2026-11-25T09:00:00+02:00"]);
    assert!(run.stdout.contains("puse în coadă"));
    let queued = db.scalar("SELECT COUNT(*) FROM outbox").await;
    assert!(queued > 0);
    assert_eq!(
        db.cli(&["reminders", "run", "--at", "2026-11-25T09:30:00+02:00"])
            .stdout
            .trim(),
        "0 mesaje puse în coadă:"
    );
    let night = db.cli(&["reminders", "run", "--at", "2026-11-25T22:00:00+02:00"]);
    assert!(night.stdout.contains("în afara programului"));
    let holiday = db.cli(&["reminders", "run", "--at", "2026-12-01T10:00:00+02:00"]);
    assert!(
        holiday.stdout.contains("în afara programului"),
        "1 December is a holiday"
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM outbox").await, queued);
}

#[tokio::test]
async fn an_opted_out_address_gets_no_hearing_reminders_but_still_deadline_mail() {
    let db = scenario("2026-12-15").await;
    let connection = db.connect().await;
    // A hearing for school A three days after the pass, the day the 14-day reminder goes.
    connection
        .execute_unprepared(
            "INSERT INTO hearing (case_id, on_date, time, panel, source, created_at, updated_at) \
             SELECT id, '2026-11-30', '', '', 'manual', '2026-11-20 09:00:00+00:00', '2026-11-20 09:00:00+00:00' \
             FROM court_case WHERE number = '10/97/2026'",
        )
        .await
        .expect("hearing");
    let opted_out = Utc
        .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("t");
    isj_tracker::db::settings::opt_out(&connection, "comun@scoli.test", opted_out)
        .await
        .expect("opt out");
    let config = test_config(&db);
    let mailer = mailer(&db, None);
    let key =
        isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
            .expect("key");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 27, 8, 0, 0)
        .single()
        .expect("t");
    let outcome = pass_at(&connection, &key, &config, &mailer.domain, at)
        .await
        .expect("pass");
    let to = |address: &str| {
        outcome
            .mails
            .iter()
            .filter(|m| m.recipient == address)
            .flat_map(|m| m.items.clone())
            .collect::<Vec<_>>()
    };
    let shared = to("comun@scoli.test");
    assert!(
        shared.iter().all(|i| !i.starts_with("hearing:")),
        "{shared:?}"
    );
    assert!(
        shared.iter().any(|i| i.starts_with("reminder:")),
        "deadline mail cannot be refused: {shared:?}"
    );
    let official: Vec<String> = outcome
        .mails
        .iter()
        .filter(|m| m.recipient != "comun@scoli.test")
        .flat_map(|m| m.items.clone())
        .collect();
    assert!(
        official.iter().any(|i| i.starts_with("hearing:")),
        "the school's official address still gets it: {official:?}"
    );
}

/// The reminder pass as the heartbeat runs it, at `at`.
async fn pass_at(
    connection: &sea_orm::DatabaseConnection,
    key: &isj_tracker::auth::secret_key::SecretKey,
    config: &isj_tracker::config::Config,
    domain: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> isj_tracker::app::AppResult<PassOutcome> {
    let clock = isj_tracker::clock::FixedClock(at);
    let ctx = isj_tracker::app::Ctx::new(connection, &clock, config.timezone);
    run_pass(ctx, key, config, domain, false).await
}
