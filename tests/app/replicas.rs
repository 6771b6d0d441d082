//! Two replicas on one PostgreSQL database (the set-up issue 16 allows behind one proxy):
//! two real `serve` processes share sign-in throttles and checked uploads; two heartbeats
//! ticking side by side over days of simulated time queue exactly what one would.

use std::process::Stdio;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use isj_tracker::jobs::Jobs;
use reqwest::multipart::{Form, Part};
use sea_orm::{ConnectionTrait, Statement};

use super::helpers::*;

/// A `serve` on the test's database and shared key; answers once `/ready` says so.
pub(super) async fn replica(db: &TestDb) -> (KillOnDrop, String) {
    let port = free_port();
    let child = db
        .command(&["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("ISJ_SECRET_KEY_FILE", db.dir.path().join("secret.key"))
        .env("ISJ_OUTBOX_DIR", db.dir.path().join("outbox"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let child = KillOnDrop(child);
    let address = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{address}/ready")).await
            && r.status() == 200
        {
            return (child, address);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("replica on {address} did not become ready");
}

/// The same database seen through one replica's address.
pub(super) fn through(db: &TestDb, address: &str) -> TestApp {
    TestApp {
        address: address.to_string(),
        db: TestDb {
            url: db.url.clone(),
            dir: tempfile::tempdir().expect("dir"),
        },
        client: cookie_client(),
        anonymous: cookie_client(),
        key: Arc::new(
            isj_tracker::auth::secret_key::SecretKey::load_or_create(
                &db.dir.path().join("secret.key"),
            )
            .expect("key"),
        ),
        clock: Arc::new(isj_tracker::clock::SystemClock),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_replicas_share_throttles_and_uploads() {
    let db = TestDb::new().await;
    if db.is_sqlite() {
        return; // SQLite is the one-instance set-up.
    }
    db.connect().await;
    isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
        .expect("key");
    let (_a, address_a) = replica(&db).await;
    let (_b, address_b) = replica(&db).await;
    let a = through(&db, &address_a);
    let b = through(&db, &address_b);
    let user = a
        .create_user(
            "juridic@isj.test",
            isj_tracker::domain::staff::Role::Juridic,
        )
        .await;

    // Five wrong codes on A end the pending sign-in: the right code on B no longer opens it.
    let client = cookie_client();
    assert_eq!(
        a.post_password(&client, &user.email, &user.password)
            .await
            .status(),
        303
    );
    for _ in 0..5 {
        assert_eq!(a.post_code(&client, "000000").await.status(), 401);
    }
    let right = b.post_code(&client, &current_code(&user.secret)).await;
    assert_ne!(
        right
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok()),
        Some("/"),
        "B must not finish a sign-in A locked (status {})",
        right.status()
    );
    let home = client.get(b.url("/")).send().await.expect("home");
    assert_eq!(home.status(), 303, "not signed in on B");

    // The limit of one address on one account counts on both: ten wrong passwords on A,
    // then the right one on B is refused (from that address, for that account).
    let elsewhere = cookie_client_from("127.0.0.2");
    for _ in 0..10 {
        let r = a
            .post_password(&elsewhere, &user.email, "parolă greșită")
            .await;
        assert_eq!(r.status(), 401);
    }
    let refused = b
        .post_password(&elsewhere, &user.email, &user.password)
        .await;
    assert_eq!(refused.status(), 401);

    // An upload checked on A is applied on B, once.
    let signed_in = b.signed_in_later(&user).await;
    let csrf = b.csrf_of(&signed_in).await;
    let bytes = std::fs::read(test_data("hd-sample.xlsx")).expect("sample");
    let form = Form::new()
        .text("csrf", csrf.clone())
        .part("file", Part::bytes(bytes).file_name("retea.xlsx"))
        .text("county", "hd");
    let preview = signed_in
        .post(a.url("/imports"))
        .multipart(form)
        .send()
        .await
        .expect("upload on A");
    assert_eq!(preview.status(), 200);
    let page = preview.text().await.expect("body");
    let action = page
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/apply"))
        .expect("apply form")
        .to_string();
    let applied = signed_in
        .post(b.url(&action))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("apply on B");
    assert_eq!(applied.status(), 303);
    let location = applied.headers()["location"].to_str().expect("location");
    assert!(location.starts_with("/imports/batch/"), "{location}");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 30);
    let again = signed_in
        .post(a.url(&action))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("apply again on A");
    assert_eq!(again.headers()["location"], "/imports");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM import_batch").await, 1);
}

/// A heartbeat as one replica runs it: its own connection pool, the shared clock.
async fn heartbeat(db: &TestDb, clock: Arc<Movable>) -> Jobs {
    let config = Arc::new(test_config(db));
    let mailer = super::mail::mailer(db, None);
    let key = mailer.key.clone();
    Jobs::new(
        db.connect().await,
        config,
        key,
        Arc::new(mailer),
        clock,
        Arc::new(isj_tracker::metrics::Metrics::new().expect("metrics")),
    )
}

/// Every mail queued: (recipient, subject, local day it was queued), sorted.
async fn queued(db: &TestDb) -> Vec<(String, String, String)> {
    let conn = db.connect().await;
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT recipient, subject, created_at FROM outbox ORDER BY recipient, subject, created_at",
        ))
        .await
        .expect("rows");
    let mut mails: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            let at: DateTime<Utc> = r.try_get_by_index(2).expect("at");
            (
                r.try_get_by_index(0).expect("recipient"),
                r.try_get_by_index(1).expect("subject"),
                at.with_timezone(&chrono_tz::Europe::Bucharest)
                    .format("%Y-%m-%d")
                    .to_string(),
            )
        })
        .collect();
    mails.sort();
    mails
}

/// Ticks the given heartbeats together every 20 minutes for `days`.
async fn run_days(beats: &[Jobs], clock: &Movable, days: i64) {
    for _ in 0..days * 72 {
        futures_join_all(beats).await;
        clock.advance(Duration::minutes(20));
    }
}

async fn futures_join_all(beats: &[Jobs]) {
    let handles: Vec<_> = beats
        .iter()
        .cloned()
        .map(|jobs| tokio::spawn(async move { jobs.tick().await }))
        .collect();
    for handle in handles {
        handle.await.expect("tick");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_heartbeats_on_one_database_queue_what_one_would() {
    if std::env::var("ISJ_TEST_POSTGRES_URL").map_or(true, |u| u.is_empty()) {
        return;
    }
    let start = DateTime::parse_from_rfc3339("2026-01-12T05:00:00Z")
        .expect("time")
        .to_utc();
    let one = super::reminders::scenario("2026-01-16").await;
    let clock = Movable::at(start);
    run_days(&[heartbeat(&one, clock.clone()).await], &clock, 3).await;
    let expected = queued(&one).await;
    assert!(!expected.is_empty(), "the scenario has reminders to send");

    let two = super::reminders::scenario("2026-01-16").await;
    let clock = Movable::at(start);
    let beats = [
        heartbeat(&two, clock.clone()).await,
        heartbeat(&two, clock.clone()).await,
    ];
    run_days(&beats, &clock, 3).await;
    let got = queued(&two).await;
    assert_eq!(got, expected, "two replicas queue exactly what one does");
    let mut per_day = got.clone();
    per_day.dedup_by(|x, y| x.0 == y.0 && x.2 == y.2);
    assert_eq!(per_day.len(), got.len(), "one mail per recipient and day");
    // Delivered once each: one file per mail, though both replicas drained the outbox.
    let sent = two
        .scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
        .await;
    let files = std::fs::read_dir(two.dir.path().join("outbox"))
        .expect("outbox folder")
        .count();
    assert_eq!(sent, i64::try_from(got.len()).expect("count"));
    assert_eq!(files, got.len());
}

#[tokio::test]
async fn the_planner_lock_is_held_by_one_replica_at_a_time() {
    use isj_tracker::db::maintenance::{Singleton, try_singleton};
    let db = TestDb::new().await;
    if db.is_sqlite() {
        return;
    }
    let (a, b) = (db.connect().await, db.connect().await);
    let held = try_singleton(&a, Singleton::Planner)
        .await
        .expect("lock")
        .expect("granted to A");
    assert!(
        try_singleton(&b, Singleton::Planner)
            .await
            .expect("lock")
            .is_none(),
        "B waits its turn"
    );
    assert!(
        try_singleton(&b, Singleton::PortalSync)
            .await
            .expect("lock")
            .is_some(),
        "another kind of work is not held up"
    );
    held.release().await.expect("release");
    assert!(
        try_singleton(&b, Singleton::Planner)
            .await
            .expect("lock")
            .is_some(),
        "released when A's round ends"
    );
}
