//! Mail through a real SMTP server (aiosmtpd, started per test on 127.0.0.1) and the outbox's
//! promises: nothing lost while the relay is down, 4xx retried, 5xx dead at once, a kill -9
//! with mail in flight costs at most one duplicate, each with the same Message-ID.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use isj_tracker::app::outbox::deliver_due;
use isj_tracker::clock::Clock;
use isj_tracker::domain::outbox::NewMail;
use isj_tracker::mail::{Mailer, Transport};

use super::helpers::*;

/// The Python with aiosmtpd: Debian's (`/usr/bin/python3`) or the one on PATH. Without it the
/// SMTP tests are skipped, unless ISJ_REQUIRE_SMTP=1 (as in CI).
fn python() -> Option<String> {
    let found = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|candidate| {
            Command::new(candidate)
                .args(["-c", "import aiosmtpd"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
    if found.is_none() {
        assert!(
            std::env::var("ISJ_REQUIRE_SMTP").is_err(),
            "aiosmtpd is required here: apt-get install python3-aiosmtpd"
        );
        eprintln!("aiosmtpd absent (apt-get install python3-aiosmtpd): SMTP test skipped");
    }
    found.map(str::to_string)
}

pub struct SmtpSink {
    pub dir: PathBuf,
    child: Child,
}

impl SmtpSink {
    pub fn start(port: u16, dir: &Path, args: &[&str]) -> SmtpSink {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/sink.py");
        let mut child = Command::new(python().expect("checked by the test"))
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
            .expect("ready line");
        assert_eq!(line.trim(), "ready");
        SmtpSink {
            dir: dir.to_path_buf(),
            child,
        }
    }

    /// Message-IDs of the stored messages, in arrival order.
    pub fn message_ids(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        files.sort();
        files
            .iter()
            .filter_map(|p| {
                header(
                    &std::fs::read_to_string(p).unwrap_or_default(),
                    "Message-ID",
                )
            })
            .collect()
    }

    pub fn attempts(&self) -> u32 {
        std::fs::read_to_string(self.dir.join("attempts"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

pub fn header(message: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_lowercase());
    message
        .lines()
        .find(|l| l.to_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

pub fn mailer(db: &TestDb, smtp_port: Option<u16>) -> Mailer {
    let key =
        isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
            .expect("key");
    let url = smtp_port.map(|p| format!("smtp://127.0.0.1:{p}"));
    Mailer {
        transport: Transport::from_config(url.as_deref(), db.dir.path().join("outbox"), 5)
            .expect("transport"),
        from: "ISJ Hunedoara <juridic@isj.test>".parse().expect("from"),
        domain: "isj.test".into(),
        key: Arc::new(key),
        timezone: chrono_tz::Europe::Bucharest,
    }
}

/// Queues `n` mails that ignore the sending window (like security mail).
pub async fn queue(db: &TestDb, n: usize, now: DateTime<Utc>) {
    let connection = db.connect().await;
    for i in 0..n {
        let mail = NewMail {
            dedupe_key: format!("test:{i}"),
            kind: isj_tracker::domain::outbox::MailKind::Test,
            recipient: format!("director{i}@scoala.test"),
            subject: format!("Mesaj {i} — școală"),
            body_text: "Text".into(),
            body_html: "<p>Text</p>".into(),
            sealed_tokens: Vec::new(),
            attachment: None,
            respect_window: false,
        };
        isj_tracker::db::outbox::enqueue(&connection, mail, "isj.test", now)
            .await
            .expect("enqueue");
    }
}

fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 8, 0, 0)
        .single()
        .expect("time")
}

#[tokio::test]
async fn relay_down_for_a_while_then_back_loses_nothing() {
    if python().is_none() {
        return;
    }
    let db = TestDb::new().await;
    let clock = Movable::at(start_time());
    queue(&db, 5, clock.now()).await;
    let port = free_port();
    let mailer = mailer(&db, Some(port));
    let connection = db.connect().await;
    let first = deliver_due(
        isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
        &mailer,
    )
    .await
    .expect("round");
    assert_eq!(
        (first.sent, first.retried, first.dead),
        (0, 1, 0),
        "the round stops at the first connection failure"
    );
    clock.advance(Duration::minutes(2));
    assert_eq!(
        deliver_due(
            isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
            &mailer
        )
        .await
        .expect("round")
        .retried,
        1
    );

    let sink = SmtpSink::start(port, &db.dir.path().join("sink"), &[]);
    clock.advance(Duration::minutes(30));
    let back = deliver_due(
        isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
        &mailer,
    )
    .await
    .expect("round");
    assert_eq!(back.sent, 5);
    let ids = sink.message_ids();
    assert_eq!(ids.len(), 5);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "each mail once");
    assert_eq!(
        scalar(
            &connection,
            "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"
        )
        .await,
        5
    );
}

#[tokio::test]
async fn two_451_replies_then_250_deliver_once() {
    if python().is_none() {
        return;
    }
    let db = TestDb::new().await;
    let clock = Movable::at(start_time());
    queue(&db, 1, clock.now()).await;
    let port = free_port();
    let sink = SmtpSink::start(port, &db.dir.path().join("sink"), &["--fail-first", "2"]);
    let mailer = mailer(&db, Some(port));
    let connection = db.connect().await;
    for (wait, expect_sent) in [(0, 0), (1, 0), (5, 1)] {
        clock.advance(Duration::minutes(wait));
        let round = deliver_due(
            isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
            &mailer,
        )
        .await
        .expect("round");
        assert_eq!(round.sent, expect_sent, "after {wait} more minutes");
    }
    assert_eq!(sink.attempts(), 3);
    assert_eq!(sink.message_ids().len(), 1);
    assert_eq!(scalar(&connection, "SELECT attempts FROM outbox").await, 3);
    // Nothing is due any more.
    clock.advance(Duration::hours(1));
    assert_eq!(
        deliver_due(
            isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
            &mailer
        )
        .await
        .expect("round")
        .sent,
        0
    );
    assert_eq!(sink.attempts(), 3);
}

/// The `href` of the page's "older" link, `&amp;` read back as `&`.
fn older_link(page: &str) -> Option<String> {
    let start = page.find("rel=\"next\" href=\"")? + "rel=\"next\" href=\"".len();
    let href = page[start..].split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

#[tokio::test]
async fn the_outbox_pages_back_by_id_and_keeps_its_filter() {
    let app = spawn_app().await;
    queue(&app.db, 120, start_time()).await;
    let connection = app.db.connect().await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &connection,
        "UPDATE outbox SET status = 'dead' WHERE subject LIKE 'Mesaj %0 —%'",
    )
    .await
    .expect("mark every tenth dead");
    let shown = |page: &str| -> Vec<usize> {
        (0..120)
            .filter(|i| page.contains(&format!("Mesaj {i} —")))
            .collect()
    };
    let (_, first) = app.get_text("/outbox").await;
    assert_eq!(shown(&first), (70..120).collect::<Vec<_>>());
    let at = |i: usize| first.find(&format!("Mesaj {i} —")).expect("shown");
    assert!(
        (71..120).all(|i| at(i) < at(i - 1)),
        "newest first on the page"
    );
    assert!(!first.contains("Cele mai noi"));
    let (_, second) = app.get_text(&older_link(&first).expect("older")).await;
    assert_eq!(shown(&second), (20..70).collect::<Vec<_>>());
    assert!(second.contains("Cele mai noi"));
    let (_, last) = app.get_text(&older_link(&second).expect("older")).await;
    assert_eq!(shown(&last), (0..20).collect::<Vec<_>>());
    assert_eq!(older_link(&last), None, "the oldest page has no older link");

    let (_, dead) = app.get_text("/outbox?status=dead").await;
    assert_eq!(shown(&dead), (0..120).step_by(10).collect::<Vec<_>>());
    assert_eq!(older_link(&dead), None, "twelve dead mails fit one page");
    let link = older_link(&first).expect("older");
    let (_, pending_older) = app
        .get_text(&format!(
            "/outbox?status=pending&{}",
            &link["/outbox?".len()..]
        ))
        .await;
    assert!(
        shown(&pending_older).iter().all(|i| i % 10 != 0 && *i < 70),
        "an older page of one status shows only that status"
    );
    let (status, odd) = app.get_text("/outbox?before=abc").await;
    assert_eq!(
        (status, shown(&odd).len()),
        (200, 50),
        "a bad cursor shows the newest page"
    );
}

#[tokio::test]
async fn a_550_is_dead_at_once_and_shown_on_the_outbox_page() {
    if python().is_none() {
        return;
    }
    let app = spawn_app().await;
    let clock = Movable::at(start_time());
    queue(&app.db, 1, clock.now()).await;
    let port = free_port();
    let sink = SmtpSink::start(port, &app.db.dir.path().join("sink"), &["--reject"]);
    let mailer = mailer(&app.db, Some(port));
    let connection = app.db.connect().await;
    let round = deliver_due(
        isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
        &mailer,
    )
    .await
    .expect("round");
    assert_eq!((round.sent, round.dead), (0, 1));
    assert_eq!(sink.attempts(), 1, "no retry after a permanent refusal");
    let (_, page) = app.get_text("/outbox?status=dead").await;
    assert!(
        page.contains("550") && page.contains("nelivrate") && page.contains("Reîncearcă"),
        "{page}"
    );
    let id = scalar(&connection, "SELECT id FROM outbox").await;
    let csrf = app.csrf_of(&app.client).await;
    let response = app
        .client
        .post(app.url(&format!("/outbox/{id}/retry")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("retry");
    assert_eq!(response.status(), 303);
    assert_eq!(
        scalar(
            &connection,
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_relay_that_keeps_failing_is_given_up_after_48_hours() {
    let db = TestDb::new().await;
    let clock = Movable::at(start_time());
    queue(&db, 1, clock.now()).await;
    let mailer = mailer(&db, Some(free_port()));
    let connection = db.connect().await;
    let mut rounds = 0;
    while scalar(
        &connection,
        "SELECT COUNT(*) FROM outbox WHERE status = 'dead'",
    )
    .await
        == 0
    {
        deliver_due(
            isj_tracker::app::Ctx::new(&connection, clock.as_ref(), chrono_tz::Europe::Bucharest),
            &mailer,
        )
        .await
        .expect("round");
        clock.advance(Duration::minutes(30));
        rounds += 1;
        assert!(rounds < 200, "never gave up");
    }
    let attempts = scalar(&connection, "SELECT attempts FROM outbox").await;
    // 1, 5, 15 minutes, then every 30 minutes, for 48 hours.
    assert!((90..=100).contains(&attempts), "{attempts} attempts");
}

#[tokio::test]
async fn kill_9_with_200_queued_delivers_all_with_at_most_one_duplicate_per_kill() {
    if python().is_none() {
        return;
    }
    let db = TestDb::new().await;
    queue(&db, 200, Utc::now()).await;
    let port = free_port();
    let sink = SmtpSink::start(port, &db.dir.path().join("sink"), &["--delay", "0.01"]);
    let smtp = format!("smtp://127.0.0.1:{port}");
    let mut kills = 0;
    for wait_ms in [300, 500] {
        let mut sender = db
            .command(&["outbox", "send"])
            .env("ISJ_SMTP_URL", &smtp)
            .stdout(Stdio::null())
            .spawn()
            .expect("outbox send");
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        if sender.try_wait().expect("status").is_none() {
            sender.kill().expect("kill -9");
            kills += 1;
        }
        sender.wait().ok();
    }
    // Rows a killed sender held stay leased for 10 minutes: the restart after that finds them.
    let connection = db.connect().await;
    connection
        .execute_unprepared("UPDATE outbox SET lease_until = created_at WHERE status = 'sending'")
        .await
        .expect("expire the leases, as ten minutes would");
    let finish = db
        .command(&["outbox", "send"])
        .env("ISJ_SMTP_URL", &smtp)
        .output()
        .expect("outbox send");
    assert!(
        finish.status.success(),
        "{}",
        String::from_utf8_lossy(&finish.stderr)
    );
    let ids = sink.message_ids();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 200, "none lost");
    assert!(
        ids.len() <= 200 + kills,
        "{} deliveries for {kills} kills",
        ids.len()
    );
    assert!(
        kills >= 1,
        "the sender finished before it could be killed: make the sink slower"
    );
    assert_eq!(
        scalar(
            &connection,
            "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"
        )
        .await,
        200
    );
}

use sea_orm::ConnectionTrait;

#[tokio::test]
async fn a_lockout_mails_the_account_holder_at_any_hour() {
    let app = spawn_app().await;
    let user = app
        .create_user("blocat@isj.test", isj_tracker::domain::staff::Role::Juridic)
        .await;
    // The 11th wrong password from one address crosses the limit: the holder is told.
    for _ in 0..=isj_tracker::auth::throttle::PASSWORDS_PER_ADDRESS_AND_ACCOUNT {
        let client = cookie_client();
        app.post_password(&client, &user.email, "parola-gresita-de-tot")
            .await;
    }
    let connection = app.db.connect().await;
    assert_eq!(scalar(&connection, "SELECT COUNT(*) FROM outbox WHERE kind = 'security' AND recipient = 'blocat@isj.test' AND respect_window = false").await, 1);
    let body = connection
        .query_one_raw(sea_orm::Statement::from_string(
            connection.get_database_backend(),
            "SELECT body_text FROM outbox WHERE kind = 'security'".to_string(),
        ))
        .await
        .expect("query")
        .and_then(|r| r.try_get_by_index::<String>(0).ok())
        .unwrap_or_default();
    assert!(
        body.contains("nu mai poate încerca parola") && !body.contains("parola-gresita"),
        "{body}"
    );
    // Delivered at night too (the school window does not apply): 01:00 in Bucharest after
    // the real "now" the server queued it at.
    let tomorrow = today() + Duration::days(1);
    let night = Movable::at(
        chrono_tz::Europe::Bucharest
            .from_local_datetime(&tomorrow.and_hms_opt(1, 0, 0).expect("time"))
            .single()
            .expect("01:00 exists")
            .to_utc(),
    );
    let round = deliver_due(
        isj_tracker::app::Ctx::new(&connection, night.as_ref(), chrono_tz::Europe::Bucharest),
        &mailer(&app.db, None),
    )
    .await
    .expect("round");
    assert_eq!(round.sent, 1);
}

#[tokio::test]
async fn with_no_configuration_mail_lands_as_eml_files_under_data_outbox() {
    let db = TestDb::new().await;
    queue(&db, 2, Utc::now()).await;
    // The command's working folder is the test's own; the default folder is data/outbox.
    let run = db
        .command(&["outbox", "send"])
        .env_remove("ISJ_SMTP_URL")
        .env_remove("ISJ_OUTBOX_DIR")
        .output()
        .expect("outbox send");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("Trimise 2"));
    let folder = db.dir.path().join("data/outbox");
    for entry in std::fs::read_dir(&folder).expect("data/outbox").flatten() {
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&entry.metadata().expect("meta").permissions());
        assert_eq!(mode & 0o777, 0o600, "{}", entry.path().display());
    }
    let files: Vec<String> = std::fs::read_dir(&folder)
        .expect("data/outbox")
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert_eq!(files.len(), 2);
    for mail in &files {
        assert!(
            header(mail, "Message-ID").is_some_and(|id| id.ends_with("@isj.test>")),
            "the Message-ID derived from the key"
        );
        assert!(
            mail.contains("multipart/alternative")
                && mail.contains("text/html")
                && mail.contains("text/plain")
        );
        assert!(
            header(mail, "Subject").is_some_and(|s| s.contains("=?utf-8?")),
            "diacritics are RFC 2047-encoded"
        );
    }
}

/// The legal department's hearing digest, with a fixed clock, through the real SMTP server:
/// the coming hearings and what changed, once a working day, never a party's name.
#[tokio::test]
async fn the_hearing_digest_reaches_the_legal_department_once_a_working_day() {
    if python().is_none() {
        return;
    }
    // Imported on Monday 7 December 2026 (in-process, on that clock).
    let monday: Arc<dyn Clock> = Arc::new(isj_tracker::clock::FixedClock(
        Utc.with_ymd_and_hms(2026, 12, 7, 7, 0, 0)
            .single()
            .expect("time"),
    ));
    let db = TestDb::new().await;
    let schools = hd_csv().to_string_lossy().into_owned();
    assert_eq!(
        db.cli_on(&monday, &["import", "schools", &schools]).await,
        0
    );
    let list = "Cod SIIIR;Nr. dosar;Instanța;Parte adversă;Termen următor\r\n\
                2061100733;606/97/2026;Tribunalul Hunedoara;Sindicatul Exemplu;10.12.2026\r\n";
    let file = write_file(&db, "d.csv", list.as_bytes());
    let file = file.to_string_lossy().into_owned();
    assert_eq!(db.cli_on(&monday, &["import", "cases", &file]).await, 0);
    let connection = db.connect().await;
    // Tuesday 8 December 2026, 09:00 in Bucharest.
    let tuesday = Movable::at(
        Utc.with_ymd_and_hms(2026, 12, 8, 7, 0, 0)
            .single()
            .expect("time"),
    );
    let ctx = isj_tracker::app::Ctx {
        db: &connection,
        clock: tuesday.as_ref(),
        timezone: chrono_tz::Europe::Bucharest,
        register: None,
    };
    let case = scalar(
        &connection,
        "SELECT id FROM court_case WHERE number = '606/97/2026'",
    )
    .await as i32;
    let facts = isj_tracker::domain::cases::HearingFacts {
        on: chrono::NaiveDate::from_ymd_opt(2026, 12, 11).expect("date"),
        time: "11:00".into(),
        ..Default::default()
    };
    let staff = isj_tracker::app::Actor::Staff("juridic@isj.test".into());
    isj_tracker::app::hearings::record(
        ctx,
        &staff,
        case,
        facts,
        isj_tracker::domain::cases::HearingSource::Manual,
    )
    .await
    .expect("hearing");
    let digest = |ctx| {
        isj_tracker::app::hearing_digest::queue_if_due(
            ctx,
            "juridic@isj.test",
            "ISJ Hunedoara",
            "isj.test",
        )
    };
    assert!(
        digest(ctx).await.expect("digest"),
        "queued on a working day"
    );
    assert!(!digest(ctx).await.expect("digest"), "once a day");
    let saturday = Movable::at(
        Utc.with_ymd_and_hms(2026, 12, 12, 7, 0, 0)
            .single()
            .expect("time"),
    );
    let weekend = isj_tracker::app::Ctx {
        clock: saturday.as_ref(),
        ..ctx
    };
    assert!(!digest(weekend).await.expect("digest"), "not on a Saturday");

    let port = free_port();
    let sink = SmtpSink::start(port, &db.dir.path().join("sink"), &[]);
    let round = deliver_due(
        isj_tracker::app::Ctx::new(&connection, tuesday.as_ref(), chrono_tz::Europe::Bucharest),
        &mailer(&db, Some(port)),
    )
    .await
    .expect("round");
    assert_eq!(round.sent, 1);
    let files: Vec<String> = std::fs::read_dir(&sink.dir)
        .expect("sink")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert_eq!(files.len(), 1);
    let mail = &files[0];
    assert!(header(mail, "To").is_some_and(|t| t.contains("juridic@isj.test")));
    let plain: String = mail.replace("=\r\n", "").replace("=\n", "");
    assert!(plain.contains("606/97/2026"), "the hearing is listed");
    assert!(
        plain.contains("10.12.2026") && plain.contains("11.12.2026"),
        "both hearings"
    );
    assert!(
        plain.contains("termenul din 11.12.2026 11:00 =C3=AEn dosarul 606/97/2026"),
        "what changed: {plain}"
    );
    assert!(!plain.contains("Sindicatul"), "never a party's name");
}
